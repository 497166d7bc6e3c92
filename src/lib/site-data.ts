/**
 * The one module through which pages read the data stage's output (SITE_DATA_DIR,
 * default `.data`). Each page reads only its own small files: nothing loads all rows.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePublicCsvBytes, type PublishedRegion, type PublicRow, type SiteMeta, type StatsFile } from './publish.ts';
import type { DupesFile } from './duplicates.ts';
import { LOOKUP_VERSION, MAX_PREFIX_LENGTH, padGzip, type LookupIndex } from './lookup.ts';
import { parsePendingCsv, type PendingRow } from './pending.ts';
import { parsePageShard, shardFilter, type ShardFilter } from './page-shards.ts';
import type { ChangeEntry, FeedFile, NoticeHistory, PublicationRecord, VersionedNotice } from './publications.ts';

const dir = resolve(process.env.SITE_DATA_DIR ?? '.data');
const cache = new Map<string, unknown>();

/** The folder this build reads (SITE_DATA_DIR when the module was loaded). */
export function siteDataDir(): string {
  return dir;
}

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

/**
 * The pages this build renders: all of them, or with PAGE_SHARD=k/n one shard's
 * (src/lib/page-shards.ts; scripts/build-pages.ts runs the shards and stitches them).
 * Every getStaticPaths filters with it.
 */
export function pageShard(): ShardFilter {
  let f = cache.get('#pageShard') as ShardFilter | undefined;
  if (!f) cache.set('#pageShard', (f = shardFilter(getRegions(), parsePageShard(process.env.PAGE_SHARD))));
  return f;
}

/**
 * A data file's bytes, or null when it does not exist (a village without payments has no rows
 * file, one without 两头缴 no dupes file). Any other failure (permissions, a disk error) stops
 * the build: a notice must not be published without rows it has.
 */
function readIfPresent(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`无法读取数据文件 ${path}（${(err as NodeJS.ErrnoException).code ?? (err as Error).message}）：检查它的读取权限和磁盘，或重新运行数据处理（npm run build）`);
  }
}

/** An optional JSON data file, parsed; null when it does not exist, and an error naming it when it is not valid JSON. */
function readIfPresentJson<T>(path: string): T | null {
  const bytes = readIfPresent(path);
  if (!bytes) return null;
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new Error(`数据文件 ${path} 不是完整的 JSON（可能写入时中断）：请重新运行数据处理（npm run build）`);
  }
}

/** Figures of one region in one coverage year (not cached: pages read their own). */
export function getStats(year: number, code: string): StatsFile {
  return JSON.parse(readFileSync(join(dir, 'stats', String(year), `${code}.json`), 'utf8')) as StatsFile;
}

/** Published CSV of a village-year as its file's bytes (UTF-8); none when it has no payments. */
export function getRowsFile(year: number, code: string): Buffer {
  return readIfPresent(join(dir, 'rows', String(year), `${code}.csv`)) ?? Buffer.alloc(0);
}

/** Published CSV text of a village-year, or '' when it has no payments. */
export function getRowsCsv(year: number, code: string): string {
  return getRowsFile(year, code).toString('utf8');
}

/** Published rows of a village-year (parsed from the bytes: see parsePublicCsvBytes). */
export function getRows(year: number, code: string): PublicRow[] {
  return parsePublicCsvBytes(getRowsFile(year, code));
}

/**
 * How the lookup shards were cut and the public token parameters, or null when the data
 * stage wrote none. Shards of another format version (a data folder older than the pages'
 * code) stop the build: the lookup page could not read them.
 */
export function getLookupIndex(): LookupIndex | null {
  let index: LookupIndex;
  try {
    index = readJson<LookupIndex>('lookup/index.json');
  } catch {
    return null;
  }
  if (index.version !== LOOKUP_VERSION) {
    throw new Error(`${dir} 中的查询文件是第 ${String(index.version)} 版格式，本版网站要第 ${LOOKUP_VERSION} 版：请重新运行数据处理（npm run build，或 node scripts/build.ts --data-only）`);
  }
  return index;
}

