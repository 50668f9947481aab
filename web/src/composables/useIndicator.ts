// One indicator's rankings for a month: the cities and the counties (GetIndicatorRanking).
import { toValue, type MaybeRefOrGetter } from 'vue';
import { rankingClient } from '@/api/clients';
import type { IndicatorRanking } from '@/gen/yingshang/ranking/v1/query_pb';
import { Scope } from '@/gen/yingshang/ranking/v1/ranking_pb';
import { useLoad, type AsyncOptions } from './useAsync';

export function useIndicatorRanking(
  code: MaybeRefOrGetter<string>,
  scope: Scope,
  period: MaybeRefOrGetter<string>,
  options: AsyncOptions = {},
) {
  return useLoad<IndicatorRanking, string[]>(
    () => rankingClient.getIndicatorRanking({ indicatorCode: toValue(code), scope, period: toValue(period) }),
    () => [toValue(code), toValue(period)],
    options,
  );
}

export { Scope };
