// A region's scorecard for a month (RankingQuery.GetScorecard): 综合 and the first-level indicators
// with rank, movement, 领班 and 责任单位.
import { toValue, type MaybeRefOrGetter } from 'vue';
import { rankingClient } from '@/api/clients';
import type { Scorecard } from '@/gen/yingshang/ranking/v1/query_pb';
import { useLoad, type AsyncOptions } from './useAsync';

export function useScorecard(
  regionCode: MaybeRefOrGetter<string>,
  period: MaybeRefOrGetter<string>,
  options: AsyncOptions = {},
) {
  return useLoad<Scorecard, string[]>(
    () => rankingClient.getScorecard({ regionCode: toValue(regionCode), period: toValue(period) }),
    () => [toValue(regionCode), toValue(period)],
    options,
  );
}
