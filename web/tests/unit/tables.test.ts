import { describe, expect, it } from 'vitest';
import { runSpans } from '@/logic/tables';

describe('row spans for runs of equal keys', () => {
  it('spans each run from its first row', () => {
    expect(runSpans(['a', 'a', 'b', 'c', 'c', 'c'])).toEqual([2, 0, 1, 3, 0, 0]);
  });
  it('does not join equal keys apart', () => {
    expect(runSpans(['a', 'b', 'a'])).toEqual([1, 1, 1]);
  });
  it('has nothing for no rows', () => {
    expect(runSpans([])).toEqual([]);
  });
});
