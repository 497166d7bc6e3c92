/**
 * `/api/{year}/{code}.csv`: a village-year's published rows (masked), in the contract's
 * CSV format so they can be re-ingested and every figure recomputed. A UTF-8 BOM is
 * added so Excel on Chinese Windows opens it correctly; the ingest accepts it.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getRegions, getRowsCsv, pageShard } from '../../../lib/site-data.ts';
import { toCsv } from '../../../lib/publish.ts';

export const getStaticPaths = (() =>
  getRegions()
    .filter((r) => r.level === 'village' && pageShard().region(r.code))
    .flatMap((r) => r.years.map((year) => ({ params: { year: String(year), code: r.code } })))) satisfies GetStaticPaths;

/** The CSV file; a village-year with 应参保人数 but no payments gets the header alone. */
export const GET: APIRoute = ({ params }) => {
  const text = getRowsCsv(Number(params.year), params.code!) || toCsv([], true);
  return new Response('\uFEFF' + text, { headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
};
