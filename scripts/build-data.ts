/**
 * The data stage: reads an export folder (DATA_DIR), validates every file, and writes
 * the per-region files pages read. Any invalid row stops it with the full list of
 * problems; the previous output is only replaced when everything succeeded.
 *
 *   node scripts/build-data.ts [--data DIR] [--out DIR]
 *   node scripts/build-data.ts --data DIR --part k/n --out PART_DIR   part k of n, a job of its own
 *   node scripts/build-data.ts --data DIR --lookup k/n --parts DIR --out LOOKUP_DIR
 *                                                        lookup job k of n, on every part's spill
 *   node scripts/build-data.ts --data DIR --parts DIR [--lookups DIR] [--out DIR]
 *                                                        merge the part (and lookup) jobs' folders
 *
 * Part jobs and lookup jobs can run on several machines (see runPartJob, runLookupJob); the
 * merge publishes the same files as the data stage in one process.
 */
import { createHash } from 'node:crypto';
import { createReadStream, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FILES, SiteConfigSchema, type EnrollmentCells, type PaymentCells, type RegionCells, type SiteConfig } from '../src/lib/contract.ts';
import { compareIssues, formatIssue, makeIssue, type Issue } from '../src/lib/issues.ts';
import { READ_CHUNK_BYTES } from '../src/lib/encoding.ts';
import { ingestFile, type FileReport } from '../src/lib/ingest.ts';
import { buildRegions, type Region } from '../src/lib/regions.ts';
import { checkEnrollment, checkPayment } from '../src/lib/checks.ts';
import { VillageAccumulator, rollUp, type RegionYearStats } from '../src/lib/aggregate.ts';
import { partOf } from '../src/lib/parts.ts';
import { ContentHasher } from '../src/lib/integrity.ts';
import { childSummary, csvText, publicCells, writtenRow, type NoticeHashes, type PublishedRegion, type SiteMeta, type StatsFile } from '../src/lib/publish.ts';
import { dataStageCodeDigest, inputHash, type InputHash } from './data-cache.ts';
import { bucketRanges, LookupStage, readBucketRanges, SPILL_BUCKETS, type BucketRangeResult, type SpillInfo } from './lookup-stage.ts';
import { prefixLengthFor, shardPrefixes } from '../src/lib/lookup.ts';
import { PendingStage } from './pending-stage.ts';
import { defaultJobs, workerResult } from './worker-result.ts';
import { writeFiles } from './write-files.ts';

/** Where the data stage reads and writes, and how it reports. */
export interface DataStageOptions {
  dataDir: string;
  outDir: string;
  /** Full issue list, one per line (every problem, however many). */
  reportFile: string;
  log: (line: string) => void;
  /**
   * Threads that read the payments, each taking the rows of some townships. Default: one
   * for a small export, else as many as there are cores (at most 2, see {@link defaultParts}).
   */
  parts?: number;
  /**
   * A folder of part jobs' folders (`node scripts/build-data.ts --part k/n`, see
   * {@link runPartJob}), possibly made on other machines: their rows are taken instead of
   * reading the payments here. Their files are moved into the output (the folders are used up).
   */
  partsDir?: string;
  /**
   * A folder of lookup jobs' folders (`--lookup k/n`, see {@link runLookupJob}) made from the
   * parts of `partsDir`: their shards and 两头缴 are taken instead of reading the spills here.
   */
  lookupsDir?: string;
  /**
   * Size and SHA-256 of the export's files, just computed by the caller (the data stage
   * cache's key): the check that the parts read this export takes them, for files that
   * still have that size, instead of reading the files again.
   */
  knownInputs?: readonly InputHash[];
}

/** Result of a data stage run. */
export interface DataStageResult {
  ok: boolean;
  reports: FileReport[];
  errors: number;
  warnings: number;
}

const CONSOLE_ISSUES = 200;
const FLUSH_ROWS = 200_000;
/** Below this size of payments.csv a second thread costs more (start-up, a second parse) than it saves. */
const PARTS_MIN_BYTES = 32 * 1024 * 1024;

/** Threads for the payments of an export: 1 when it is small, else min(2, cores). */
export function defaultParts(dataDir: string): number {
  const path = join(dataDir, FILES.payments.file);
  return existsSync(path) && statSync(path).size >= PARTS_MIN_BYTES ? defaultJobs() : 1;
}

/** Streams a file's bytes while hashing them. */
function hashedStream(path: string, hash: ReturnType<typeof createHash>): AsyncIterable<Uint8Array> {
  return (async function* () {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
      hash.update(chunk as Buffer);
      yield chunk as Uint8Array;
    }
  })();
}

/** Problems as they are found: counted, the first few kept for the console, all appended to a report file. */
class IssueLog {
  errors = 0;
  warnings = 0;
  readonly shown: Issue[] = [];
  private pending: string[] = [];
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
    writeFileSync(file, '');
  }

  readonly add = (issue: Issue): void => {
    if (issue.severity === 'error') this.errors++;
    else this.warnings++;
    if (this.shown.length < CONSOLE_ISSUES) this.shown.push(issue);
    this.pending.push(formatIssue(issue));
    if (this.pending.length >= 10_000) this.flush();
  };

  flush(): void {
    if (this.pending.length) appendFileSync(this.file, this.pending.join('\n') + '\n');
    this.pending = [];
  }
}

