/**
 * Text helpers for charts: an approximate label width (no font metrics at build time)
 * and the standard phrases used in titles and descriptions.
 */

/** Approximate width of a label in SVG units at `size`: CJK characters are square, Latin and digits about 0.58 em. */
export function textWidth(s: string, size = 12): number {
  let w = 0;
  for (const ch of s) w += /[\u2E80-\uFFEF]/.test(ch) ? size : size * 0.58;
  return w;
}

/** "12.3 个百分点" from a difference of two rates (fractions). */
export function formatPoints(diff: number): string {
  return `${(Math.round(Math.abs(diff) * 1000) / 10).toFixed(1)} 个百分点`;
}
