// One indicator's rankings for a month: the cities and the counties (GetIndicatorRanking).
import { toValue, watch, type MaybeRefOrGetter } from 'vue';
import { rankingClient } from '@/api/clients';
import type { IndicatorRanking } from '@/gen/yingshang/ranking/v1/query_pb';
import { Scope } from '@/gen/yingshang/ranking/v1/ranking_pb';
import { useAsync, type AsyncOptions } from './useAsync';

export function useIndicatorRanking(
  code: MaybeRefOrGetter<string>,
  scope: Scope,
  period: MaybeRefOrGetter<string>,
  options: AsyncOptions = {},
) {
  const state = useAsync<IndicatorRanking>(
    () => rankingClient.getIndicatorRanking({ indicatorCode: toValue(code), scope, period: toValue(period) }),
    options,
  );
  watch(
    () => [toValue(code), toValue(period)] as const,
    ([c, p]) => {
      if (c && p) void state.run();
    },
    { immediate: true },
  );
  return state;
}

export { Scope };
