import { describe, expect, it } from 'vitest';
import { axisName, buildHeatmapOption, cellKey, heatCellLabel, heatCellTooltip, heatmapCells, heatmapHeight } from '@/charts/heatmap';
import { bandSpan, buildTrendOption, trendAxisMax, trendAxisScale, trendTooltip, type TrendInput } from '@/charts/trend';
import { SEED_COUNTIES } from '@/config/region';

const indicators = [
  { code: 'C00', name: '综合' },
  ...Array.from({ length: 18 }, (_, i) => ({ code: `I${String(i + 1).padStart(2, '0')}`, name: `指标${i + 1}` })),
];

function ranks() {
  const map = new Map<string, { rank: number; total: number }>();
  SEED_COUNTIES.forEach((c, y) => {
    indicators.forEach((ind, x) => {
      // Leave 婺源县's I05 without a fact.
      if (c.code === '361130' && ind.code === 'I05') return;
      map.set(cellKey(c.code, ind.code), { rank: ((y * 19 + x) % 100) + 1, total: 100 });
    });
  });
  return map;
}

describe('heat map option', () => {
  const input = { regions: SEED_COUNTIES, indicators, ranks: ranks() };

  it('has one cell per county and indicator, 12 × 19', () => {
    const cells = heatmapCells(input);
    expect(cells).toHaveLength(12 * 19);
    expect(cells[0]).toMatchObject({ value: [0, 0, 0], regionName: '信州区', indicatorCode: 'C00', rank: 1, total: 100 });
    // 广丰区 (row 1), I18 (column 18): rank (1*19+18)%100+1 = 38: 中游.
    const c = cells.find((x) => x.regionCode === '361103' && x.indicatorCode === 'I18')!;
    expect(c.value).toEqual([18, 1, 1]);
    expect(c.bandLabel).toBe('中游');
  });
  it('marks a missing fact as no data, labelled "-"', () => {
    const c = heatmapCells(input).find((x) => x.regionCode === '361130' && x.indicatorCode === 'I05')!;
    expect(c.value[2]).toBe(-1);
    expect(c.bandLabel).toBe('无数据');
    expect(heatCellLabel(c)).toBe('-');
  });
  it('shows the rank number in each cell, so colour is not the only signal', () => {
    const cells = heatmapCells(input);
    expect(heatCellLabel(cells[5]!)).toBe('6');
    expect(heatCellTooltip(cells[0]!)).toBe('信州区 · 综合<br/>第1名/共100（前列，本地口径）');
  });
  it('builds a heatmap series with a piecewise legend labelled as local policy', () => {
    const option = buildHeatmapOption(input) as Record<string, any>;
    expect(option.series).toHaveLength(1);
    expect(option.series[0].type).toBe('heatmap');
    expect(option.series[0].data).toHaveLength(228);
    expect(option.xAxis.data).toHaveLength(19);
    expect(option.yAxis.data[0]).toBe('信州区');
    expect(option.yAxis.inverse).toBe(true);
    expect(option.visualMap.show).toBe(false);
    const pieces = option.visualMap.pieces as { value: number; label: string }[];
    expect(pieces.map((p) => p.value)).toEqual([0, 1, 2, 3, -1]);
    expect(pieces[0]!.label).toBe('前列（本地口径）');
    expect(pieces[3]!.label).toBe('末位（本地口径）');
    expect(option.series[0].label.formatter({ data: { rank: 42 } })).toBe('42');
  });
  it('writes indicator names upright in short lines on the axis', () => {
    expect(axisName('知识产权创造、保护和运用')).toBe('知识产权\n创造、保\n护和运用');
    expect(axisName('开办企业')).toBe('开办企业');
    expect(axisName('获得用水用气')).toBe('获得用水\n用气');
    expect(axisName('一二三四五六七八九十甲乙丙')).toBe('一二三四\n五六七八\n九十甲…');
    expect(heatmapHeight(12)).toBe(424);
  });
  it('escapes names in the tooltip', () => {
    const cells = heatmapCells({ regions: [{ code: 'x', name: '<b>' }], indicators: [{ code: 'C00', name: '综合' }], ranks: new Map() });
    expect(heatCellTooltip(cells[0]!)).toContain('&#60;b&#62;');
  });
});

