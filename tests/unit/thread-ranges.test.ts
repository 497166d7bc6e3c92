/** How the history and the manifest split their items between threads. */
import { describe, expect, it } from 'vitest';
import { threadRanges } from '../../scripts/worker-result.ts';

describe('thread ranges', () => {
  it('covers every item once, in order, in ranges of nearly equal size', () => {
    for (const [n, jobs] of [[10, 2], [10, 3], [7, 4], [100_001, 2]] as const) {
      const ranges = threadRanges(n, 0, jobs);
      expect(ranges).toHaveLength(jobs);
      expect(ranges[0]![0]).toBe(0);
      expect(ranges.at(-1)![1]).toBe(n);
      ranges.slice(1).forEach(([from], k) => expect(from).toBe(ranges[k]![1]));
      const sizes = ranges.map(([from, to]) => to - from);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('keeps one range below the minimum, and no more ranges than items', () => {
    expect(threadRanges(19_999, 20_000, 2)).toEqual([[0, 19_999]]);
    expect(threadRanges(20_000, 20_000, 2)).toEqual([[0, 10_000], [10_000, 20_000]]);
    expect(threadRanges(2, 0, 3)).toEqual([[0, 1], [1, 2]]);
    expect(threadRanges(0, 0, 2)).toEqual([[0, 0]]);
  });
});
