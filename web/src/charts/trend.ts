// A rank's trend over the year (GetHistory), rank 1 at the top, with the target and the floor
// drawn as bands where a target is known (src/config/targets.ts).
import type { MarkAreaComponentOption, MarkLineComponentOption } from 'echarts/components';
import { m } from '@/messages';
import { monthShortLabel, periodKind, quarterMonths } from '@/time';
import { CHART_FONT, escapeHtml, type ChartOption } from './types';

export interface TrendPoint {
  period: string;
  present: boolean;
  rank: number;
  total: number;
}

export interface TrendSeries {
  name: string;
  points: TrendPoint[];
}

export interface TrendBand {
  /** The period the target is for: a quarter ("2022Q3") covers its months; a year or "*" the whole axis. */
  period: string;
  targetAtMost: number;
  floorAtMost: number;
  label: string;
}

export interface TrendInput {
  periods: string[];
  series: TrendSeries[];
  bands: TrendBand[];
}

/** The periods a band spans on the axis (first and last), or undefined when none is shown. */
export function bandSpan(band: TrendBand, periods: string[]): [string, string] | undefined {
  if (periods.length === 0) return undefined;
  if (periodKind(band.period) === 'quarter') {
    const months = quarterMonths(band.period).filter((p) => periods.includes(p));
    if (months.length === 0) return undefined;
    return [months[0]!, months[months.length - 1]!];
  }
  return [periods[0]!, periods[periods.length - 1]!];
}

/** The largest rank the axis needs: the field's size, or the floor below the worst rank. */
export function trendAxisMax(input: TrendInput): number {
  let max = 1;
  for (const s of input.series) {
    for (const p of s.points) {
      if (p.present) max = Math.max(max, p.total, p.rank);
    }
  }
  for (const b of input.bands) max = Math.max(max, b.floorAtMost + 1);
  return max;
}

/**
 * The rank axis: every rank from 1 for a small field (the 11 cities), steps of 10 from 0 for a large
 * one (the 100 counties), so each tick is a whole rank.
 */
export function trendAxisScale(max: number): { min: number; max: number; interval: number } {
  if (max <= 20) return { min: 1, max, interval: 1 };
  return { min: 0, max: Math.ceil(max / 10) * 10, interval: 10 };
}

export function buildTrendOption(input: TrendInput): ChartOption {
  const max = trendAxisMax(input);
  const areas: NonNullable<MarkAreaComponentOption['data']> = [];
  const lines: NonNullable<MarkLineComponentOption['data']> = [];
  for (const band of input.bands) {
    const span = bandSpan(band, input.periods);
    if (!span) continue;
    areas.push([
      {
        name: m.trend.target(band.targetAtMost),
        xAxis: span[0],
        yAxis: 0.5,
        itemStyle: { color: 'rgba(27, 127, 59, 0.14)' },
        label: { color: '#1b7f3b', position: 'insideTopLeft' },
      },
      { xAxis: span[1], yAxis: band.targetAtMost + 0.5 },
    ]);
    areas.push([
      {
        name: m.trend.floor(band.floorAtMost),
        xAxis: span[0],
        yAxis: band.floorAtMost + 0.5,
        itemStyle: { color: 'rgba(179, 38, 30, 0.10)' },
        // The dashed floor line names it; a second label here sat on the worst ranks' points.
        label: { show: false },
      },
      { xAxis: span[1], yAxis: max + 0.5 },
    ]);
    lines.push({
      name: m.trend.floor(band.floorAtMost),
      yAxis: band.floorAtMost + 0.5,
      lineStyle: { color: '#b3261e', type: 'dashed' },
      label: { formatter: m.trend.floor(band.floorAtMost), color: '#b3261e', position: 'insideEndTop' },
    });
  }
  return {
    aria: { enabled: true },
    textStyle: { fontFamily: CHART_FONT },
    animationDuration: 300,
    tooltip: {
      trigger: 'axis',
      formatter: (params: unknown) => trendTooltip(input, params as { seriesIndex: number; dataIndex: number }[]),
    },
    grid: { left: 56, right: 24, top: 16, bottom: 32 },
    xAxis: {
      type: 'category',
      data: input.periods,
      axisLabel: { formatter: (v: string) => monthShortLabel(v) },
      boundaryGap: false,
      // The rank axis is inverted and, for the counties, starts at 0: kept "on zero" the month axis
      // would be drawn across the top.
      axisLine: { onZero: false },
    },
    yAxis: {
      type: 'value',
      inverse: true,
      ...trendAxisScale(max),
      name: m.trend.yAxis,
      nameLocation: 'middle',
      nameGap: 36,
      axisLabel: { formatter: (v: number) => (v >= 1 && Number.isInteger(v) ? String(v) : '') },
    },
    series: input.series.map((s, i) => ({
      type: 'line' as const,
      name: s.name,
      connectNulls: false,
      symbol: 'circle',
      symbolSize: 8,
      label: { show: true, position: 'top' as const, formatter: (p: { value: unknown }) => (p.value == null ? '' : String(p.value)) },
      data: input.periods.map((period) => {
        const point = s.points.find((p) => p.period === period);
        return point && point.present ? point.rank : null;
      }),
      ...(i === 0 && areas.length > 0 ? { markArea: { silent: true, data: areas } } : {}),
      ...(i === 0 && lines.length > 0 ? { markLine: { silent: true, symbol: 'none', data: lines } } : {}),
    })),
  };
}

/** The tooltip for one period: each series' rank "第N名/共M" or 无数据. */
export function trendTooltip(input: TrendInput, params: { seriesIndex: number; dataIndex: number }[]): string {
  if (params.length === 0) return '';
  const period = input.periods[params[0]!.dataIndex] ?? '';
  const lines = [period];
  for (const p of params) {
    const s = input.series[p.seriesIndex];
    const point = s?.points.find((x) => x.period === period);
    const text = point && point.present ? m.scorecard.rankText(point.rank, point.total) : m.scorecard.noRank;
    lines.push(`${escapeHtml(s?.name ?? '')}：${text}`);
  }
  return lines.join('<br/>');
}
