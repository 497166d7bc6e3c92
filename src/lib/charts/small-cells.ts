/**
 * Small-cell rule for breakdowns that could identify someone (subsidy category, age
 * band): a category with fewer than 10 people shows "<10". When that leaves exactly
 * one hidden cell, the next smallest is hidden too ("已隐藏"), so the total cannot give it away.
 */

/** Categories with fewer people than this are shown as "<10". */
export const SMALL_CELL_THRESHOLD = 10;

/** Shown for a cell hidden only so that a small cell cannot be worked out from the total. */
export const SECONDARY_LABEL = '已隐藏';

/** A category count after the rule: `count` is null when hidden. */
export interface ProtectedCell {
  category: string;
  count: number | null;
  /** "<10" when small, "已隐藏" when hidden only to protect a small cell, else the count. */
  value: number | string;
}

/**
 * Applies the rule to one breakdown. Zero stays visible (nobody is identified by zero);
 * 1–9 is hidden; then secondary suppression of the smallest visible non-zero cell when
 * only one cell is hidden. Order of the input is kept.
 */
export function protectSmallCells(cells: ReadonlyArray<{ category: string; count: number }>, threshold = SMALL_CELL_THRESHOLD): ProtectedCell[] {
  const small = new Set<number>();
  cells.forEach((c, i) => {
    if (c.count > 0 && c.count < threshold) small.add(i);
  });
  let secondary = -1;
  if (small.size === 1) {
    cells.forEach((c, i) => {
      if (small.has(i) || c.count === 0) return;
      if (secondary < 0 || c.count < cells[secondary]!.count) secondary = i;
    });
  }
  return cells.map((c, i) => (small.has(i)
    ? { category: c.category, count: null, value: `<${threshold}` }
    : i === secondary
      ? { category: c.category, count: null, value: SECONDARY_LABEL }
      : { category: c.category, count: c.count, value: c.count }));
}