/** site.json of an export (defaults when it is missing), its problems reported to `onIssue`. */
function readSiteConfig(dataDir: string, onIssue: (issue: Issue) => void): SiteConfig {
  let config: SiteConfig = SiteConfigSchema.parse({});
  const configPath = join(dataDir, 'site.json');
  if (existsSync(configPath)) {
    let raw: unknown = null;
    try {
      raw = JSON.parse(readFileSync(configPath, 'utf8').replace(/^\uFEFF/, ''));
    } catch (err) {
      onIssue(makeIssue({ file: 'site.json', line: 0, column: '', problem: `不是有效的 JSON：${(err as Error).message}`, expected: 'JSON 格式的站点配置', fix: '检查逗号、引号和括号是否成对' }));
    }
    if (raw !== null) {
      const parsed = SiteConfigSchema.safeParse(raw);
      if (parsed.success) config = parsed.data;
      else for (const i of parsed.error.issues) onIssue(makeIssue({ file: 'site.json', line: 0, column: i.path.join('.'), problem: i.message, expected: '见 data/README.md 的站点配置说明', fix: '按说明修改该项' }));
    }
  } else {
    onIssue(makeIssue({ file: 'site.json', line: 0, column: '', problem: '没有站点配置，使用默认值（发布单位、异议电话等为通用内容）', expected: '导出文件夹中的 site.json', fix: '参照 data/README.md 写一个 site.json', severity: 'warning' }));
  }
  return config;
}

