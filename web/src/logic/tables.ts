// Table layout helpers.

/**
 * The rowspan of each row's first cell when runs of equal keys share one cell: the run's length on
 * its first row, 0 on the rows it covers. ["a", "a", "b"] → [2, 0, 1].
 */
export function runSpans(keys: readonly string[]): number[] {
  const spans = keys.map(() => 0);
  let start = 0;
  for (let i = 1; i <= keys.length; i++) {
    if (i === keys.length || keys[i] !== keys[start]) {
      spans[start] = i - start;
      start = i;
    }
  }
  return spans;
}
