/** The static JSON API: `/api/{year}/{code}.json` for every region and coverage year (see /api/). */
import type { APIRoute, GetStaticPaths } from 'astro';
import { pageShard } from '../../../lib/site-data.ts';
import { regionYearApi } from '../../../lib/charts/api.ts';
import { regionYears } from '../../../lib/charts/catalog.ts';
import { siteChartSource } from '../../../lib/charts/site-source.ts';

export const getStaticPaths = (() =>
  regionYears(siteChartSource()).filter(({ code }) => pageShard().region(code)).map(({ code, year }) => ({ params: { year: String(year), code } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => {
  const src = siteChartSource();
  const stats = src.stats(Number(params.year), params.code!);
  if (!stats) throw new Error(`no figures for ${params.code} in ${params.year}`);
  return new Response(JSON.stringify(regionYearApi(stats, src.meta), null, 1) + '\n', { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