/** Runs the data stage; returns ok=false (after logging the problems) when the export is invalid. */
export async function runDataStage(opts: DataStageOptions): Promise<DataStageResult> {
  const { dataDir, log } = opts;
  const outDir = resolve(opts.outDir);
  const tmpDir = `${outDir}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  mkdirSync(dirname(opts.reportFile), { recursive: true });

  const issues = new IssueLog(opts.reportFile);
  const onIssue = issues.add;
  const reports: Array<FileReport & { sha256: string; bytes: number }> = [];
  const missing = (file: string): boolean => {
    if (existsSync(join(dataDir, file))) return false;
    onIssue(makeIssue({ file, line: 0, column: '', problem: `导出文件夹 ${dataDir} 中没有 ${file}`, expected: '导出文件夹包含 payments.csv、regions.csv、enrollment.csv', fix: '把该文件放进导出文件夹，或用 DATA_DIR 指向正确的文件夹' }));
    return true;
  };
  async function ingest<T>(spec: (typeof FILES)[keyof typeof FILES], onRecord: (r: T, line: number) => void, check?: Parameters<typeof ingestFile<T>>[0]['check']): Promise<void> {
    if (missing(spec.file)) return;
    const path = join(dataDir, spec.file);
    const hash = createHash('sha256');
    const report = await ingestFile<T>({ file: spec.file, bytes: hashedStream(path, hash), fields: spec.fields, onRecord, onIssue, check });
    reports.push({ ...report, sha256: hash.digest('hex'), bytes: statSync(path).size });
  }

  // 1. Site config (optional).
  const config = readSiteConfig(dataDir, onIssue);

  // 2. Regions.
  const regionRows: Array<RegionCells & { line: number }> = [];
  await ingest<RegionCells>(FILES.regions, (r, line) => regionRows.push({ ...r, line }));
  const tree = buildRegions(FILES.regions.file, regionRows);
  tree.issues.forEach(onIssue);
  const byCode = new Map<string, Region>(tree.regions.map((r) => [r.code, r]));

  // 3–4. Enrollment and payments, streamed, in `parts` threads that each take the rows of
  // some townships (one part: in this thread). Rows go to per-village files as they pass.
  missing(FILES.enrollment.file);
  missing(FILES.payments.file);
  let parts = 1;
  const partOpts = (part: number): PartOptions => ({ dataDir, tmpDir, config, part, parts, reportFile: `${opts.reportFile}.part${part}` });
  let results: PartResult[];
  let lookupJobs: Array<{ dir: string; job: LookupJobFile }> | null = null;
  try {
    if (opts.lookupsDir && !opts.partsDir) throw new Error('查询分片（--lookups、DATA_LOOKUPS）须与它们读取的数据分片（--parts、DATA_PARTS）一起合并');
    const partJobs = opts.partsDir ? readPartJobs(resolve(opts.partsDir)) : null;
    parts = partJobs ? partJobs.length : Math.max(1, opts.parts ?? defaultParts(dataDir));
    if (partJobs) {
      await checkPartInputs(partJobs, dataDir, opts.knownInputs ?? []);
      // Checked before any part is taken: a refused lookup folder leaves the parts usable.
      lookupJobs = opts.lookupsDir ? readLookupJobs(resolve(opts.lookupsDir), partJobs) : null;
      results = partJobs.map(({ dir, job }) => adoptPartJob(dir, job, tmpDir, partOpts(job.part).reportFile, !lookupJobs));
    } else {
      results = parts === 1 ? [await ingestPart(partOpts(0))] : await Promise.all(Array.from({ length: parts }, (_, i) => runPartWorker(partOpts(i))));
    }
  } catch (err) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
  for (const r of results) {
    issues.errors += r.errors;
    issues.warnings += r.warnings;
    issues.shown.push(...r.shown);
  }
  const { errors, warnings, shown } = issues;
  // The full list: this thread's problems (site.json, regions), then each part's, in part order.
  issues.flush();
  for (let i = 0; i < parts; i++) {
    const partReport = partOpts(i).reportFile;
    if (existsSync(partReport)) {
      appendFileSync(opts.reportFile, readFileSync(partReport));
      rmSync(partReport);
    }
  }
  for (const file of [FILES.enrollment.file, FILES.payments.file]) {
    const per = results.flatMap((r) => r.reports.filter((f) => f.file === file));
    if (!per.length) continue;
    const sum = (k: 'read' | 'valid' | 'rejected' | 'errors' | 'warnings'): number => per.reduce((n, f) => n + f[k], 0);
    // Every part reads the whole file: its encoding, hash and size are part 0's.
    reports.push({ ...per[0]!, read: sum('read'), valid: sum('valid'), rejected: sum('rejected'), errors: sum('errors'), warnings: sum('warnings') });
  }
  const maxPaid = results.reduce((m, r) => (r.maxPaid > m ? r.maxPaid : m), '');

  for (const r of reports) {
    const enc = r.encoding ? `，编码 ${r.encoding === 'gb18030' ? 'GB18030' : r.encoding === 'utf-8-bom' ? 'UTF-8（带 BOM）' : 'UTF-8'}` : '';
    log(`核对 ${r.file}：读取 ${r.read} 行 = 有效 ${r.valid} 行 + 有误 ${r.rejected} 行${enc}`);
  }

  if (errors > 0) {
    shown.sort(compareIssues);
    shown.length = Math.min(shown.length, CONSOLE_ISSUES);
    log('');
    for (const issue of shown) log(formatIssue(issue));
    if (errors + warnings > shown.length) log(`……另有 ${errors + warnings - shown.length} 条未在此列出`);
    log('');
    log(`导出数据有 ${errors} 处错误${warnings ? `、${warnings} 处提示` : ''}，本次未发布（已发布的网站保持不变）。`);
    log(`完整问题清单（每条含文件、行号、列、值、应为、修改方法）：${resolve(opts.reportFile)}`);
    rmSync(tmpDir, { recursive: true, force: true });
    return { ok: false, reports, errors, warnings };
  }

  // Lookup shards and 两头缴 from every part's spill, bucket by bucket; duplicate counts go
  // into the village figures before they are rolled up.
  // With lookup jobs, their shards are moved in and the spills are not read here.
  const lookup = new LookupStage(tmpDir, byCode);
  const spills = results.map((r) => r.spill);
  const found = lookupJobs ? lookup.adopt(config.lookup ?? null, spills, adoptLookupJobs(lookupJobs, tmpDir)) : await lookup.finish(config.lookup ?? null, spills);
  const villages = results.flatMap((r) => r.villages).sort((a, b) => a.year - b.year || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const villageByKey = new Map(villages.map((v) => [`${v.year}:${v.code}`, v]));
  for (const [key, n] of found.duplicates) villageByKey.get(key)!.duplicates = n;
  const li = found.index;
  if (li.records > 0) {
    log(`查询：${li.persons} 人、${li.records} 条记录，${li.shardCount} 个分片（每个 ${li.shardBytes} 字节）；两头缴 ${li.duplicatePersons} 人${li.params ? '' : '。site.json 中没有 lookup.salt，“查我的缴费”页暂不开放：用 npm run anonymize 处理原始导出会生成它'}。`);
  }

  // 5. Aggregate and write the per-region files.
  const all = rollUp(villages, config.collection);
  const years = [...new Set(all.map((s) => s.year))].sort();
  const statsByKey = new Map(all.map((s) => [`${s.year}:${s.code}`, s]));
  const regionYears = new Map<string, number[]>();
  for (const s of all) {
    if (!byCode.has(s.code)) continue;
    const list = regionYears.get(s.code) ?? [];
    list.push(s.year);
    regionYears.set(s.code, list);
  }
  await writeFiles((function* () {
    for (const s of all) {
      const region = byCode.get(s.code);
      if (!region) continue;
      const children = region.children.flatMap((c) => {
        const cs = statsByKey.get(`${s.year}:${c}`);
        return cs ? [childSummary(cs, byCode.get(c)!.name)] : [];
      });
      const file: StatsFile = { ...s, name: region.name, children };
      yield [join(tmpDir, 'stats', String(s.year), `${s.code}.json`), JSON.stringify(file)] as const;
    }
  })());
  const published: PublishedRegion[] = tree.regions.map((r) => ({ ...r, years: regionYears.get(r.code) ?? [] }));
  const meta: SiteMeta = {
    siteName: config.siteName,
    baseUrl: config.baseUrl,
    asOf: config.asOf ?? maxPaid,
    years,
    tops: tree.regions.filter((r) => r.parent === null).map((r) => r.code),
    config,
    inputs: reports,
  };
  writeFileSync(join(tmpDir, 'regions.json'), JSON.stringify(published));
  const hashes: NoticeHashes = {};
  for (const [key, hash, rows] of results.flatMap((r) => r.hashes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hashes[key] = [hash, rows];
  writeFileSync(join(tmpDir, 'notices.json'), JSON.stringify(hashes));
  writeFileSync(join(tmpDir, 'meta.json'), JSON.stringify(meta, null, 1));

  const rowsPublished = villages.reduce((n, v) => n + v.rows, 0);
  const payments = reports.find((r) => r.file === FILES.payments.file);
  if (payments && rowsPublished !== payments.valid) throw new Error(`reconciliation failed: ${payments.valid} valid rows, ${rowsPublished} published`);
  log(`发布：${villages.length} 个村（社区）年度公示，${rowsPublished} 行缴费记录，${years.join('、')} 年度${warnings ? `；${warnings} 条提示见 ${resolve(opts.reportFile)}` : ''}。`);

  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmpDir, outDir);
  return { ok: true, reports, errors, warnings };
}

/** What one part of the data stage is given (plain data: it is sent to a worker thread). */
export interface PartOptions {
  dataDir: string;
  /** The data stage's output folder in progress: parts write rows and 未到账 files straight into it. */
  tmpDir: string;
  config: SiteConfig;
  part: number;
  parts: number;
  /** This part's problems, one per line; the data stage appends it to the full list. */
  reportFile: string;
  /** Hash the inputs in every part, not only part 0 (part jobs: the merge checks they all read the same export). */
  hashInputs?: boolean;
}

/** What one part hands back to the data stage. */
export interface PartResult {
  /** Village-year figures of this part's townships (without 两头缴 counts: those need every part). */
  villages: RegionYearStats[];
  maxPaid: string;
  reports: Array<FileReport & { sha256: string; bytes: number }>;
  errors: number;
  warnings: number;
  /** The first problems, for the console. */
  shown: Issue[];
  spill: SpillInfo;
  /** Content hash and rows of each village-year this part wrote, by `year:code`. */
  hashes: Array<[key: string, hash: string, rows: number]>;
}

/**
 * One part of the data stage: reads enrollment.csv and payments.csv whole, and validates,
 * counts and writes the rows of its townships (every row when `parts` is 1). Problems of a
 * file as a whole are reported by part 0 only, so the full list has each problem once.
 */
export async function ingestPart(o: PartOptions): Promise<PartResult> {
  const { dataDir, tmpDir, config, part, parts } = o;
  const issues = new IssueLog(o.reportFile);
  const onIssue = issues.add;
  const reports: PartResult['reports'] = [];
  const take = parts > 1 ? (column: (key: string) => string) => partOf(column('region_code'), parts) === part : undefined;
  async function ingest<T>(spec: (typeof FILES)[keyof typeof FILES], onRecord: (r: T, line: number) => void, check?: Parameters<typeof ingestFile<T>>[0]['check']): Promise<void> {
    const path = join(dataDir, spec.file);
    if (!existsSync(path)) return; // reported by the main thread
    const hash = part === 0 || o.hashInputs ? createHash('sha256') : null;
    const bytes = hash ? hashedStream(path, hash) : (createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Uint8Array>);
    const report = await ingestFile<T>({ file: spec.file, bytes, fields: spec.fields, onRecord, onIssue, check, take, fileIssues: part === 0 });
    reports.push({ ...report, sha256: hash?.digest('hex') ?? '', bytes: statSync(path).size });
  }

  // Regions again, for this thread's checks.
  const byCode = await readRegionMap(dataDir);

  const acc = new VillageAccumulator(config.collection);
  await ingest<EnrollmentCells>(FILES.enrollment, (r) => acc.setShouldEnroll(r.region_code, r.coverage_year, r.should_enroll), checkEnrollment(byCode));

  const rowsDir = join(tmpDir, 'rows');
  /** CSV lines of each village-year not yet written. */
  const buffers = new Map<string, string[]>();
  const started = new Set<string>();
  let buffered = 0;
  let maxPaid = '';
  // 序号 of each row in its village-year file; lookup shards and 未到账 lists point back to it.
  const rowNumbers = new Map<string, number>();
  // The content hash of each village-year's rows, as they are written (history reads no rows to get it).
  const hashers = new Map<string, ContentHasher>();
  const lookup = new LookupStage(tmpDir, byCode, `.lookup-spill-${part}`);
  const pending = new PendingStage(tmpDir);
  const flushRows = (): void => {
    for (const [key, lines] of buffers) {
      const [year, code] = key.split(':') as [string, string];
      const path = join(rowsDir, year, `${code}.csv`);
      const first = !started.has(key);
      if (first) {
        mkdirSync(dirname(path), { recursive: true });
        started.add(key);
      }
      appendFileSync(path, csvText(lines, first));
    }
    buffers.clear();
    buffered = 0;
  };
  await ingest<PaymentCells>(FILES.payments, (p) => {
    acc.add(p);
    if (p.paid_on > maxPaid) maxPaid = p.paid_on;
    if (issues.errors > 0) return; // an invalid export is not published: stop writing rows
    const key = `${p.coverage_year}:${p.region_code}`;
    let list = buffers.get(key);
    if (!list) buffers.set(key, (list = []));
    const written = writtenRow(publicCells(p));
    list.push(written.line);
    let hasher = hashers.get(key);
    if (!hasher) hashers.set(key, (hasher = new ContentHasher()));
    hasher.add(written.cells);
    const row = (rowNumbers.get(key) ?? 0) + 1;
    rowNumbers.set(key, row);
    lookup.add(p, row);
    pending.add(p, row);
    if (++buffered >= FLUSH_ROWS) flushRows();
  }, checkPayment(byCode));
  issues.flush();
  if (issues.errors === 0) {
    flushRows();
    pending.flush();
  }
  const hashes = [...hashers].map(([key, h]): [string, string, number] => [key, h.digest(), h.rows]);
  return { villages: acc.villages(), maxPaid, reports, errors: issues.errors, warnings: issues.warnings, shown: issues.shown, spill: lookup.spill(), hashes };
}

/**
 * The regions of an export's regions.csv by code, for a thread or job of its own (its
 * problems are the data stage's main thread's to report).
 */
async function readRegionMap(dataDir: string): Promise<Map<string, Region>> {
  const path = join(dataDir, FILES.regions.file);
  const rows: Array<RegionCells & { line: number }> = [];
  if (existsSync(path)) {
    const bytes = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Uint8Array>;
    await ingestFile<RegionCells>({ file: FILES.regions.file, bytes, fields: FILES.regions.fields, onRecord: (r, line) => rows.push({ ...r, line }), onIssue: () => {}, fileIssues: false });
  }
  return new Map(buildRegions(FILES.regions.file, rows).regions.map((r) => [r.code, r]));
}

/** Runs {@link ingestPart} in a worker thread. */
function runPartWorker(o: PartOptions): Promise<PartResult> {
  return workerResult<PartResult>(new URL('./data-part-worker.ts', import.meta.url), o, `data stage part ${o.part}`);
}

// ---- part jobs (several machines) -------------------------------------------------

/** A part job's result file in its folder, written last: a folder without it is not a finished part. */
const PART_FILE = 'part.json';
/** What {@link PART_FILE} is renamed to when a merge starts taking the part's files: it cannot be taken twice. */
const USED_PART_FILE = 'part.used.json';
/** The export's files a part job depends on, recorded with their size and SHA-256 and checked by the merge. */
const PART_INPUTS = [FILES.enrollment.file, FILES.payments.file, FILES.regions.file, 'site.json'];
/** A part job's problems, one per line. */
const PART_ISSUES = 'issues.txt';
/** Format of {@link PartJobFile}. */
const PART_JOB_FORMAT = 1;

/** What a part job leaves for the merge: its {@link PartResult} and what it was made from. */
export interface PartJobFile {
  format: number;
  part: number;
  parts: number;
  /** The data stage's code digest (sources, lockfile, Node version): the merge must run the same. */
  code: string;
  /** Size and SHA-256 of each of {@link PART_INPUTS} (-1 and "missing" for a missing site.json). */
  inputs: InputHash[];
  /** The part's result, its spill folder relative to the part's folder. */
  result: PartResult;
}

/**
 * A part job (`node scripts/build-data.ts --part k/n --out DIR`): part k of n of the data
 * stage, as a thread of {@link runDataStage} runs it, into a folder of its own that a merge
 * (`--parts`, possibly on another machine) takes instead of reading the payments: the
 * village files of its townships, its 未到账 lists, its lookup spill, its problems and
 * `part.json`. Problems of site.json and regions.csv are the merge's to report.
 */
export async function runPartJob(o: { dataDir: string; partDir: string; part: number; parts: number; log: (line: string) => void }): Promise<{ errors: number; warnings: number }> {
  const dataDir = resolve(o.dataDir);
  const partDir = resolve(o.partDir);
  for (const file of [FILES.enrollment.file, FILES.payments.file, FILES.regions.file]) {
    if (!existsSync(join(dataDir, file))) throw new Error(`${dataDir} 中没有 ${file}：--data 应为一次发布的导出文件夹（历史文件夹则为其中最新的 publications/<日期>/）`);
  }
  resetJobFolder(partDir, PART_JOB);
  const config = readSiteConfig(dataDir, () => {});
  const reportFile = join(partDir, PART_ISSUES);
  const result = await ingestPart({ dataDir, tmpDir: partDir, config, part: o.part, parts: o.parts, reportFile, hashInputs: true });
  // enrollment.csv and payments.csv hashed as they were read; the small files here.
  const inputs: PartJobFile['inputs'] = result.reports.map((r) => ({ file: r.file, bytes: r.bytes, sha256: r.sha256 }));
  for (const file of PART_INPUTS.slice(inputs.length)) inputs.push(await inputHash(dataDir, file));
  const job: PartJobFile = {
    format: PART_JOB_FORMAT, part: o.part, parts: o.parts, code: dataStageCodeDigest(),
    inputs,
    result: { ...result, spill: { ...result.spill, dir: relative(partDir, result.spill.dir) } },
  };
  writeFileSync(join(partDir, PART_FILE), JSON.stringify(job));
  const rows = result.villages.reduce((n, v) => n + v.rows, 0);
  o.log(`数据分片 ${o.part}/${o.parts}：${result.villages.length} 个村（社区）年度，${rows} 行缴费记录${result.errors ? `；${result.errors} 处错误` : ''}${result.warnings ? `；${result.warnings} 条提示` : ''}，见 ${partDir}`);
  if (result.errors) {
    for (const issue of [...result.shown].sort(compareIssues)) o.log(formatIssue(issue));
    o.log(`完整问题清单：${reportFile}（合并各分片时一并列出，本次不发布）`);
  }
  return { errors: result.errors, warnings: result.warnings };
}

/** The part jobs' folders under `partsDir` (each subfolder with a part.json), in part order; every part exactly once. */
function readPartJobs(partsDir: string): Array<{ dir: string; job: PartJobFile }> {
  const fail = (problem: string): never => {
    throw new Error(`数据分片（${partsDir}）不能合并：${problem}`);
  };
  const jobs = readJobFolders<PartJobFile>(partsDir, PART_JOB, fail).map(({ dir, job }) => {
    if (!Number.isInteger(job.parts) || !Number.isInteger(job.part) || job.part < 0 || job.part >= job.parts || job.result?.spill?.dir !== `.lookup-spill-${job.part}`) {
      fail(`${join(dir, PART_FILE)} 的内容不是数据分片的结果：请重新运行这个分片`);
    }
    return { dir, job };
  }).sort((a, b) => a.job.part - b.job.part);
  const first = jobs[0]!.job;
  for (const { dir, job } of jobs) {
    if (job.format !== PART_JOB_FORMAT) fail(`${dir} 的格式版本是 ${job.format}，应为 ${PART_JOB_FORMAT}：用同一版本的程序重新运行该分片`);
    if (job.code !== dataStageCodeDigest()) fail(`${dir} 由另一版本的程序（或另一版本的 Node）生成：所有分片和合并须用同一版本运行`);
    if (job.parts !== first.parts) fail(`${dir} 是 ${job.part}/${job.parts}，其他分片分成 ${first.parts} 份`);
    if (JSON.stringify(job.inputs) !== JSON.stringify(first.inputs)) fail(`${dir} 读取的导出文件与分片 ${first.part}/${first.parts} 的不同（大小或 SHA-256）`);
  }
  const missing = Array.from({ length: first.parts }, (_, k) => k).filter((k) => !jobs.some((j) => j.job.part === k));
  if (missing.length) fail(`缺少分片 ${missing.map((k) => `${k}/${first.parts}`).join('、')}`);
  if (jobs.length !== first.parts) fail(`共有 ${first.parts} 个分片，但找到 ${jobs.length} 个文件夹（有分片重复）`);
  return jobs;
}

/**
 * Stops the merge unless the part jobs read the very files of this export (size and SHA-256).
 * A file of `known` that still has its size is not hashed again.
 */
async function checkPartInputs(jobs: ReadonlyArray<{ job: PartJobFile }>, dataDir: string, known: readonly InputHash[]): Promise<void> {
  const recorded = jobs[0]!.job.inputs;
  if (JSON.stringify(recorded.map((i) => i.file)) !== JSON.stringify(PART_INPUTS)) throw new Error(`数据分片记录的导出文件不全：用这个导出重新运行所有分片`);
  for (const input of recorded) {
    const path = join(dataDir, input.file);
    const fresh = known.find((k) => k.file === input.file);
    const actual = fresh && fresh.bytes >= 0 && existsSync(path) && statSync(path).size === fresh.bytes ? fresh : await inputHash(dataDir, input.file);
    if (actual.bytes !== input.bytes || actual.sha256 !== input.sha256) {
      throw new Error(`数据分片读取的 ${input.file} 与 ${dataDir} 中的不同（大小或 SHA-256）：用这个导出重新运行所有分片`);
    }
  }
}

/**
 * Takes a part job's output into the data stage's output folder: its village and 未到账
 * files are moved in (renamed; copied across file systems), its problems copied to
 * `reportFile`. Its spill stays in the part's folder until the lookup stage removes it; with
 * lookup jobs (`needsSpill` false) the spill is not read, and may have been left behind.
 */
function adoptPartJob(dir: string, job: PartJobFile, tmpDir: string, reportFile: string, needsSpill: boolean): PartResult {
  // Marked first: if this merge fails, the folder is refused next time instead of giving no rows.
  renameSync(join(dir, PART_FILE), join(dir, USED_PART_FILE));
  const spill = join(dir, job.result.spill.dir);
  if ((job.result.villages.length && !existsSync(join(dir, 'rows')) && job.result.errors === 0) || (needsSpill && job.result.spill.records && !existsSync(spill))) {
    throw new Error(`数据分片 ${dir} 的文件不全：请重新运行这个分片`);
  }
  for (const sub of ['rows', 'pending']) if (existsSync(join(dir, sub))) moveTree(join(dir, sub), join(tmpDir, sub));
  if (existsSync(join(dir, PART_ISSUES))) copyFileSync(join(dir, PART_ISSUES), reportFile);
  return { ...job.result, spill: { ...job.result.spill, dir: spill } };
}

/** Moves every file of `src` into `dst`, merging folders; two parts never write the same file. */
function moveTree(src: string, dst: string): void {
  if (!existsSync(dst)) {
    try {
      renameSync(src, dst);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    }
  }
  mkdirSync(dst, { recursive: true });
  for (const e of readdirSync(src, { withFileTypes: true })) {
    const from = join(src, e.name);
    const to = join(dst, e.name);
    if (e.isDirectory()) moveTree(from, to);
    else if (existsSync(to)) throw new Error(`两个数据分片都写了 ${to}：分片重叠，请重新运行所有分片`);
    else {
      try {
        renameSync(from, to);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        copyFileSync(from, to);
        rmSync(from);
      }
    }
  }
}

/** A kind of job folder: its result file, what that file becomes once merged, and its name in messages. */
interface JobKind {
  file: string;
  usedFile: string;
  /** "数据分片" or "查询分片". */
  name: string;
}

const PART_JOB: JobKind = { file: PART_FILE, usedFile: USED_PART_FILE, name: '数据分片' };

/**
 * Empties a job's `--out` folder for a new run. Only a folder of the same kind of job (or an
 * empty one) is replaced: a wrong --out must not delete anything else.
 */
function resetJobFolder(dir: string, kind: JobKind): void {
  if (existsSync(dir) && readdirSync(dir).length && !existsSync(join(dir, kind.file)) && !existsSync(join(dir, kind.usedFile))) {
    throw new Error(`${dir} 不是空文件夹，也不是${kind.name}的文件夹：请指定新的 --out`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/**
 * The result file of each job folder under `jobsDir`, parsed (its content is the caller's to
 * check). Stops, through `fail`, on a folder a merge has used, an unfinished or unreadable
 * one, or when there is none.
 */
function readJobFolders<T>(jobsDir: string, kind: JobKind, fail: (problem: string) => never): Array<{ dir: string; job: T }> {
  if (!existsSync(jobsDir)) fail('文件夹不存在');
  const jobs = readdirSync(jobsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => {
    const dir = join(jobsDir, e.name);
    const file = join(dir, kind.file);
    if (existsSync(join(dir, kind.usedFile))) fail(`${dir} 已被一次合并用过（其文件已移走）：请重新运行这个${kind.name}`);
    if (!existsSync(file)) fail(`${dir} 中没有 ${kind.file}：它不是${kind.name}的文件夹，或这个${kind.name}没有运行完（请重新运行它，或把该文件夹移出 ${jobsDir}）`);
    let job: T | null = null;
    try {
      job = JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      fail(`${file} 不完整或已损坏：请重新运行这个${kind.name}`);
    }
    if (!job || typeof job !== 'object') fail(`${file} 的内容不是${kind.name}的结果：请重新运行这个${kind.name}`);
    return { dir, job: job! };
  });
  if (!jobs.length) fail(`其中没有${kind.name}文件夹`);
  return jobs;
}

// ---- lookup jobs (several machines) -------------------------------------------------

/** A lookup job's result file in its folder, written last: a folder without it is not a finished lookup job. */
const LOOKUP_FILE = 'lookup-job.json';
/** What {@link LOOKUP_FILE} is renamed to when a merge starts taking the job's shards. */
const USED_LOOKUP_FILE = 'lookup-job.used.json';
/** Format of {@link LookupJobFile}. */
const LOOKUP_JOB_FORMAT = 1;
const LOOKUP_JOB: JobKind = { file: LOOKUP_FILE, usedFile: USED_LOOKUP_FILE, name: '查询分片' };

/** What a lookup job leaves for the merge. */
export interface LookupJobFile {
  format: number;
  lookup: number;
  lookups: number;
  /** The data stage's code digest: the parts, the lookup jobs and the merge must run the same. */
  code: string;
  /** The export files the parts read (their part.json's `inputs`). */
  inputs: PartJobFile['inputs'];
  /** How many parts it read, their spilled records, and the shards' prefix length that follows. */
  parts: number;
  records: number;
  prefixLength: number;
  /** Its buckets: from the first to the one after the last. */
  from: number;
  to: number;
  /** What its threads found, one result per range they read. */
  results: BucketRangeResult[];
}

/**
 * A lookup job (`node scripts/build-data.ts --lookup k/n --parts DIR --out DIR`): range k of
 * n of the spill's buckets, read from every part job's spill (only that range's bucket
 * files), as the data stage's lookup threads read theirs. Its folder holds the shards of its
 * range (`lookup/s/`) and `lookup-job.json`: the 两头缴 it found, and what it read. The
 * merge (`--parts DIR --lookups DIR`) takes these instead of reading the spills; its
 * machine then needs no spill. The parts must be finished, without problems, and not yet
 * merged; `dataDir` gives regions.csv (the place names), the very file the parts read.
 */
export async function runLookupJob(o: { dataDir: string; partsDir: string; lookupDir: string; lookup: number; lookups: number; log: (line: string) => void }): Promise<void> {
  const dataDir = resolve(o.dataDir);
  const lookupDir = resolve(o.lookupDir);
  const parts = readPartJobs(resolve(o.partsDir));
  const errors = parts.reduce((n, p) => n + p.job.result.errors, 0);
  if (errors) throw new Error(`数据分片共有 ${errors} 处错误，这次导出不会发布：改正导出后重新运行所有分片，再运行查询分片`);
  const inputs = parts[0]!.job.inputs;
  const regions = inputs.find((i) => i.file === FILES.regions.file);
  const actual = await inputHash(dataDir, FILES.regions.file);
  if (!regions || actual.bytes < 0 || actual.bytes !== regions.bytes || actual.sha256 !== regions.sha256) {
    throw new Error(`${join(dataDir, FILES.regions.file)} 与数据分片读取的 ${FILES.regions.file} 不同（或不存在）：--data 应为数据分片所用的导出文件夹`);
  }
  const spills = parts.map(({ dir, job }): SpillInfo => ({ dir: join(dir, job.result.spill.dir), records: job.result.spill.records }));
  for (const spill of spills) {
    if (spill.records && !existsSync(spill.dir)) throw new Error(`${spill.dir} 不存在：查询分片要读取每个数据分片的 .lookup-spill-k 文件夹`);
  }
  resetJobFolder(lookupDir, LOOKUP_JOB);
  const records = spills.reduce((n, p) => n + p.records, 0);
  const prefixLength = prefixLengthFor(records);
  // More jobs than units of buckets: the last ones have none.
  const [from, to] = bucketRanges(prefixLength, o.lookups)[o.lookup] ?? [SPILL_BUCKETS, SPILL_BUCKETS];
  const results = await readBucketRanges({ outDir: lookupDir, spills, prefixLength, regions: await readRegionMap(dataDir) }, bucketRanges(prefixLength, defaultJobs(), from, to));
  const job: LookupJobFile = { format: LOOKUP_JOB_FORMAT, lookup: o.lookup, lookups: o.lookups, code: dataStageCodeDigest(), inputs, parts: parts.length, records, prefixLength, from, to, results };
  writeFileSync(join(lookupDir, LOOKUP_FILE), JSON.stringify(job));
  const persons = results.reduce((n, r) => n + r.persons, 0);
  const read = results.reduce((n, r) => n + r.records, 0);
  o.log(`查询分片 ${o.lookup}/${o.lookups}：${from < to ? `第 ${from}–${to - 1} 桶（共 ${SPILL_BUCKETS} 桶）` : '没有桶'}，${persons} 人、${read} 条记录，见 ${lookupDir}`);
}

/**
 * The lookup jobs' folders under `lookupsDir`, in job order, checked against the parts they
 * must have read: every job exactly once, the same code, the same parts (inputs, count,
 * records), and ranges that cover every bucket once.
 */
function readLookupJobs(lookupsDir: string, parts: ReadonlyArray<{ job: PartJobFile }>): Array<{ dir: string; job: LookupJobFile }> {
  const fail = (problem: string): never => {
    throw new Error(`查询分片（${lookupsDir}）不能合并：${problem}`);
  };
  const jobs = readJobFolders<LookupJobFile>(lookupsDir, LOOKUP_JOB, fail).map(({ dir, job }) => {
    if (job.format !== LOOKUP_JOB_FORMAT || !Number.isInteger(job.lookup) || !Array.isArray(job.results)) fail(`${join(dir, LOOKUP_FILE)} 不是这一版本的查询分片结果：请重新运行这个查询分片`);
    return { dir, job };
  }).sort((a, b) => a.job.lookup - b.job.lookup);
  const n = jobs[0]!.job.lookups;
  const records = parts.reduce((sum, p) => sum + p.job.result.spill.records, 0);
  const inputs = JSON.stringify(parts[0]!.job.inputs);
  let next = 0;
  for (const { dir, job } of jobs) {
    if (job.code !== dataStageCodeDigest()) fail(`${dir} 由另一版本的程序（或另一版本的 Node）生成：所有分片和合并须用同一版本运行`);
    if (job.lookups !== n) fail(`${dir} 是 ${job.lookup}/${job.lookups}，其他查询分片分成 ${n} 份`);
    if (JSON.stringify(job.inputs) !== inputs || job.parts !== parts.length || job.records !== records || job.prefixLength !== prefixLengthFor(records)) {
      fail(`${dir} 读取的不是这些数据分片（导出文件、分片数或记录数不同）：用这些数据分片重新运行所有查询分片`);
    }
    if (job.lookup !== next) fail(job.lookup < next ? `查询分片 ${job.lookup}/${n} 重复` : `缺少查询分片 ${next}/${n}`);
    next++;
  }
  if (next !== n) fail(`缺少查询分片 ${Array.from({ length: n - next }, (_, i) => `${next + i}/${n}`).join('、')}`);
  // Same n, same records: the same ranges, unless a folder was edited.
  const ranges = bucketRanges(jobs[0]!.job.prefixLength, n);
  for (const { dir, job } of jobs) {
    const [from, to] = ranges[job.lookup] ?? [SPILL_BUCKETS, SPILL_BUCKETS];
    if (job.from !== from || job.to !== to) fail(`${dir} 的桶范围（${job.from}–${job.to}）不对：请重新运行这个查询分片`);
  }
  const expected = shardPrefixes(jobs[0]!.job.prefixLength).length;
  const found = jobs.reduce((sum, { dir }) => sum + (existsSync(join(dir, 'lookup', 's')) ? readdirSync(join(dir, 'lookup', 's')).length : 0), 0);
  if (found !== expected) fail(`查询分片的文件不全：应有 ${expected} 个查询文件，找到 ${found} 个。请重新运行所有查询分片`);
  return jobs;
}

/**
 * Takes the lookup jobs' shards into the data stage's output (moved; copied across file
 * systems) and returns their results (checked by {@link readLookupJobs}). Each job's file
 * is renamed first, so a merge that fails halfway cannot be followed by one that finds
 * shards missing.
 */
function adoptLookupJobs(jobs: ReadonlyArray<{ dir: string; job: LookupJobFile }>, tmpDir: string): BucketRangeResult[] {
  for (const { dir } of jobs) renameSync(join(dir, LOOKUP_FILE), join(dir, USED_LOOKUP_FILE));
  const shardDir = join(tmpDir, 'lookup', 's');
  mkdirSync(dirname(shardDir), { recursive: true });
  for (const { dir } of jobs) if (existsSync(join(dir, 'lookup', 's'))) moveTree(join(dir, 'lookup', 's'), shardDir);
  return jobs.flatMap(({ job }) => job.results);
}

/** `k/n` of a `--part` or `--lookup` flag. */
function parseJobSpec(flag: string, value: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!(n >= 1 && k >= 0 && k < n)) throw new Error(`${flag} 应为 k/n（0 ≤ k < n），而不是 "${value}"`);
  return { k, n };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' }, part: { type: 'string' }, parts: { type: 'string' }, lookup: { type: 'string' }, lookups: { type: 'string' } } });
  const dataDir = resolve(values.data ?? process.env.DATA_DIR ?? 'data/sample');
  const log = (l: string): void => console.log(l);
  if (values.part !== undefined) {
    const { k, n } = parseJobSpec('--part', values.part);
    if (!values.out) throw new Error('--part 需要 --out：这个分片的输出文件夹');
    const { errors } = await runPartJob({ dataDir, partDir: values.out, part: k, parts: n, log });
    process.exitCode = errors ? 1 : 0;
  } else if (values.lookup !== undefined) {
    const { k, n } = parseJobSpec('--lookup', values.lookup);
    if (!values.out || !values.parts) throw new Error('--lookup 需要 --parts（数据分片的文件夹）和 --out（这个查询分片的输出文件夹）');
    await runLookupJob({ dataDir, partsDir: values.parts, lookupDir: values.out, lookup: k, lookups: n, log });
  } else {
    const outDir = resolve(values.out ?? process.env.SITE_DATA_DIR ?? '.data');
    const result = await runDataStage({ dataDir, outDir, reportFile: resolve('reports/data-issues.txt'), log, partsDir: values.parts, lookupsDir: values.lookups });
    process.exitCode = result.ok ? 0 : 1;
  }
}
