// A rank's history over a year (GetHistory, one point per month) and the targets drawn on it.
import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { rankingClient } from '@/api/clients';
import type { TrendBand } from '@/charts/trend';
import { targetsFor } from '@/config/targets';
import type { History } from '@/gen/yingshang/ranking/v1/query_pb';
import { useLoad } from './useAsync';

export function useHistory(
  indicatorCode: MaybeRefOrGetter<string>,
  regionCode: MaybeRefOrGetter<string>,
  year: MaybeRefOrGetter<number>,
) {
  const state = useLoad<History, [string, string, number]>(
    () =>
      rankingClient.getHistory({
        indicatorCode: toValue(indicatorCode),
        regionCode: toValue(regionCode),
        fromPeriod: `${toValue(year)}-01`,
        toPeriod: `${toValue(year)}-12`,
      }),
    () => [toValue(indicatorCode), toValue(regionCode), toValue(year)],
  );
  const bands = computed<TrendBand[]>(() =>
    targetsFor(toValue(indicatorCode), toValue(regionCode), toValue(year)).map((t) => ({
      period: t.period,
      targetAtMost: t.targetAtMost,
      floorAtMost: t.floorAtMost,
      label: t.citation,
    })),
  );
  return { ...state, bands };
}
