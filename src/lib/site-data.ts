/**
 * The one module through which pages read the data stage's output (SITE_DATA_DIR,
 * default `.data`). Each page reads only its own small files: nothing loads all rows.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePublicCsv, type PublishedRegion, type PublicRow, type SiteMeta, type StatsFile } from './publish.ts';
import type { DupesFile } from './duplicates.ts';
import type { LookupIndex } from './lookup.ts';
import { parsePendingCsv, type PendingRow } from './pending.ts';

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

/** How the lookup shards were cut and the public token parameters, or null when the data stage wrote none. */
export function getLookupIndex(): LookupIndex | null {
  try {
    return readJson<LookupIndex>('lookup/index.json');
  } catch {
    return null;
  }
}

/** The bytes of one lookup shard (`lookup/s/{prefix}.bin`, padded). */
export function getLookupShard(prefix: string): Uint8Array {
  if (!/^[0-9a-f]{1,3}$/.test(prefix)) throw new Error(`not a shard prefix: ${prefix}`);
  return readFileSync(join(dir, 'lookup', 's', `${prefix}.bin`));
}

/** The 两头缴 rows of a village-year (empty when it has none). */
export function getDupes(year: number, code: string): DupesFile {
  try {
    return JSON.parse(readFileSync(join(dir, 'dupes', String(year), `${code}.json`), 'utf8')) as DupesFile;
  } catch {
    return { year, code, rows: [] };
  }
}

/** The 未到账 payments of a township's villages in a year, by village and 序号 (empty when none). */
export function getPending(year: number, township: string): PendingRow[] {
  try {
    return parsePendingCsv(readFileSync(join(dir, 'pending', String(year), `${township}.csv`), 'utf8'));
  } catch {
    return [];
  }
}
