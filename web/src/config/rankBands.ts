// Rank bands for the heat map and the scorecard: the office's local policy (本地口径), not the work
// plan's — the plan names tiers (前列, 上游) without numbers. One place to change them.
//
// A band is a share of the field (rank / total) so one rule reads the 11 cities and the 100
// counties alike: with 100 counties, 前列 is 1-30 (the office's reading of "全部进入全省前列",
// goals.county_front_rank_at_most = 30) and 后列 starts after 70 (the ranking service's county
// composite alert, "beyond 70th"); 末位 is the last place, which the plan itself names (§四(七)).

export type BandKey = 'front' | 'middle' | 'back' | 'last' | 'none';

export interface BandDef {
  key: BandKey;
  /** Inclusive upper bound as a share of total; the rank r is in the band when r <= floor(share × total). */
  maxShare: number;
  color: string;
  /** Text colour on the band's colour (contrast). */
  textColor: string;
}

export const RANK_BAND_POLICY = {
  label: '本地口径',
  note: '排名分档为市营商办本地口径（按名次占参评总数的比例），非工作方案规定',
  bands: [
    { key: 'front', maxShare: 0.3, color: '#1b7f3b', textColor: '#ffffff' },
    { key: 'middle', maxShare: 0.7, color: '#a8d5b5', textColor: '#1d2b22' },
    { key: 'back', maxShare: 1, color: '#f2a65a', textColor: '#2b1d0e' },
  ] as BandDef[],
  last: { key: 'last', maxShare: 1, color: '#b3261e', textColor: '#ffffff' } as BandDef,
  none: { key: 'none', maxShare: 0, color: '#e4e7ed', textColor: '#606266' } as BandDef,
} as const;
