/**
 * The publication stage of the build: finds the publications of DATA_DIR (a single export,
 * or a history folder with `publications/<id>/`, each a full export), runs the data stage
 * once per publication, and computes the record of each publication, every notice's
 * versions and corrections, the county's list of recent corrections and the feeds.
 *
 * Notices are compared by the content hashes the data stage computed as it wrote them
 * (notices.json): only a notice whose hash changed between two publications has its rows
 * read, one village-year file pair at a time, so rows in memory are bounded by one
 * village. Each notice's version events (a few hundred bytes) are kept until the feeds
 * are written.
 *
 * Written next to the current publication's data stage output (the `.data` layout):
 *   publications.json               PublicationRecord[], oldest first
 *   history/{year}/{code}.json      NoticeHistory of every village-year
 *   versions.json                   VersionedNotice[]: notices with version pages to build
 *   changes.json                    ChangeEntry[]: recent corrections (not first publications), newest first
 *   feeds/{code}.json               FeedFile of the county (tops) and of each township
 *   publications/{id}/              earlier publications, pruned to meta.json, regions.json and
 *                                   the rows files that version pages show
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { diffCounts, diffNotices, isEmptyDiff, type NoticeDiff } from '../src/lib/corrections.ts';
import { ContentHasher, csvCells, EMPTY_CONTENT_HASH } from '../src/lib/integrity.ts';
import { unescapeFormula, type NoticeHashes, type PublicRow, type PublishedRegion, type SiteMeta } from '../src/lib/publish.ts';
import {
  isPublicationId, MAX_LISTED_ROWS, NewestEntries, orderPublications, publicationDate, publicationRecord, singleExportId,
  type ChangeEntry, type FeedFile, type NoticeHistory, type PublicationCounts, type PublicationInput, type PublicationRecord, type VersionedNotice,
} from '../src/lib/publications.ts';
import type { DataStageOptions, DataStageResult } from './build-data.ts';
import { exportInputs, pruneCache, restoreStage, stageKey, storeStage, type CachedStage } from './data-cache.ts';
import { defaultJobs, threadRanges, workerResult } from './worker-result.ts';
import { writeFiles } from './write-files.ts';

/** An export folder to publish, with its id when the history folder names it. */
export interface PublicationSource {
  /** Null for a single export: its id is its as-of date, known after the data stage. */
  id: string | null;
  dataDir: string;
}

/** Entries kept in changes.json (newest first); the counts of every publication stay complete. */
export const CHANGES_SIZE = 1000;

/**
 * The publications of DATA_DIR, oldest first: a history folder's `publications/<id>/`
 * folders (DATA_DIR may also be that `publications/` folder itself), or the folder itself
 * as one export. Throws (in Chinese, for the person running
 * the build) when a history folder has a misnamed or empty publication.
 */
export function findPublications(dataDir: string): PublicationSource[] {
  const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
  const subfolders = (d: string): string[] => readdirSync(d).filter((n) => !n.startsWith('.') && isDir(join(d, n)));
  // The history folder itself, or DATA_DIR pointing at its publications/ folder (no export files, dated subfolders).
  const pubs = isDir(join(dataDir, 'publications')) ? join(dataDir, 'publications')
    : isDir(dataDir) && !existsSync(join(dataDir, 'payments.csv')) && subfolders(dataDir).some(isPublicationId) ? dataDir : null;
  if (!pubs) return [{ id: null, dataDir }];
  const names = subfolders(pubs);
  const { ids, invalid } = orderPublications(names);
  if (invalid.length) throw new Error(`${pubs} 中的文件夹名不是发布日期：${invalid.join('、')}。每次发布一个文件夹，以发布日期命名，如 2026-01-10（同一天第二次发布用 2026-01-10-2）。`);
  if (!ids.length) throw new Error(`${pubs} 中没有发布：每次发布放一个以日期命名的文件夹（如 2026-01-10），里面是完整的导出文件。`);
  for (const id of ids) {
    if (!existsSync(join(pubs, id, 'payments.csv'))) throw new Error(`发布 ${id}（${join(pubs, id)}）中没有 payments.csv：每个发布文件夹都应是一份完整的导出。`);
  }
  return ids.map((id) => ({ id, dataDir: join(pubs, id) }));
}

