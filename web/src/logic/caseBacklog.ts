// The office's view of the cases still to be done, by the unit (or county) that answers for them:
// what stage each is at and how far the overdue ladder went. Counted now, from every case
// (ListCases), not by the month a case was opened: cases open when their alert arrives, which is
// not the ranking's month.
import { Escalation, State } from '@/gen/yingshang/rectification/v1/rectification_pb';

/** The fields of a case the counts read. */
export interface CaseLike {
  unit: string;
  regionCode: string;
  state: State;
  overdue: boolean;
  escalation: Escalation;
  escalationStep: string;
}

/** Not done yet: neither verified nor closed (the office's verification ends the unit's part). */
export function isOutstanding(c: Pick<CaseLike, 'state'>): boolean {
  return c.state !== State.VERIFIED && c.state !== State.CLOSED;
}

export interface BacklogRow {
  unit: string;
  /** Set for a county (the county answers its own cases). */
  regionCode: string;
  outstanding: number;
  /** 待整改: opened or reopened, no report yet. */
  open: number;
  /** 整改中: reporting progress, or back at work after a failed verification. */
  inProgress: number;
  /** 已报结: the final report awaits the office's verification. */
  reported: number;
  overdue: number;
  /** 督办 (the work plan's step, §四(六)). */
  reminded: number;
  /** Local-policy steps after 督办, by their names, with counts. */
  localSteps: { name: string; count: number }[];
  /** Referred to 市纪委监委 by the office. */
  referred: number;
}

function emptyRow(unit: string, regionCode: string): BacklogRow {
  return { unit, regionCode, outstanding: 0, open: 0, inProgress: 0, reported: 0, overdue: 0, reminded: 0, localSteps: [], referred: 0 };
}

function add(row: BacklogRow, c: CaseLike): void {
  row.outstanding++;
  if (c.state === State.OPEN || c.state === State.REOPENED) row.open++;
  else if (c.state === State.IN_PROGRESS || c.state === State.REJECTED) row.inProgress++;
  else if (c.state === State.REPORTED) row.reported++;
  if (c.overdue) row.overdue++;
  if (c.escalation === Escalation.REMINDER) row.reminded++;
  else if (c.escalation === Escalation.REFERRED) row.referred++;
  else if (c.escalation === Escalation.LOCAL_STEP) {
    const name = c.escalationStep || '本地升级';
    const step = row.localSteps.find((s) => s.name === name);
    if (step) step.count++;
    else row.localSteps.push({ name, count: 1 });
  }
}

/**
 * The outstanding cases by unit, most overdue first, then most outstanding, then by name; and their
 * total (its unit "").
 */
export function backlogByUnit(cases: readonly CaseLike[]): { rows: BacklogRow[]; total: BacklogRow } {
  const byUnit = new Map<string, BacklogRow>();
  const total = emptyRow('', '');
  for (const c of cases) {
    if (!isOutstanding(c)) continue;
    const key = `${c.unit}|${c.regionCode}`;
    let row = byUnit.get(key);
    if (!row) {
      row = emptyRow(c.unit, c.regionCode);
      byUnit.set(key, row);
    }
    add(row, c);
    add(total, c);
  }
  const rows = [...byUnit.values()].sort(
    (a, b) => b.overdue - a.overdue || b.outstanding - a.outstanding || a.unit.localeCompare(b.unit, 'zh-CN'),
  );
  return { rows, total };
}

/** "约谈 2、通报 1": a row's local steps in words; "" without any. */
export function localStepsText(steps: readonly { name: string; count: number }[]): string {
  return steps.map((s) => `${s.name} ${s.count}`).join('、');
}
