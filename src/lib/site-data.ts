/**
 * The one module through which pages read the data stage's output (SITE_DATA_DIR,
 * default `.data`). Each page reads only its own small files: nothing loads all rows.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePublicCsv, type PublishedRegion, type PublicRow, type SiteMeta, type StatsFile } from './publish.ts';

const dir = resolve(process.env.SITE_DATA_DIR ?? '.data');
const cache = new Map<string, unknown>();

function readJson<T>(rel: string): T {
  let v = cache.get(rel);
  if (v === undefined) {
    try {
      v = JSON.parse(readFileSync(join(dir, rel), 'utf8'));
    } catch (err) {
      throw new Error(`cannot read ${join(dir, rel)}: run the data stage first (npm run data). ${(err as Error).message}`);
    }
    cache.set(rel, v);
  }
  return v as T;
}

/** Publication metadata (site name, as-of date, years, inputs). */
export function getMeta(): SiteMeta {
  return readJson<SiteMeta>('meta.json');
}

/** All regions, sorted by code. */
export function getRegions(): PublishedRegion[] {
  return readJson<PublishedRegion[]>('regions.json');
}

/** Regions by code. */
export function getRegionMap(): Map<string, PublishedRegion> {
  let m = cache.get('#regionMap') as Map<string, PublishedRegion> | undefined;
  if (!m) cache.set('#regionMap', (m = new Map(getRegions().map((r) => [r.code, r]))));
  return m;
}

/** Figures of one region in one coverage year (not cached: pages read their own). */
export function getStats(year: number, code: string): StatsFile {
  return JSON.parse(readFileSync(join(dir, 'stats', String(year), `${code}.json`), 'utf8')) as StatsFile;
}

/** Published CSV text of a village-year, or '' when it has no payments. */
export function getRowsCsv(year: number, code: string): string {
  try {
    return readFileSync(join(dir, 'rows', String(year), `${code}.csv`), 'utf8');
  } catch {
    return '';
  }
}

/** Published rows of a village-year. */
export function getRows(year: number, code: string): PublicRow[] {
  const text = getRowsCsv(year, code);
  return text ? parsePublicCsv(text) : [];
}