/** Options of {@link runPublicationStages}. */
export interface StageOptions {
  sources: PublicationSource[];
  /** Each publication's data stage output goes to `${stagingDir}/{index}`. */
  stagingDir: string;
  /** Report file of the latest publication; earlier ones get `-{id}` before the extension. */
  reportFile: string;
  log: (line: string) => void;
  /** Data stages run at once (each in a worker thread). */
  jobs?: number;
  /**
   * The data stage cache (scripts/data-cache.ts): a publication whose inputs and code are
   * unchanged takes its output from here. None: every stage runs.
   */
  cacheDir?: string;
  /**
   * Part jobs' folders for the latest publication's data stage (DATA_PARTS, see runPartJob in
   * scripts/build-data.ts), used when its output is not in the cache.
   */
  partsDir?: string;
  /** Lookup jobs' folders made from those parts (DATA_LOOKUPS, see runLookupJob): taken with them. */
  lookupsDir?: string;
}

/** Report file of an earlier publication: reports/data-issues-2026-01-10.txt. */
function reportFor(reportFile: string, id: string | null, latest: boolean): string {
  return latest || !id ? reportFile : reportFile.replace(/(\.\w+)?$/, `-${id}$1`);
}

/**
 * Runs the data stage for every publication, `jobs` at a time in worker threads (a thread
 * dies with the build, so a killed build leaves no stage running), or takes its output from
 * the cache when its inputs and code are unchanged. Stops at the first failure. Returns the
 * output folder of each publication (same order), or null on failure. A successful run
 * leaves in the cache only the entries of these publications.
 */
export async function runPublicationStages(opts: StageOptions): Promise<string[] | null> {
  const { sources, stagingDir, log, cacheDir } = opts;
  const jobs = Math.max(1, opts.jobs ?? defaultJobs());
  rmSync(stagingDir, { recursive: true, force: true });
  mkdirSync(stagingDir, { recursive: true });
  const outs = sources.map((_, i) => join(stagingDir, String(i)));
  const many = sources.length > 1;
  const running = new Set<Worker>();
  let failed = false;
  let next = 0;

  const keys: string[] = [];

  const runOne = async (i: number): Promise<boolean> => {
    const src = sources[i]!;
    const prefix = many ? `[发布 ${src.id}] ` : '';
    const reportFile = reportFor(opts.reportFile, src.id, i === sources.length - 1);
    const jobsDirs = i === sources.length - 1 ? { partsDir: opts.partsDir, lookupsDir: opts.lookupsDir } : {};
    if (!cacheDir) return runStage(src, outs[i]!, reportFile, prefix, jobsDirs, null);
    const inputs = await exportInputs(src.dataDir);
    const key = await stageKey({ dataDir: src.dataDir, inputs });
    keys.push(key);
    let cached: CachedStage | null = null;
    try {
      cached = restoreStage(cacheDir, key, outs[i]!, reportFile);
    } catch (err) {
      log(`${prefix}提示：缓存的数据处理结果无法使用（${(err as Error).message}），重新处理。`);
      rmSync(outs[i]!, { recursive: true, force: true });
      rmSync(join(cacheDir, key), { recursive: true, force: true });
    }
    // A merge of part jobs checks that they read this export: it takes the hashes just made.
    if (!cached) return runStage(src, outs[i]!, reportFile, prefix, { ...jobsDirs, knownInputs: inputs }, (stage) => storeStage(cacheDir, key, outs[i]!, reportFile, stage));
    log(`${prefix}导出文件和程序都与上次相同，沿用上次的数据处理结果（${cacheDir}）：`);
    for (const line of cached.logs) log(prefix + line);
    return cached.result.ok;
  };

  /** One data stage in a worker thread; `store` receives a successful stage's result and log lines. */
  const runStage = (src: PublicationSource, outDir: string, reportFile: string, prefix: string, jobsDirs: Pick<DataStageOptions, 'partsDir' | 'lookupsDir' | 'knownInputs'>, store: ((stage: CachedStage) => void) | null): Promise<boolean> => new Promise((done) => {
    const worker = new Worker(new URL('./publication-worker.ts', import.meta.url), {
      // Several publications already fill the cores: each reads its payments in one thread.
      workerData: { dataDir: src.dataDir, outDir, reportFile, parts: many ? 1 : undefined, ...jobsDirs },
    });
    running.add(worker);
    let ok = false;
    let result: DataStageResult | null = null;
    const logs: string[] = [];
    worker.on('message', (m: { log?: string; result?: DataStageResult }) => {
      if (m.log !== undefined) {
        log(prefix + m.log);
        logs.push(m.log);
      }
      if (m.result) {
        ok = m.result.ok;
        result = m.result;
      }
    });
    worker.on('error', (err: Error) => {
      log(`${prefix}${err.stack ?? err.message}`);
      ok = false;
    });
    worker.on('exit', () => {
      running.delete(worker);
      if (ok && store && result) {
        // The cache only saves time: failing to fill it does not fail the build.
        try {
          store({ result, logs });
        } catch (err) {
          log(`${prefix}提示：数据处理结果未能存入缓存（${(err as Error).message}），下次构建将重新处理。`);
        }
      }
      done(ok);
    });
  });

  const lane = async (): Promise<void> => {
    while (!failed && next < sources.length) {
      const i = next++;
      if (!(await runOne(i))) {
        failed = true;
        for (const w of running) void w.terminate();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, sources.length) }, lane));
  if (failed) return null;
  if (cacheDir) pruneCache(cacheDir, keys);
  return outs;
}

