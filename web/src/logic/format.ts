// Numbers for people.
import { m } from '@/messages';

/** Money in fen (分, an integer) as yuan with two decimals: 123456n → "1,234.56". */
export function yuan(fen: bigint | number): string {
  const f = typeof fen === 'bigint' ? fen : BigInt(Math.round(fen));
  const negative = f < 0n;
  const abs = negative ? -f : f;
  const whole = abs / 100n;
  const cents = abs % 100n;
  // Grouped by hand from the integer's digits: a Number would round past 2^53 fen.
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${grouped}.${cents.toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

/** 0.8333 → "83.3%". */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** "第3名/共11", or 无数据 when there is no rank. */
export function rankText(rank: number, total: number): string {
  return rank > 0 && total > 0 ? m.scorecard.rankText(rank, total) : m.scorecard.noRank;
}
