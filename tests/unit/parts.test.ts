import { describe, expect, it } from 'vitest';
import { partOf } from '../../src/lib/parts.ts';

describe('partOf', () => {
  it('keeps every village of a township in one part', () => {
    for (const parts of [2, 3, 4]) {
      const p = partOf('420583103000', parts);
      for (const v of ['420583103201', '420583103202', '420583103299']) expect(partOf(v, parts)).toBe(p);
    }
  });

  it('is in range, and 0 for one part or a code too short to name a township', () => {
    const codes = Array.from({ length: 50 }, (_, i) => `420583${String(100 + i).padStart(3, '0')}201`);
    for (const c of codes) {
      expect(partOf(c, 1)).toBe(0);
      const p = partOf(c, 3);
      expect(p >= 0 && p < 3 && Number.isInteger(p)).toBe(true);
    }
    // Stray spaces do not move a row to another part.
    expect(partOf(' 420583103201 ', 2)).toBe(partOf('420583103201', 2));
  });

  it('spreads the townships of one county over the parts', () => {
    const townships = Array.from({ length: 20 }, (_, i) => `420583${String(100 + i).padStart(3, '0')}000`);
    const counts = [0, 0];
    for (const t of townships) counts[partOf(t, 2)]!++;
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(5);
  });
});
