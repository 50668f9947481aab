import { describe, expect, it } from 'vitest';
import { bandLegend, bandLegendLabel, bandRange, rankBand } from '@/logic/rankBand';

describe('rank bands (local policy)', () => {
  it('reads the 100 counties: 前列 1-30, 中游 31-70, 后列 71-99, 末位 100', () => {
    expect(rankBand(1, 100).key).toBe('front');
    expect(rankBand(30, 100).key).toBe('front');
    expect(rankBand(31, 100).key).toBe('middle');
    expect(rankBand(70, 100).key).toBe('middle');
    expect(rankBand(71, 100).key).toBe('back');
    expect(rankBand(99, 100).key).toBe('back');
    expect(rankBand(100, 100).key).toBe('last');
  });
  it('reads the 11 cities: 前列 1-3, 中游 4-7, 后列 8-10, 末位 11', () => {
    expect(rankBand(3, 11).key).toBe('front');
    expect(rankBand(4, 11).key).toBe('middle');
    expect(rankBand(7, 11).key).toBe('middle');
    expect(rankBand(8, 11).key).toBe('back');
    expect(rankBand(10, 11).key).toBe('back');
    expect(rankBand(11, 11).key).toBe('last');
    expect(bandRange('front', 11)).toBe('1-3');
    expect(bandRange('middle', 11)).toBe('4-7');
    expect(bandRange('back', 11)).toBe('8-10');
    expect(bandRange('last', 11)).toBe('11');
    expect(bandRange('middle', 100)).toBe('31-70');
  });
  it('labels each band in words and orders them for the heat map', () => {
    const front = rankBand(2, 100);
    expect(front.label).toBe('前列');
    expect(front.index).toBe(0);
    expect(rankBand(50, 100).label).toBe('中游');
    expect(rankBand(80, 100)).toMatchObject({ label: '后列', index: 2 });
    expect(rankBand(100, 100)).toMatchObject({ label: '末位', index: 3 });
  });
  it('has no band without a rank or a total', () => {
    expect(rankBand(0, 100)).toMatchObject({ key: 'none', index: -1, label: '无数据' });
    expect(rankBand(5, 0).key).toBe('none');
  });
  it('counts a rank past the total (a tie for last) as last', () => {
    expect(rankBand(12, 11).key).toBe('last');
  });
  it('says in the legend that the bands are local policy', () => {
    const legend = bandLegend();
    expect(legend.map((b) => b.key)).toEqual(['front', 'middle', 'back', 'last']);
    expect(legend.map(bandLegendLabel)).toEqual([
      '前列（本地口径）',
      '中游（本地口径）',
      '后列（本地口径）',
      '末位（本地口径）',
    ]);
    // Distinct colours for distinct bands.
    expect(new Set(legend.map((b) => b.color)).size).toBe(4);
  });
});