const SHARD_PREFIX = new RegExp(`^[0-9a-f]{1,${MAX_PREFIX_LENGTH}}$`);

/**
 * The bytes of one lookup shard as the site serves it (`lookup/s/{prefix}.bin`): the data
 * stage's shard padded to the size of the largest, so every response has the same size.
 */
export function getLookupShard(prefix: string): Uint8Array {
  if (!SHARD_PREFIX.test(prefix)) throw new Error(`not a shard prefix: ${prefix}`);
  const index = getLookupIndex();
  if (!index) throw new Error(`no lookup index in ${dir}`);
  return padGzip(readFileSync(join(dir, 'lookup', 's', `${prefix}.bin`)), index.shardBytes);
}

/** The 两头缴 rows of a village-year (empty when it has none). */
export function getDupes(year: number, code: string): DupesFile {
  return readIfPresentJson<DupesFile>(join(dir, 'dupes', String(year), `${code}.json`)) ?? { year, code, rows: [] };
}

/** The 未到账 payments of a township's villages in a year, by village and 序号 (empty when none). */
export function getPending(year: number, township: string): PendingRow[] {
  const bytes = readIfPresent(join(dir, 'pending', String(year), `${township}.csv`));
  return bytes ? parsePendingCsv(bytes.toString('utf8')) : [];
}

/** Reads an optional JSON file of the build's publication stage; null when absent (e.g. after `npm run data` alone). */
function readOptionalJson<T>(rel: string): T | null {
  if (!cache.has(rel) && !existsSync(join(dir, rel))) return null;
  return readJson<T>(rel);
}

/** The publications this site was built from, oldest first (empty when the build wrote no history). */
export function getPublications(): PublicationRecord[] {
  return readOptionalJson<PublicationRecord[]>('publications.json') ?? [];
}

/** Every version of a village-year's notice and the corrections between them, or null when there is no history. */
export function getNoticeHistory(year: number, code: string): NoticeHistory | null {
  const path = join(dir, 'history', String(year), `${code}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as NoticeHistory) : null;
}

/** Notices with more than one version (or withdrawn): the ones that get version pages. */
export function getVersionedNotices(): VersionedNotice[] {
  return readOptionalJson<VersionedNotice[]>('versions.json') ?? [];
}

/** Recent corrections across the site (new, corrected and withdrawn notices after the first publication), newest first. */
export function getChanges(): ChangeEntry[] {
  return readOptionalJson<ChangeEntry[]>('changes.json') ?? [];
}

/** The Atom feed entries of a county or township, or null when it has no feed. */
export function getFeed(code: string): FeedFile | null {
  return readOptionalJson<FeedFile>(join('feeds', `${code}.json`));
}

/** Codes that have a feed (the site's top regions and townships), sorted. */
export function getFeedCodes(): string[] {
  return existsSync(join(dir, 'feeds')) ? readdirSync(join(dir, 'feeds')).map((f) => f.replace(/\.json$/, '')).sort() : [];
}

/**
 * Published CSV of version n of a village-year as its file's bytes (none when it had no
 * rows): the current version is the site's own rows file, earlier ones stay in their
 * publication's folder.
 */
export function getVersionRowsFile(year: number, code: string, n: number): Buffer {
  const h = getNoticeHistory(year, code);
  const v = h?.versions[n - 1];
  if (!h || !v) throw new Error(`notice ${code} ${year} has no version ${n}`);
  const current = !h.withdrawn && n === h.versions.length;
  const base = current ? dir : join(dir, 'publications', v.publication);
  const bytes = readIfPresent(join(base, 'rows', String(year), `${code}.csv`));
  if (bytes) return bytes;
  if (v.rows > 0) throw new Error(`rows of ${code} ${year} version ${n} missing from ${base}`);
  return Buffer.alloc(0);
}
