// The charts of a 调度会材料 / 通报 (documents.proto Chart) as ECharts options: the service assembles the
// figures once; the console draws them as the PDF does. NaN is "none" in every series.
//   RANK_TREND: x periods, one line per series, rank 1 at the top, the band from the target to the
//               floor shaded and both named.
//   HEATMAP:    x indicators × y regions, one series row-major (y * x_len + x), each cell a rank
//               coloured by its band (local policy, src/config/rankBands.ts) with the rank written in.
//   BAR:        x categories, one bar series per series, in unit_label.
import type { MarkAreaComponentOption, MarkLineComponentOption } from 'echarts/components';
import { ChartKind } from '@/gen/yingshang/notify/v1/documents_pb';
import { rankBand } from '@/logic/rankBand';
import { RANK_BAND_POLICY } from '@/config/rankBands';
import { m } from '@/messages';
import { axisName, heatmapHeight, rankBandVisualMap } from './heatmap';
import { CHART_FONT, escapeHtml, type ChartOption } from './types';

/** The fields of a Chart message the options read (the generated type has them all). */
export interface ChartData {
  key: string;
  kind: ChartKind;
  title: string;
  xLabels: string[];
  yLabels: string[];
  series: { name: string; values: number[] }[];
  bandTarget: number;
  bandFloor: number;
  scaleMax: number;
  unitLabel: string;
}

/** A value or null for "none" (NaN, or past the end). */
function present(v: number | undefined): number | null {
  return v === undefined || Number.isNaN(v) ? null : v;
}

/** The largest rank on the axis: scale_max, else the worst rank or floor drawn. */
export function rankAxisMax(c: ChartData): number {
  if (c.scaleMax > 0) return c.scaleMax;
  let max = Math.max(1, c.bandFloor);
  for (const s of c.series) for (const v of s.values) if (!Number.isNaN(v)) max = Math.max(max, v);
  return max;
}

export function buildRankTrendOption(c: ChartData): ChartOption {
  const max = rankAxisMax(c);
  const hasBand = c.bandTarget > 0 && c.bandFloor > 0;
  const areas: NonNullable<MarkAreaComponentOption['data']> = hasBand
    ? [
        [
          {
            name: m.documents.trendBand,
            yAxis: c.bandTarget,
            itemStyle: { color: 'rgba(242, 166, 90, 0.16)' },
            label: { show: false },
          },
          { yAxis: c.bandFloor },
        ],
      ]
    : [];
  const lines: NonNullable<MarkLineComponentOption['data']> = hasBand
    ? [
        {
          name: m.documents.trendTarget(c.bandTarget),
          yAxis: c.bandTarget,
          lineStyle: { color: '#1b7f3b', type: 'solid' },
          label: { formatter: m.documents.trendTarget(c.bandTarget), color: '#1b7f3b', position: 'insideEndTop' },
        },
        {
          name: m.documents.trendFloor(c.bandFloor),
          yAxis: c.bandFloor,
          lineStyle: { color: '#b3261e', type: 'dashed' },
          label: { formatter: m.documents.trendFloor(c.bandFloor), color: '#b3261e', position: 'insideEndBottom' },
        },
      ]
    : [];
  return {
    aria: { enabled: true },
    textStyle: { fontFamily: CHART_FONT },
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: c.series.length > 1 ? { top: 0, textStyle: { fontFamily: CHART_FONT } } : undefined,
    grid: { left: 56, right: 24, top: c.series.length > 1 ? 32 : 16, bottom: 32 },
    xAxis: {
      type: 'category',
      data: c.xLabels,
      boundaryGap: false,
      // The rank axis is inverted: kept "on zero" the period axis would be drawn across the top.
      axisLine: { onZero: false },
    },
    yAxis: {
      type: 'value',
      inverse: true,
      min: 1,
      max,
      ...(max <= 20 ? { interval: 1 } : {}),
      name: m.documents.rankAxis,
      nameLocation: 'middle',
      nameGap: 36,
      axisLabel: { formatter: (v: number) => (v >= 1 && Number.isInteger(v) ? String(v) : '') },
    },
    series: c.series.map((s, i) => ({
      type: 'line' as const,
      name: s.name,
      connectNulls: false,
      symbol: 'circle',
      symbolSize: 8,
      label: { show: true, position: 'top' as const },
      data: c.xLabels.map((_, x) => present(s.values[x])),
      ...(i === 0 && areas.length > 0 ? { markArea: { silent: true, data: areas } } : {}),
      ...(i === 0 && lines.length > 0 ? { markLine: { silent: true, symbol: 'none', data: lines } } : {}),
    })),
  };
}

