// A region's scorecard for a month (RankingQuery.GetScorecard): 综合 and the first-level indicators
// with rank, movement, 领班 and 责任单位.
import { toValue, watch, type MaybeRefOrGetter } from 'vue';
import { rankingClient } from '@/api/clients';
import type { Scorecard } from '@/gen/yingshang/ranking/v1/query_pb';
import { useAsync, type AsyncOptions } from './useAsync';

export function useScorecard(
  regionCode: MaybeRefOrGetter<string>,
  period: MaybeRefOrGetter<string>,
  options: AsyncOptions = {},
) {
  const state = useAsync<Scorecard>(
    () => rankingClient.getScorecard({ regionCode: toValue(regionCode), period: toValue(period) }),
    options,
  );
  watch(
    () => [toValue(regionCode), toValue(period)] as const,
    ([region, p]) => {
      if (region && p) void state.run();
    },
    { immediate: true },
  );
  return state;
}
