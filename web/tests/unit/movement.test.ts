import { describe, expect, it } from 'vitest';
import { movement } from '@/logic/movement';

describe('movement arrows', () => {
  it('shows a rise with an up arrow, its size and words', () => {
    expect(movement(true, 3)).toEqual({ kind: 'up', arrow: '↑', amount: '3', text: '上升3位', tone: 'success' });
  });
  it('shows a fall with a down arrow and the places lost', () => {
    expect(movement(true, -2)).toEqual({ kind: 'down', arrow: '↓', amount: '2', text: '下降2位', tone: 'danger' });
  });
  it('shows no change as flat', () => {
    expect(movement(true, 0)).toMatchObject({ kind: 'flat', arrow: '→', amount: '', text: '持平' });
  });
  it('shows a rank without a previous period as new, whatever change says', () => {
    expect(movement(false, 0)).toMatchObject({ kind: 'new', text: '上期无数据', tone: 'info' });
    expect(movement(false, 5).kind).toBe('new');
  });
});
