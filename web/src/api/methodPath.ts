import type { DescMethod } from '@bufbuild/protobuf';

/** "yingshang.ranking.v1.RankingQuery/GetScorecard": how WhoAmI.allowed_methods names a method. */
export function methodPath(method: DescMethod): string {
  return `${method.parent.typeName}/${method.name}`;
}
