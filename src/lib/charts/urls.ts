/**
 * Stable addresses of a chart: its downloads, its embed page and the page that shows
 * it (the region's chart page, or the village's notice page).
 */
import { levelOf } from '../contract.ts';

/** File types a chart can be downloaded as. */
export const CHART_FILE_TYPES = ['csv', 'json', 'svg'] as const;

/**
 * Whether a region's charts get embed pages. Villages do not: their charts live on the
 * notice, which is the page to share, and embed pages for every village-year would be
 * the largest group of pages at province scale (two per village-year) for little use.
 */
export function hasEmbeds(code: string): boolean {
  return levelOf(code) !== 'village';
}

/** Addresses of one chart of a region-year; `embed` is null where there is no embed page. */
export function chartUrls(year: number, code: string, id: string) {
  const base = `/charts/${year}/${code}/${id}`;
  const anchor = `#chart-${year}-${code}-${id}`;
  const village = levelOf(code) === 'village';
  const page = village ? `/r/${code}/${year}/${anchor}` : `/charts/${year}/${code}/${anchor}`;
  const embed = hasEmbeds(code) ? `/embed/${year}/${code}/${id}/` : null;
  return { csv: `${base}.csv`, json: `${base}.json`, svg: `${base}.svg`, embed, page };
}
