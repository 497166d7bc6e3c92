/**
 * Formatting for Chinese readers: rates as 35.2%, dates as 10月20日, counts with
 * thousands separators. Pure and locale-independent (no Intl surprises across Node builds).
 */

/** A rate as a percentage with one decimal: 0.352 → "35.2%"; null → "—". */
export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** An integer with thousands separators: 12345 → "12,345". */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Fen as yuan for reading: 1234500 → "12,345.00". */
export function formatMoney(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${formatCount(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

/** An ISO date as month and day: "2024-10-20" → "10月20日". */
export function formatMonthDay(iso: string): string {
  const [, m, d] = iso.split('-');
  return `${Number(m)}月${Number(d)}日`;
}

/** An ISO date in full: "2024-10-20" → "2024年10月20日". */
export function formatDateZh(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}
