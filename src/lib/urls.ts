/**
 * Paths of the site's pages and files, and how a big village's notice is cut into pages.
 * No imports: the lookup's script in the browser shares them with the build (notice.ts
 * re-exports them for the pages).
 */

/** Rows per notice page. A village with more rows gets stable pages `/p/2/`, `/p/3/`…: row n is always on page ceil(n / PAGE_SIZE). */
export const PAGE_SIZE = 1000;

/** Path of a region's page. */
export function regionPath(code: string): string {
  return `/r/${code}/`;
}

/** Path of a region-year page (the notice itself for a village); page 1 is the notice's own URL. */
export function yearPath(code: string, year: number, page = 1): string {
  return page <= 1 ? `/r/${code}/${year}/` : `/r/${code}/${year}/p/${page}/`;
}

/** Path of a village-year's published CSV. */
export function csvPath(code: string, year: number): string {
  return `/api/${year}/${code}.csv`;
}

/** Number of notice pages for a village-year with `rows` rows (at least 1, so an empty notice still has its page). */
export function pageCount(rows: number, pageSize = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(rows / pageSize));
}

/** Zero-based row range [start, end) shown on page `page` (1-based). */
export function pageRange(page: number, rows: number, pageSize = PAGE_SIZE): { start: number; end: number } {
  const start = (page - 1) * pageSize;
  return { start: Math.min(start, rows), end: Math.min(start + pageSize, rows) };
}

/** The page (1-based) on which row `index` (0-based) appears. */
export function pageOfRow(index: number, pageSize = PAGE_SIZE): number {
  return Math.floor(index / pageSize) + 1;
}
