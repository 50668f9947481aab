// 考核奖惩 (work plan §四(七)): a LedgerSummary in words.
import { m } from '@/messages';

export interface LedgerSummaryLike {
  bonusWithheld: boolean;
  excellenceBarred: boolean;
  statements: number;
  selfCriticism: boolean;
  lines: number;
}

/** What a summary adds up to, one phrase per consequence; empty when it holds none. */
export function ledgerPhrases(s: LedgerSummaryLike | undefined): string[] {
  if (!s) return [];
  const out: string[] = [];
  if (s.bonusWithheld) out.push(m.consequences.bonus);
  if (s.excellenceBarred) out.push(m.consequences.excellence);
  if (s.statements > 0) out.push(m.consequences.statements(s.statements));
  if (s.selfCriticism) out.push(m.consequences.selfCriticism);
  return out;
}

/** Whether a summary holds anything. */
export function ledgerEmpty(s: LedgerSummaryLike | undefined): boolean {
  return !s || (s.lines === 0 && ledgerPhrases(s).length === 0);
}
