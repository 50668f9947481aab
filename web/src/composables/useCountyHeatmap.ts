// The heat map's data: each county's scorecard for the month (GetScorecard per county code), the
// columns being 综合 and the first-level indicators in the city's scorecard order.
import { toValue, type MaybeRefOrGetter } from 'vue';
import { rankingClient } from '@/api/clients';
import { cellKey, type HeatmapInput, type Named } from '@/charts/heatmap';
import { loadCounties } from './useCounties';
import { useLoad } from './useAsync';

export function useCountyHeatmap(period: MaybeRefOrGetter<string>, columns: MaybeRefOrGetter<Named[]>) {
  return useLoad<HeatmapInput, [string, number]>(
    async () => {
      const p = toValue(period);
      const counties = await loadCounties();
      const cards = await Promise.all(counties.map((c) => rankingClient.getScorecard({ regionCode: c.code, period: p })));
      const ranks = new Map<string, { rank: number; total: number }>();
      const seen = new Map<string, string>();
      for (const card of cards) {
        for (const row of card.rows) {
          ranks.set(cellKey(card.regionCode, row.indicatorCode), { rank: row.rank, total: row.total });
          if (!seen.has(row.indicatorCode)) seen.set(row.indicatorCode, row.indicatorName);
        }
      }
      // The city's columns first (综合 + 18 L1); any other first-level code a county has after them.
      const indicators: Named[] = [...toValue(columns)];
      for (const [code, name] of seen) {
        if (!indicators.some((i) => i.code === code) && /^(C00|I\d{2})$/.test(code)) indicators.push({ code, name });
      }
      return { regions: counties, indicators, ranks };
    },
    () => [toValue(period), toValue(columns).length],
    { ready: ([p]) => !!p },
  );
}
