// The office's heat map: counties × (综合 + the first-level indicators), each cell the county's
// provincial rank coloured by its band (local policy). The cell shows the rank number, so colour is
// never the only signal.
import { bandLegend, bandLegendLabel, rankBand } from '@/logic/rankBand';
import { RANK_BAND_POLICY } from '@/config/rankBands';
import { m } from '@/messages';
import { CHART_FONT, escapeHtml, type ChartOption } from './types';

export interface Named {
  code: string;
  name: string;
}

export interface RankValue {
  rank: number;
  total: number;
}

export interface HeatmapInput {
  regions: Named[];
  indicators: Named[];
  /** By cellKey(region, indicator). */
  ranks: Map<string, RankValue>;
}

export interface HeatCell {
  /** [indicator index, region index, band index (-1: no data)] */
  value: [number, number, number];
  regionCode: string;
  regionName: string;
  indicatorCode: string;
  indicatorName: string;
  rank: number;
  total: number;
  bandLabel: string;
  label: { color: string };
}

export function cellKey(regionCode: string, indicatorCode: string): string {
  return `${regionCode}|${indicatorCode}`;
}

/** One cell per region and indicator, row by row. */
export function heatmapCells(input: HeatmapInput): HeatCell[] {
  const cells: HeatCell[] = [];
  input.regions.forEach((region, y) => {
    input.indicators.forEach((ind, x) => {
      const r = input.ranks.get(cellKey(region.code, ind.code));
      const band = rankBand(r?.rank ?? 0, r?.total ?? 0);
      cells.push({
        value: [x, y, band.index],
        regionCode: region.code,
        regionName: region.name,
        indicatorCode: ind.code,
        indicatorName: ind.name,
        rank: r?.rank ?? 0,
        total: r?.total ?? 0,
        bandLabel: band.label,
        label: { color: band.textColor },
      });
    });
  });
  return cells;
}

/** The text inside a cell: the rank, or "-" without one. */
export function heatCellLabel(cell: Pick<HeatCell, 'rank'>): string {
  return cell.rank > 0 ? String(cell.rank) : '-';
}

/** The tooltip of a cell, plain text lines. */
export function heatCellTooltip(cell: HeatCell): string {
  const rank = cell.rank > 0 ? m.scorecard.rankText(cell.rank, cell.total) : m.scorecard.noRank;
  return `${escapeHtml(cell.regionName)} · ${escapeHtml(cell.indicatorName)}<br/>${rank}（${cell.bandLabel}，${RANK_BAND_POLICY.label}）`;
}

/**
 * An axis label that fits a column upright: the name in lines of `perLine` characters, at most
 * `lines` of them ("知识产权创造、保护和运用" → "知识产权\n创造、保\n护和运用"); longer names end in "…".
 * Upright and whole reads better than the rotated, cut names it replaces; the tooltip has the name.
 */
export function axisName(name: string, perLine = 4, lines = 3): string {
  const chars = [...name];
  const out: string[] = [];
  for (let i = 0; i < chars.length && out.length < lines; i += perLine) out.push(chars.slice(i, i + perLine).join(''));
  if (chars.length > perLine * lines) out[lines - 1] = `${[...out[lines - 1]!].slice(0, perLine - 1).join('')}…`;
  return out.join('\n');
}

/** The heat map cells' colours by rank band (the cell's third value is its band index, -1 none);
 * `shown` draws the bands' legend under the chart (labelled as local policy), else the page does. */
export function rankBandVisualMap(shown: boolean): Record<string, unknown> {
  return {
    type: 'piecewise',
    show: shown,
    ...(shown ? { orient: 'horizontal', left: 'center', bottom: 0 } : {}),
    dimension: 2,
    pieces: [
      ...bandLegend().map((b) => ({ value: b.index, label: bandLegendLabel(b), color: b.color })),
      { value: -1, label: m.bands.none ?? '无数据', color: RANK_BAND_POLICY.none.color },
    ],
    textStyle: { fontFamily: CHART_FONT },
  };
}

export function buildHeatmapOption(input: HeatmapInput): ChartOption {
  const cells = heatmapCells(input);
  return {
    aria: { enabled: true },
    textStyle: { fontFamily: CHART_FONT },
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => heatCellTooltip((p as { data: HeatCell }).data),
    },
    grid: { left: 80, right: 16, top: 8, bottom: 56 },
    xAxis: {
      type: 'category',
      data: input.indicators.map((i) => axisName(i.name)),
      axisLabel: { interval: 0, fontSize: 12, lineHeight: 15 },
      splitArea: { show: true },
    },
    yAxis: {
      type: 'category',
      data: input.regions.map((r) => r.name),
      inverse: true,
      axisLabel: { fontSize: 12 },
      splitArea: { show: true },
    },
    // The bands colour the cells; their legend, with each band's ranks, is the panel's own (HTML).
    visualMap: rankBandVisualMap(false),
    series: [
      {
        type: 'heatmap',
        name: m.dashboard.heatmap,
        data: cells as unknown as NonNullable<import('echarts/charts').HeatmapSeriesOption['data']>,
        label: {
          show: true,
          fontSize: 12,
          formatter: (p: unknown) => heatCellLabel((p as { data: HeatCell }).data),
        },
        itemStyle: { borderColor: '#ffffff', borderWidth: 2 },
        emphasis: { itemStyle: { borderColor: '#303133', borderWidth: 2 } },
      },
    ],
  };
}

/** Height in pixels that fits `rows` rows. */
export function heatmapHeight(rows: number): number {
  return rows * 30 + 64;
}
