// Rank targets the trend chart draws as bands. The API has no call that lists the catalog's targets
// (indicator.v1.Target) or the office's goal tiers as numbers (GetGoals gives their wording), so the
// console keeps the one the work plan states in numbers. See the web README's "Gaps".

export interface RankTarget {
  /** Period the target is set for: a quarter ("2022Q3"), a year, or "*" for every period. */
  period: string;
  indicatorCode: string;
  regionCode: string;
  /** 目标: rank at most (best = 1). */
  targetAtMost: number;
  /** 底线: rank at most; worse than this breaks the floor. */
  floorAtMost: number;
  citation: string;
  localPolicy: boolean;
}

export const RANK_TARGETS: RankTarget[] = [
  {
    // §四 "第三季度目标是整体排名进全省前三，不得掉出前六"
    period: '2022Q3',
    indicatorCode: 'C00',
    regionCode: '3611',
    targetAtMost: 3,
    floorAtMost: 6,
    citation: '工作方案§四：第三季度整体排名进全省前三，不得掉出前六',
    localPolicy: false,
  },
];

/** The targets that apply to an indicator and region in a year. */
export function targetsFor(indicatorCode: string, regionCode: string, year: number): RankTarget[] {
  return RANK_TARGETS.filter(
    (t) =>
      t.indicatorCode === indicatorCode &&
      t.regionCode === regionCode &&
      (t.period === '*' || t.period.startsWith(String(year))),
  );
}