describe('trend option', () => {
  const periods = Array.from({ length: 12 }, (_, i) => `2022-${String(i + 1).padStart(2, '0')}`);
  const input: TrendInput = {
    periods,
    series: [
      {
        name: '上饶市',
        points: periods.map((p, i) => ({ period: p, present: i >= 6 && i <= 8, rank: [0, 0, 0, 0, 0, 0, 5, 4, 2][i] ?? 0, total: 11 })),
      },
    ],
    bands: [{ period: '2022Q3', targetAtMost: 3, floorAtMost: 6, label: '§四' }],
  };

  it('plots present ranks and leaves gaps for missing periods', () => {
    const option = buildTrendOption(input) as Record<string, any>;
    expect(option.series[0].data).toEqual([null, null, null, null, null, null, 5, 4, 2, null, null, null]);
    expect(option.series[0].connectNulls).toBe(false);
  });
  it('puts rank 1 at the top and fits the field', () => {
    const option = buildTrendOption(input) as Record<string, any>;
    expect(option.yAxis.inverse).toBe(true);
    expect(trendAxisMax(input)).toBe(11);
    expect(option.yAxis.max).toBe(11);
    expect(option.yAxis.min).toBe(1);
    expect(option.yAxis.interval).toBe(1);
    expect(option.yAxis.axisLabel.formatter(3)).toBe('3');
    expect(option.yAxis.axisLabel.formatter(0)).toBe('');
  });
  it('draws the quarter target over its three months and the floor below it', () => {
    expect(bandSpan(input.bands[0]!, periods)).toEqual(['2022-07', '2022-09']);
    const option = buildTrendOption(input) as Record<string, any>;
    const areas = option.series[0].markArea.data;
    expect(areas).toHaveLength(2);
    expect(areas[0][0]).toMatchObject({ name: '目标：前3名', xAxis: '2022-07', yAxis: 0.5 });
    expect(areas[0][1]).toEqual({ xAxis: '2022-09', yAxis: 3.5 });
    expect(areas[1][0]).toMatchObject({ name: '底线：前6名', yAxis: 6.5 });
    expect(areas[1][1]).toEqual({ xAxis: '2022-09', yAxis: 11.5 });
    expect(option.series[0].markLine.data[0].yAxis).toBe(6.5);
    // The floor is named once, on its dashed line: the area's own label sat on the worst ranks.
    expect(areas[1][0].label.show).toBe(false);
    expect(option.series[0].markLine.data[0].label.formatter).toBe('底线：前6名');
  });
  it('draws the month axis at the bottom of the inverted rank axis', () => {
    const option = buildTrendOption(input) as Record<string, any>;
    expect(option.yAxis.inverse).toBe(true);
    expect(option.xAxis.axisLine.onZero).toBe(false);
  });
  it('draws no band for a quarter outside the axis, and none without targets', () => {
    expect(bandSpan({ period: '2023Q1', targetAtMost: 3, floorAtMost: 6, label: '' }, periods)).toBeUndefined();
    const option = buildTrendOption({ ...input, bands: [] }) as Record<string, any>;
    expect(option.series[0].markArea).toBeUndefined();
    expect(option.series[0].markLine).toBeUndefined();
  });
  it('steps a county axis (100) by tens from 0', () => {
    expect(trendAxisScale(100)).toEqual({ min: 0, max: 100, interval: 10 });
    expect(trendAxisScale(101)).toEqual({ min: 0, max: 110, interval: 10 });
    expect(trendAxisScale(11)).toEqual({ min: 1, max: 11, interval: 1 });
  });
  it('keeps the floor on the axis when every rank is better than it', () => {
    const small: TrendInput = { periods: ['2022-07'], series: [{ name: 'x', points: [{ period: '2022-07', present: true, rank: 1, total: 3 }] }], bands: [{ period: '2022', targetAtMost: 3, floorAtMost: 6, label: '' }] };
    expect(trendAxisMax(small)).toBe(7);
  });
  it('tells each period rank in the tooltip', () => {
    expect(trendTooltip(input, [{ seriesIndex: 0, dataIndex: 8 }])).toBe('2022-09<br/>上饶市：第2名/共11');
    expect(trendTooltip(input, [{ seriesIndex: 0, dataIndex: 0 }])).toBe('2022-01<br/>上饶市：无数据');
  });
});
