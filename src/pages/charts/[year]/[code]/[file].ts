/**
 * Downloads of every chart: `/charts/{year}/{code}/{chart}.csv|json|svg`: the figures
 * behind the chart and the chart itself as a standalone SVG file.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { pageShard } from '../../../../lib/site-data.ts';
import { buildChart, chartIds, regionYears } from '../../../../lib/charts/catalog.ts';
import { figureCsv, figureJson } from '../../../../lib/charts/figure.ts';
import { siteChartSource } from '../../../../lib/charts/site-source.ts';
import { serializeSvg } from '../../../../lib/charts/svg.ts';
import { CHART_FILE_TYPES } from '../../../../lib/charts/urls.ts';

export const getStaticPaths = (() => {
  const src = siteChartSource();
  return regionYears(src).filter(({ code }) => pageShard().region(code)).flatMap(({ code, year }) =>
    chartIds(src, code, year).flatMap((id) => CHART_FILE_TYPES.map((ext) => ({ params: { year: String(year), code, file: `${id}.${ext}` } }))));
}) satisfies GetStaticPaths;

const TYPES: Record<string, string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8', svg: 'image/svg+xml; charset=utf-8' };

export const GET: APIRoute = ({ params }) => {
  const year = Number(params.year);
  const code = params.code!;
  const [id, ext] = params.file!.split(/\.(?=[a-z]+$)/) as [string, string];
  const src = siteChartSource();
  const figure = buildChart(src, code, year, id);
  if (!figure) throw new Error(`no chart ${id} for ${code} in ${year}`);
  const name = src.stats(year, code)!.name;
  const body = ext === 'csv' ? figureCsv(figure) : ext === 'json' ? figureJson(figure, { code, name, year }) : serializeSvg(figure.svg);
  return new Response(body, { headers: { 'Content-Type': TYPES[ext]! } });
};
