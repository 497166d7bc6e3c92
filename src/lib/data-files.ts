/**
 * The site's data files that are not pages: chart downloads (`/charts/{year}/{code}/{chart}.csv|json|svg`),
 * the JSON API (`/api/{year}/{code}.json`) and the village CSV downloads (`/api/{year}/{code}.csv`,
 * `/api/{year}/{code}/v/{n}.csv`) and the lookup shards (`/lookup/s/{prefix}.bin`). A build
 * writes them straight from these functions (scripts/site-files.ts) instead of rendering each
 * one as an Astro endpoint; the dev server serves them from routes injected in dev only
 * (src/routes/data-file.ts).
 */
import { buildChart, chartIds, regionYears, type ChartSource } from './charts/catalog.ts';
import { figureCsv, figureJson, type ChartFigure } from './charts/figure.ts';
import { regionYearApi } from './charts/api.ts';
import { siteChartSource } from './charts/site-source.ts';
import { serializeSvg } from './charts/svg.ts';
import { CHART_FILE_TYPES } from './charts/urls.ts';
import type { ShardFilter } from './page-shards.ts';
import { toCsv } from './publish.ts';
import { shardPrefixes } from './lookup.ts';
import { getLookupIndex, getLookupShard, getRegions, getRowsFile, getVersionedNotices, getVersionRowsFile } from './site-data.ts';

/** One data file: its path in the site (no leading slash) and its content, made when asked for. */
export interface DataFile {
  path: string;
  body: () => string | Uint8Array;
}

/** The files of a chart (`csv`, `json`, `svg`); the chart is built once, when the first is asked for. */
function chartDownloads(src: ChartSource, year: number, code: string, id: string, name: string): DataFile[] {
  let figure: ChartFigure | undefined;
  const built = (): ChartFigure => (figure ??= buildChart(src, code, year, id)!);
  return CHART_FILE_TYPES.map((ext) => ({
    path: `charts/${year}/${code}/${id}.${ext}`,
    body: () => (ext === 'csv' ? figureCsv(built()) : ext === 'json' ? figureJson(built(), { code, name, year }) : serializeSvg(built().svg)),
  }));
}

/**
 * A village-year's published rows (masked), in the contract's CSV format so they can be
 * re-ingested and every figure recomputed. A UTF-8 BOM is added so Excel on Chinese Windows
 * opens it correctly; the ingest accepts it. A village-year with 应参保人数 but no payments
 * gets the header alone. Versions of a corrected notice (n ≥ 1) have the same format, so
 * their content hash is checked the same way (src/pages/about/verify.mdx).
 */
function withBom(bytes: Uint8Array): Uint8Array {
  return bytes.length ? Buffer.concat([BOM, bytes]) : Buffer.from('\uFEFF' + toCsv([], true));
}

/** U+FEFF in UTF-8: the rows file's bytes follow it as they are, not decoded and encoded again. */
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

/** Every chart download of the region-years `filter` takes. */
export function* chartFiles(filter: ShardFilter): Generator<DataFile> {
  const src = siteChartSource();
  for (const { code, year } of regionYears(src)) {
    if (!filter.region(code)) continue;
    const name = src.stats(year, code)!.name;
    for (const id of chartIds(src, code, year)) yield* chartDownloads(src, year, code, id, name);
  }
}

/** Every API file of the region-years `filter` takes: JSON for each, CSV for villages, and notice versions. */
export function* apiFiles(filter: ShardFilter): Generator<DataFile> {
  const src = siteChartSource();
  for (const { code, year } of regionYears(src)) {
    if (filter.region(code)) yield { path: `api/${year}/${code}.json`, body: () => JSON.stringify(regionYearApi(src.stats(year, code)!, src.meta), null, 1) + '\n' };
  }
  for (const r of getRegions()) {
    if (r.level !== 'village' || !filter.region(r.code)) continue;
    for (const year of r.years) yield { path: `api/${year}/${r.code}.csv`, body: () => withBom(getRowsFile(year, r.code)) };
  }
  for (const v of getVersionedNotices()) {
    if (!filter.region(v.code)) continue;
    for (let n = 1; n <= v.rows.length; n++) yield { path: `api/${v.year}/${v.code}/v/${n}.csv`, body: () => withBom(getVersionRowsFile(v.year, v.code, n)) };
  }
}

/** The lookup shards `filter` spreads to this shard, as the data stage wrote them. */
export function* lookupFiles(filter: ShardFilter): Generator<DataFile> {
  const index = getLookupIndex();
  if (!index) return;
  const prefixes = shardPrefixes(index.prefixLength);
  for (let i = 0; i < prefixes.length; i++) {
    const prefix = prefixes[i]!;
    if (filter.spread(i)) yield { path: `lookup/s/${prefix}.bin`, body: () => getLookupShard(prefix) };
  }
}