export interface DocHeatCell {
  /** [x, y, band index (-1: no rank)] */
  value: [number, number, number];
  rank: number;
  x: string;
  y: string;
  bandLabel: string;
  label: { color: string };
}

/** The heat map's cells, row by row; a NaN cell is left out (drawn empty). */
export function documentHeatCells(c: ChartData): DocHeatCell[] {
  const values = c.series[0]?.values ?? [];
  const total = rankAxisMax(c);
  const cells: DocHeatCell[] = [];
  c.yLabels.forEach((y, yi) => {
    c.xLabels.forEach((x, xi) => {
      const v = present(values[yi * c.xLabels.length + xi]);
      if (v === null) return;
      const band = rankBand(v, total);
      cells.push({ value: [xi, yi, band.index], rank: v, x, y, bandLabel: band.label, label: { color: band.textColor } });
    });
  });
  return cells;
}

export function buildDocumentHeatmapOption(c: ChartData): ChartOption {
  const total = rankAxisMax(c);
  return {
    aria: { enabled: true },
    textStyle: { fontFamily: CHART_FONT },
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const cell = (p as { data: DocHeatCell }).data;
        return `${escapeHtml(cell.y)} · ${escapeHtml(cell.x)}<br/>${m.scorecard.rankText(cell.rank, total)}（${cell.bandLabel}，${RANK_BAND_POLICY.label}）`;
      },
    },
    grid: { left: 96, right: 16, top: 8, bottom: 96 },
    xAxis: {
      type: 'category',
      data: c.xLabels.map((x) => axisName(x)),
      axisLabel: { interval: 0, fontSize: 12, lineHeight: 15 },
      splitArea: { show: true },
    },
    yAxis: { type: 'category', data: c.yLabels, inverse: true, axisLabel: { fontSize: 12 }, splitArea: { show: true } },
    // The legend names each band as local policy: the plan gives tiers without numbers.
    visualMap: rankBandVisualMap(true),
    series: [
      {
        type: 'heatmap',
        name: c.title,
        data: documentHeatCells(c) as unknown as NonNullable<import('echarts/charts').HeatmapSeriesOption['data']>,
        label: { show: true, fontSize: 12, formatter: (p: unknown) => String((p as { data: DocHeatCell }).data.rank) },
        itemStyle: { borderColor: '#ffffff', borderWidth: 2 },
      },
    ],
  };
}

export function buildBarOption(c: ChartData): ChartOption {
  return {
    aria: { enabled: true },
    textStyle: { fontFamily: CHART_FONT },
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: c.series.length > 1 ? { top: 0, textStyle: { fontFamily: CHART_FONT } } : undefined,
    grid: { left: 64, right: 24, top: c.series.length > 1 ? 32 : 24, bottom: 48 },
    xAxis: { type: 'category', data: c.xLabels.map((x) => axisName(x, 6, 2)), axisLabel: { interval: 0, fontSize: 12 } },
    yAxis: { type: 'value', name: c.unitLabel || m.documents.chartValue },
    series: c.series.map((s) => ({
      type: 'bar' as const,
      name: s.name,
      data: c.xLabels.map((_, x) => present(s.values[x])),
      label: { show: true, position: 'top' as const },
    })),
  };
}

/** The option for a chart, by its kind; undefined for a kind the console does not know. */
export function buildDocumentChartOption(c: ChartData): ChartOption | undefined {
  switch (c.kind) {
    case ChartKind.RANK_TREND:
      return buildRankTrendOption(c);
    case ChartKind.HEATMAP:
      return buildDocumentHeatmapOption(c);
    case ChartKind.BAR:
      return buildBarOption(c);
    default:
      return undefined;
  }
}

/** Height in pixels: the heat map by its rows (and its legend), the others alike. */
export function documentChartHeight(c: ChartData): number {
  return c.kind === ChartKind.HEATMAP ? heatmapHeight(c.yLabels.length) + 72 : 300;
}
