/**
 * The build's last step before the swap: lists the built site and writes `/manifest.json`
 * (every data file with size and SHA-256, and the publication history) and `/sitemap.xml`,
 * so both describe exactly the bytes that will be served. The data files' writer records each
 * file's size and SHA-256 as it writes it (FILE_RECORDS_DIR): those are taken as recorded when
 * the size still matches. Other files are hashed one at a time (streamed), whatever their
 * number; from HASH_PARALLEL_MIN files, in two threads.
 *
 *   node scripts/site-index.ts [siteDir] [siteDataDir]   re-index a built site (default dist/ .data/)
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NoticeHistory, PublicationRecord } from '../src/lib/publications.ts';
import type { SiteMeta } from '../src/lib/publish.ts';
import { threadRanges, workerResult } from './worker-result.ts';
import { addFileRecords, FILE_RECORDS_DIR, isDataFile, pagePath, renderManifest, renderSitemaps, type FileRecord, type ManifestFile, type SitemapEntry } from '../src/lib/site-index.ts';

/** Options of {@link writeSiteIndex}. */
export interface SiteIndexOptions {
  /** The built site (dist.next during a build). */
  siteDir: string;
  /** The data stage output the site was built from (publications.json, history/). */
  dataDir: string;
  log: (line: string) => void;
  /** Threads hashing the data files (default: one per core, at most 2). */
  jobs?: number;
  /** Fewer data files than this are hashed in this thread. */
  parallelMin?: number;
}

/** Below this many data files they are hashed in the build's own thread. */
export const HASH_PARALLEL_MIN = 20_000;

/** Size and SHA-256 of files, in order. */
export async function hashFiles(paths: readonly string[]): Promise<Array<{ bytes: number; sha256: string }>> {
  const out: Array<{ bytes: number; sha256: string }> = [];
  for (const p of paths) out.push({ bytes: statSync(p).size, sha256: await fileSha256(p) });
  return out;
}

/** Relative paths (with /) of every file under dir, sorted. */
function walk(dir: string): string[] {
  const out: string[] = [];
  const go = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) go(join(d, e.name), `${rel}${e.name}/`);
      else out.push(rel + e.name);
    }
  };
  go(dir, '');
  return out.sort();
}

/** SHA-256 of a file, read at once when small, else streamed. */
export async function fileSha256(path: string): Promise<string> {
  // Most files are small: one read is ~10x cheaper than opening a stream for each of
  // thousands of files. Large ones are streamed, so memory stays bounded.
  if (statSync(path).size < 16 << 20) return createHash('sha256').update(readFileSync(path)).digest('hex');
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The date of a notice page's current version, from its history (version pages: that version's). */
function lastmodOf(dataDir: string, path: string, cache: Map<string, NoticeHistory | null>): string | undefined {
  const m = /^\/r\/(\d{12})\/(\d{4})\/(?:v\/(\d+)\/)?/.exec(path);
  if (!m) return undefined;
  const key = `${m[2]}/${m[1]}`;
  let h = cache.get(key);
  if (h === undefined) {
    const file = join(dataDir, 'history', m[2]!, `${m[1]}.json`);
    h = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as NoticeHistory) : null;
    cache.clear(); // pages of one notice are adjacent in path order: keep one history
    cache.set(key, h);
  }
  if (!h) return undefined;
  const v = m[3] ? h.versions[Number(m[3]) - 1] : h.versions[h.versions.length - 1];
  return v?.date;
}

/**
 * Reads the size and SHA-256 records the data files' writer left in the site
 * (FILE_RECORDS_DIR, every page shard's), then removes them from it.
 */
function takeFileRecords(siteDir: string): Map<string, FileRecord | null> {
  const records = new Map<string, FileRecord | null>();
  const dir = join(siteDir, FILE_RECORDS_DIR);
  if (!existsSync(dir)) return records;
  for (const name of readdirSync(dir).sort()) addFileRecords(readFileSync(join(dir, name), 'utf8'), records);
  rmSync(dir, { recursive: true, force: true });
  return records;
}

/**
 * Writes manifest.json and the sitemap into the built site. Returns the number of data files
 * listed, of pages in the sitemap, and of data files read and hashed here (the others were
 * recorded by their writer).
 */
export async function writeSiteIndex(opts: SiteIndexOptions): Promise<{ files: number; pages: number; hashed: number }> {
  const { siteDir, dataDir, log } = opts;
  const meta = JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')) as SiteMeta;
  const pubsPath = join(dataDir, 'publications.json');
  const publications = existsSync(pubsPath) ? (JSON.parse(readFileSync(pubsPath, 'utf8')) as PublicationRecord[]) : [];
  const recorded = takeFileRecords(siteDir);
  const all = walk(siteDir);

  const data = all.filter(isDataFile);
  const paths = data.map((rel) => join(siteDir, ...rel.split('/')));
  // A file its writer recorded is taken at its record when its size still matches; the
  // others are read and hashed.
  const known = data.map((rel, i) => {
    const r = recorded.get(rel);
    return r && statSync(paths[i]!).size === r.bytes ? r : undefined;
  });
  recorded.clear();
  const todo = paths.filter((_, i) => !known[i]);
  // Contiguous ranges of the files, one per thread, joined back in order.
  const parts = threadRanges(todo.length, opts.parallelMin ?? HASH_PARALLEL_MIN, opts.jobs);
  const hashed = parts.length === 1
    ? await hashFiles(todo)
    : (await Promise.all(parts.map(([from, to]) => workerResult<Array<{ bytes: number; sha256: string }>>(
      new URL('./hash-files-worker.ts', import.meta.url), todo.slice(from, to), 'file hashing',
    )))).flat();
  let next = 0;
  const files: ManifestFile[] = data.map((rel, i) => {
    const { bytes, sha256 } = known[i] ?? hashed[next++]!;
    return { path: `/${rel}`, bytes, sha256 };
  });
  const current = publications[publications.length - 1];
  writeFileSync(join(siteDir, 'manifest.json'), renderManifest({
    siteName: meta.siteName, baseUrl: meta.baseUrl, publication: current?.id ?? meta.asOf, asOf: meta.asOf, algorithm: 'sha256', publications, files,
  }));

  const cache = new Map<string, NoticeHistory | null>();
  const pages: SitemapEntry[] = [];
  for (const rel of all) {
    const path = pagePath(rel);
    if (!path || path === '/404/') continue;
    const lastmod = lastmodOf(dataDir, path, cache);
    pages.push(lastmod ? { path, lastmod } : { path });
  }
  for (const [name, xml] of renderSitemaps(pages, meta.baseUrl)) writeFileSync(join(siteDir, name), xml);
  log(`清单：${files.length} 个数据文件（/manifest.json，含大小和 SHA-256；${files.length - todo.length} 个在写入时已算好）；网站地图 ${pages.length} 个页面（/sitemap.xml）。`);
  return { files: files.length, pages: pages.length, hashed: todo.length };
}

if (import.meta.main) {
  const siteDir = resolve(process.argv[2] ?? 'dist');
  const dataDir = resolve(process.argv[3] ?? process.env.SITE_DATA_DIR ?? '.data');
  if (!existsSync(join(siteDir, 'index.html'))) throw new Error(`no built site at ${siteDir}: run npm run build first`);
  await writeSiteIndex({ siteDir, dataDir, log: (l) => console.log(l) });
}
