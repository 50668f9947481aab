// The movement of a rank since the previous period, for the scorecard's 变化 column. Colour is
// never the only signal: each movement has an arrow and words.
import { m } from '@/messages';

export type MovementKind = 'up' | 'down' | 'flat' | 'new';

export interface Movement {
  kind: MovementKind;
  arrow: string;
  /** "3" for 3 places; "" for flat and new. */
  amount: string;
  /** For screen readers and tooltips: "上升3位". */
  text: string;
  /** Element Plus tag type. */
  tone: 'success' | 'danger' | 'info';
}

/**
 * `change` is places gained (ScorecardRow.change: positive = rose, negative = fell); without a
 * previous period's rank the movement is "new".
 */
export function movement(hasPrevious: boolean, change: number): Movement {
  if (!hasPrevious) return { kind: 'new', arrow: '•', amount: '', text: m.movement.new, tone: 'info' };
  if (change > 0) return { kind: 'up', arrow: '↑', amount: String(change), text: m.movement.up(change), tone: 'success' };
  if (change < 0) {
    return { kind: 'down', arrow: '↓', amount: String(-change), text: m.movement.down(-change), tone: 'danger' };
  }
  return { kind: 'flat', arrow: '→', amount: '', text: m.movement.flat, tone: 'info' };
}
