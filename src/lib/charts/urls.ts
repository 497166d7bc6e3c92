/**
 * Stable addresses of a chart: its downloads, its embed page and the page that shows
 * it (the region's chart page, or the village's notice page).
 */
import { levelOf } from '../contract.ts';

/** File types a chart can be downloaded as. */
export const CHART_FILE_TYPES = ['csv', 'json', 'svg'] as const;

/** Addresses of one chart of a region-year. */
export function chartUrls(year: number, code: string, id: string) {
  const base = `/charts/${year}/${code}/${id}`;
  const anchor = `#chart-${year}-${code}-${id}`;
  const page = levelOf(code) === 'village' ? `/r/${code}/${year}/${anchor}` : `/charts/${year}/${code}/${anchor}`;
  return { csv: `${base}.csv`, json: `${base}.json`, svg: `${base}.svg`, embed: `/embed/${year}/${code}/${id}/`, page };
}
