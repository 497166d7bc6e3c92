/**
 * `/api/{year}/{code}/v/{n}.csv`: version n of a corrected village notice, in the same
 * format as the current download (`/api/{year}/{code}.csv`), so its content hash can be
 * checked the same way (src/pages/about/verify.mdx).
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getVersionedNotices, getVersionRowsCsv, pageShard } from '../../../../../lib/site-data.ts';
import { toCsv } from '../../../../../lib/publish.ts';

export const getStaticPaths = (() =>
  getVersionedNotices().filter((v) => pageShard().region(v.code)).flatMap((v) => v.rows.map((_, i) => ({ params: { year: String(v.year), code: v.code, n: String(i + 1) } })))) satisfies GetStaticPaths;

/** The CSV file of that version, with a BOM for Excel like the current download. */
export const GET: APIRoute = ({ params }) => {
  const text = getVersionRowsCsv(Number(params.year), params.code!, Number(params.n)) || toCsv([], true);
  return new Response('\uFEFF' + text, { headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
};