/** sha256 and size of a small input file (site.json), or null when it is missing. */
function hashSmallFile(path: string, file: string): PublicationInput | null {
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  return { file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** A publication's data stage output, read for the history. */
interface Loaded {
  id: string;
  dir: string;
  meta: SiteMeta;
  /** Village-year keys `year:code` of this publication's notices. */
  notices: Set<string>;
  /** Content hash and rows of each notice with rows, from the data stage (notices.json). */
  hashes: NoticeHashes;
  extraInputs: PublicationInput[];
  counts: PublicationCounts;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** A village-year in one publication: its content hash and number of rows, and where its rows file is. */
interface Notice {
  hash: string;
  rows: number;
  dir: string;
  year: number;
  code: string;
}

/** A notice of a publication, as the data stage hashed it (no rows: the hash of no rows). */
function noticeOf(p: Loaded, year: number, code: string): Notice {
  const [hash, rows] = p.hashes[`${year}:${code}`] ?? [EMPTY_CONTENT_HASH, 0];
  return { hash, rows, dir: p.dir, year, code };
}

/**
 * Reads a notice's rows for a comparison (absent file = no rows), with the 查询码 from keys/
 * if the data stage wrote them. Only notices whose hash changed are read. The rows must
 * hash to the data stage's hash, or the comparison stops.
 */
function readRows(n: Notice): { rows: PublicRow[]; keys?: string[] } {
  const path = join(n.dir, 'rows', String(n.year), `${n.code}.csv`);
  const cells = existsSync(path) ? csvCells(readFileSync(path, 'utf8')) : [];
  const h = new ContentHasher();
  const rows: PublicRow[] = cells.map((c) => {
    h.add(c);
    return { name: c[2] ?? '', idNumber: c[3] ?? '', amount: c[4] ?? '', paidOn: c[5] ?? '', channel: unescapeFormula(c[6] ?? ''), status: c[7] ?? '' };
  });
  if (h.digest() !== n.hash) throw new Error(`${path}: its rows do not hash to the content hash the data stage gave them`);
  // Optional private 查询码 per row (one per line, same order), never published: makes row identity exact.
  const keyPath = join(n.dir, 'keys', String(n.year), `${n.code}.txt`);
  const keys = existsSync(keyPath) ? readFileSync(keyPath, 'utf8').split('\n').slice(0, rows.length) : undefined;
  return { rows, keys };
}

function cap<T>(list: T[]): { list: T[]; cut: boolean } {
  return list.length > MAX_LISTED_ROWS ? { list: list.slice(0, MAX_LISTED_ROWS), cut: true } : { list, cut: false };
}

const emptyCounts = (): PublicationCounts => ({ notices: 0, new: 0, corrected: 0, withdrawn: 0, rowsAdded: 0, rowsRemoved: 0, rowsChanged: 0 });

/** Options of {@link writeHistory}. */
export interface HistoryOptions {
  /** Data stage output of each publication, oldest first (the last is the current site's). */
  outputs: Array<{ source: PublicationSource; dir: string }>;
  /** Where the history files go (the current publication's output folder). */
  siteDataDir: string;
  log: (line: string) => void;
  /** Threads comparing notices at once (default: one per core, at most 2). */
  jobs?: number;
  /** Fewer notices than this are compared in this thread (a thread costs more than it saves). */
  parallelMin?: number;
}

/** What {@link writeHistory} found, for the build's log. */
export interface HistorySummary {
  publications: PublicationRecord[];
  versioned: number;
}

/** Below this many notices the history is written in the build's own thread. */
export const HISTORY_PARALLEL_MIN = 20_000;

/** What every range of notices reads: the publications, the regions' names and townships, and every notice key in order. */
interface HistoryContext {
  pubs: Loaded[];
  regionInfo: Map<string, { name: string; parent: string | null; level: string }>;
  keys: string[];
}

function loadHistory(outputs: HistoryOptions['outputs']): HistoryContext {
  const pubs: Loaded[] = outputs.map(({ source, dir }) => {
    const meta = readJson<SiteMeta>(join(dir, 'meta.json'));
    const regions = readJson<PublishedRegion[]>(join(dir, 'regions.json'));
    const notices = new Set<string>();
    for (const r of regions) if (r.level === 'village') for (const y of r.years) notices.add(`${y}:${r.code}`);
    const site = hashSmallFile(join(source.dataDir, 'site.json'), 'site.json');
    const hashes = readJson<NoticeHashes>(join(dir, 'notices.json'));
    return { id: source.id ?? singleExportId(meta.asOf), dir, meta, notices, hashes, extraInputs: site ? [site] : [], counts: emptyCounts() };
  });
  for (let i = 1; i < pubs.length; i++) {
    if (pubs[i]!.id === pubs[i - 1]!.id) throw new Error(`two publications with the id ${pubs[i]!.id}`);
  }
  // Names and townships: from the latest publication that lists the region.
  const regionInfo = new Map<string, { name: string; parent: string | null; level: string }>();
  for (const p of pubs) for (const r of readJson<PublishedRegion[]>(join(p.dir, 'regions.json'))) regionInfo.set(r.code, { name: r.name, parent: r.parent, level: r.level });
  const keys = [...new Set(pubs.flatMap((p) => [...p.notices]))].sort((a, b) => {
    const [ya, ca] = a.split(':') as [string, string];
    const [yb, cb] = b.split(':') as [string, string];
    return ya !== yb ? (ya < yb ? -1 : 1) : ca < cb ? -1 : ca > cb ? 1 : 0;
  });
  return { pubs, regionInfo, keys };
}

/** One range of notices compared: its history files are written; the rest, in key order, is for the whole. */
interface HistoryRange {
  /** Every version event, with the index of its publication. */
  events: Array<{ pub: number; entry: ChangeEntry }>;
  versioned: VersionedNotice[];
  /** Rows files of earlier publications that version pages read: `${pubIndex}:${year}:${code}`. */
  keep: string[];
  /** Per publication. */
  counts: PublicationCounts[];
}

/** A range of notices (indices into the sorted keys) for a worker thread: scripts/history-range-worker.ts. */
export interface HistoryRangeTask {
  outputs: HistoryOptions['outputs'];
  siteDataDir: string;
  from: number;
  to: number;
}

export function historyRangeTask(task: HistoryRangeTask): Promise<HistoryRange> {
  return historyRange(loadHistory(task.outputs), task.from, task.to, task.siteDataDir);
}

/**
 * Compares the notices keys[from, to) across the publications, one notice at a time, and
 * writes their history files, several at once (scripts/write-files.ts) while the next
 * notices are compared.
 */
async function historyRange(ctx: HistoryContext, from: number, to: number, siteDataDir: string): Promise<HistoryRange> {
  const out: HistoryRange = { events: [], versioned: [], keep: [], counts: ctx.pubs.map(() => emptyCounts()) };
  await writeFiles(compareNotices(ctx, from, to, siteDataDir, out));
  return out;
}

/** The history file of each notice of keys[from, to), as it is compared; what the range found goes into `out`. */
function* compareNotices(ctx: HistoryContext, from: number, to: number, siteDataDir: string, out: HistoryRange): Generator<readonly [string, string]> {
  const { pubs, regionInfo } = ctx;
  const townshipOf = (code: string): { code: string; name: string } | null => {
    const parent = regionInfo.get(code)?.parent;
    return parent ? { code: parent, name: regionInfo.get(parent)?.name ?? parent } : null;
  };
  const versioned = out.versioned;

  for (const key of ctx.keys.slice(from, to)) {
    const [y, code] = key.split(':') as [string, string];
    const year = Number(y);
    const history: NoticeHistory = { year, code, versions: [], corrections: [], withdrawn: null };
    const versionPub: number[] = [];
    let last: Notice | null = null;
    let present = false;
    const event = (pi: number, kind: ChangeEntry['kind'], rows: number, counts: ChangeEntry['counts']): void => {
      const p = pubs[pi]!;
      const entry: ChangeEntry = {
        publication: p.id, date: publicationDate(p.id), asOf: p.meta.asOf, kind, year, code,
        name: regionInfo.get(code)?.name ?? code, township: townshipOf(code), version: history.versions.length, rows, counts,
      };
      out.events.push({ pub: pi, entry });
    };

    pubs.forEach((p, pi) => {
      const tally = out.counts[pi]!;
      if (!p.notices.has(key)) {
        if (present && last) {
          // Withdrawn: every row of the notice is gone.
          present = false;
          history.withdrawn = { publication: p.id, date: publicationDate(p.id), rows: last.rows };
          tally.withdrawn++;
          tally.rowsRemoved += last.rows;
          event(pi, 'withdrawn', last.rows, { added: 0, removed: last.rows, changed: 0, fields: {}, statuses: {}, reordered: false });
        }
        return;
      }
      tally.notices++;
      present = true;
      history.withdrawn = null;
      const now = noticeOf(p, year, code);
      if (last && last.hash === now.hash) return; // most notices: nothing read
      let diff: NoticeDiff | null = null;
      if (last) {
        const before = readRows(last);
        const after = readRows(now);
        diff = diffNotices(before.rows, after.rows, { before: before.keys, after: after.keys });
      }
      history.versions.push({ n: history.versions.length + 1, publication: p.id, date: publicationDate(p.id), asOf: p.meta.asOf, hash: now.hash, rows: now.rows });
      versionPub.push(pi);
      if (!diff) {
        tally.new++;
        event(pi, 'new', now.rows, null);
      } else {
        if (isEmptyDiff(diff)) throw new Error(`notice ${key}: hash changed in ${p.id} but no difference found`);
        const counts = diffCounts(diff);
        const added = cap(diff.added);
        const removed = cap(diff.removed);
        const changed = cap(diff.changed);
        history.corrections.push({
          version: history.versions.length, publication: p.id, date: publicationDate(p.id), asOf: p.meta.asOf, counts,
          added: added.list, removed: removed.list, changed: changed.list, truncated: added.cut || removed.cut || changed.cut,
        });
        tally.corrected++;
        tally.rowsAdded += counts.added;
        tally.rowsRemoved += counts.removed;
        tally.rowsChanged += counts.changed;
        event(pi, 'corrected', now.rows, counts);
      }
      last = now;
    });

    if (history.versions.length > 1 || history.withdrawn) {
      versioned.push({ year, code, rows: history.versions.map((v) => v.rows), withdrawn: history.withdrawn !== null });
      // Version pages read each version's rows from its publication; the current version is the site's own rows.
      history.versions.forEach((_, vi) => {
        const isCurrent = !history.withdrawn && vi === history.versions.length - 1;
        if (!isCurrent) out.keep.push(`${versionPub[vi]}:${key}`);
      });
    }
    yield [join(siteDataDir, 'history', y, `${code}.json`), JSON.stringify(history)] as const;
  }
}

/**
 * Compares every village-year across the publications, one notice at a time, and writes
 * the history files (see the module comment). Earlier publications' folders are pruned to
 * what version pages read. From {@link HISTORY_PARALLEL_MIN} notices, contiguous ranges of
 * notices are compared in `jobs` worker threads; the result is the same bytes (tested).
 */
export async function writeHistory(opts: HistoryOptions): Promise<HistorySummary> {
  const { siteDataDir, log, outputs } = opts;
  const ctx = loadHistory(outputs);
  const { pubs, regionInfo, keys } = ctx;
  const latest = pubs[pubs.length - 1]!;
  const parts = threadRanges(keys.length, opts.parallelMin ?? HISTORY_PARALLEL_MIN, opts.jobs);
  const ranges = parts.length === 1
    ? [await historyRange(ctx, 0, keys.length, siteDataDir)]
    : await Promise.all(parts.map(([from, to]) => workerResult<HistoryRange>(
      new URL('./history-range-worker.ts', import.meta.url), { outputs, siteDataDir, from, to } satisfies HistoryRangeTask, 'history range',
    )));

  // The ranges in key order: the feeds and changes get their entries as one pass would give them.
  const feedCodes = [...regionInfo].filter(([, r]) => r.parent === null || r.level === 'township').map(([c]) => c).sort();
  const feeds = new Map(feedCodes.map((c) => [c, new NewestEntries()]));
  const changes = new NewestEntries(CHANGES_SIZE);
  const keep = new Set<string>();
  const versioned: VersionedNotice[] = [];
  for (const r of ranges) {
    for (const { pub, entry } of r.events) {
      for (let c: string | null = entry.code; c; c = regionInfo.get(c)?.parent ?? null) feeds.get(c)?.add(entry);
      if (pub !== 0) changes.add(entry);
    }
    versioned.push(...r.versioned);
    for (const k of r.keep) keep.add(k);
    r.counts.forEach((c, pi) => {
      const into = pubs[pi]!.counts;
      for (const f of Object.keys(c) as Array<keyof PublicationCounts>) into[f] += c[f];
    });
  }

  const records = pubs.map((p) => publicationRecord(p.id, p.meta, p.extraInputs, p.counts));
  writeFileSync(join(siteDataDir, 'publications.json'), JSON.stringify(records, null, 1));
  writeFileSync(join(siteDataDir, 'versions.json'), JSON.stringify(versioned));
  writeFileSync(join(siteDataDir, 'changes.json'), JSON.stringify(changes.entries()));
  for (const [code, list] of feeds) {
    const file: FeedFile = { code, name: regionInfo.get(code)?.name ?? code, updated: latest ? publicationDate(latest.id) : '', entries: list.entries() };
    const path = join(siteDataDir, 'feeds', `${code}.json`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(file));
  }

  // Earlier publications keep only what version pages read.
  pubs.slice(0, -1).forEach((p, pi) => prunePublication(p.dir, (year, code) => keep.has(`${pi}:${year}:${code}`)));
  const last = records[records.length - 1]!;
  log(`发布 ${last.id}（数据截至 ${last.asOf}）：${last.notices} 份公示${records.length > 1 ? `，其中新增 ${last.new} 份、更正 ${last.corrected} 份、撤下 ${last.withdrawn} 份（新增 ${last.rowsAdded} 行、删除 ${last.rowsRemoved} 行、修改 ${last.rowsChanged} 行）；共 ${records.length} 次发布，${versioned.length} 份公示有历史版本` : ''}。`);
  return { publications: records, versioned: versioned.length };
}

/** Deletes everything of an earlier publication's output except meta.json, regions.json and the rows files still shown. */
function prunePublication(dir: string, keepRows: (year: string, code: string) => boolean): void {
  for (const name of readdirSync(dir)) {
    if (name === 'meta.json' || name === 'regions.json') continue;
    if (name !== 'rows') {
      rmSync(join(dir, name), { recursive: true, force: true });
      continue;
    }
    for (const year of readdirSync(join(dir, 'rows'))) {
      const yearDir = join(dir, 'rows', year);
      for (const file of readdirSync(yearDir)) if (!keepRows(year, file.replace(/\.csv$/, ''))) rmSync(join(yearDir, file));
      if (!readdirSync(yearDir).length) rmSync(yearDir, { recursive: true });
    }
  }
}
