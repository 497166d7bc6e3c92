/**
 * How the data stage splits one export across threads: by township, so that every file
 * a thread writes (a village's rows, a township's 未到账 list) is its alone, and a single
 * county still splits. Pure and deterministic: the same code always goes to the same part.
 */

/** Digits of a 12-digit region code that name its township. */
const TOWNSHIP_DIGITS = 9;

/** Part (0 ≤ part < parts) of the rows of a region code, by its township (FNV-1a of the first 9 characters). */
export function partOf(regionCode: string, parts: number): number {
  if (parts <= 1) return 0;
  const key = regionCode.trim().slice(0, TOWNSHIP_DIGITS);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % parts;
}
