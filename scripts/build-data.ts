/**
 * The data stage: reads an export folder (DATA_DIR), validates every file, and writes
 * the per-region files pages read. Any invalid row stops it with the full list of
 * problems; the previous output is only replaced when everything succeeded.
 *
 *   node scripts/build-data.ts [--data DIR] [--out DIR]
 *   node scripts/build-data.ts --data DIR --part k/n --out PART_DIR   part k of n, a job of its own
 *   node scripts/build-data.ts --data DIR --parts DIR [--out DIR]     merge the part jobs' folders in DIR
 *
 * Part jobs can run on several machines (see runPartJob); the merge publishes the same
 * files as the data stage in one process.
 */
import { createHash } from 'node:crypto';
import { createReadStream, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FILES, SiteConfigSchema, type EnrollmentCells, type PaymentCells, type RegionCells, type SiteConfig } from '../src/lib/contract.ts';
import { compareIssues, formatIssue, makeIssue, type Issue } from '../src/lib/issues.ts';
import { ingestFile, type FileReport } from '../src/lib/ingest.ts';
import { buildRegions, type Region } from '../src/lib/regions.ts';
import { checkEnrollment, checkPayment } from '../src/lib/checks.ts';
import { VillageAccumulator, rollUp, type RegionYearStats } from '../src/lib/aggregate.ts';
import { partOf } from '../src/lib/parts.ts';
import { ContentHasher } from '../src/lib/integrity.ts';
import { childSummary, csvText, publicCells, writtenRow, type NoticeHashes, type PublishedRegion, type SiteMeta, type StatsFile } from '../src/lib/publish.ts';
import { dataStageCodeDigest } from './data-cache.ts';
import { LookupStage, type SpillInfo } from './lookup-stage.ts';
import { fileSha256 } from './site-index.ts';
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
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
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
  try {
    const partJobs = opts.partsDir ? readPartJobs(resolve(opts.partsDir)) : null;
    parts = partJobs ? partJobs.length : Math.max(1, opts.parts ?? defaultParts(dataDir));
    if (partJobs) {
      await checkPartInputs(partJobs, dataDir);
      results = partJobs.map(({ dir, job }) => adoptPartJob(dir, job, tmpDir, partOpts(job.part).reportFile));
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
  const found = await new LookupStage(tmpDir, byCode).finish(config.lookup ?? null, results.map((r) => r.spill));
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
  /** `quiet`: read for this thread's own use, problems reported by the main thread. */
  async function ingest<T>(spec: (typeof FILES)[keyof typeof FILES], onRecord: (r: T, line: number) => void, check?: Parameters<typeof ingestFile<T>>[0]['check'], quiet = false): Promise<void> {
    const path = join(dataDir, spec.file);
    if (!existsSync(path)) return; // reported by the main thread
    const hash = (part === 0 || o.hashInputs) && !quiet ? createHash('sha256') : null;
    const bytes = hash ? hashedStream(path, hash) : (createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>);
    const report = await ingestFile<T>({ file: spec.file, bytes, fields: spec.fields, onRecord, onIssue: quiet ? () => {} : onIssue, check, take: quiet ? undefined : take, fileIssues: !quiet && part === 0 });
    if (!quiet) reports.push({ ...report, sha256: hash?.digest('hex') ?? '', bytes: statSync(path).size });
  }

  // Regions again, for this thread's checks.
  const regionRows: Array<RegionCells & { line: number }> = [];
  await ingest<RegionCells>(FILES.regions, (r, line) => regionRows.push({ ...r, line }), undefined, true);
  const byCode = new Map<string, Region>(buildRegions(FILES.regions.file, regionRows).regions.map((r) => [r.code, r]));

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
  inputs: Array<{ file: string; bytes: number; sha256: string }>;
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
  // Only a part's own folder is replaced: a wrong --out must not delete anything else.
  if (existsSync(partDir) && readdirSync(partDir).length && !existsSync(join(partDir, PART_FILE)) && !existsSync(join(partDir, USED_PART_FILE))) {
    throw new Error(`${partDir} 不是空文件夹，也不是数据分片的文件夹：请指定新的 --out`);
  }
  rmSync(partDir, { recursive: true, force: true });
  mkdirSync(partDir, { recursive: true });
  const config = readSiteConfig(dataDir, () => {});
  const reportFile = join(partDir, PART_ISSUES);
  const result = await ingestPart({ dataDir, tmpDir: partDir, config, part: o.part, parts: o.parts, reportFile, hashInputs: true });
  // enrollment.csv and payments.csv hashed as they were read; the small files here.
  const inputs: PartJobFile['inputs'] = result.reports.map((r) => ({ file: r.file, bytes: r.bytes, sha256: r.sha256 }));
  for (const file of PART_INPUTS.slice(inputs.length)) {
    const path = join(dataDir, file);
    inputs.push(existsSync(path) ? { file, bytes: statSync(path).size, sha256: await fileSha256(path) } : { file, bytes: -1, sha256: 'missing' });
  }
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
  if (!existsSync(partsDir)) fail('文件夹不存在');
  const found = readdirSync(partsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(partsDir, e.name));
  const jobs = found.map((dir) => {
    const file = join(dir, PART_FILE);
    if (existsSync(join(dir, USED_PART_FILE))) fail(`${dir} 已被一次合并用过（其文件已移走）：请重新运行这个分片`);
    if (!existsSync(file)) fail(`${dir} 中没有 ${PART_FILE}：它不是数据分片的文件夹，或这个分片没有运行完（请重新运行它，或把该文件夹移出 ${partsDir}）`);
    let job: PartJobFile | null = null;
    try {
      job = JSON.parse(readFileSync(file, 'utf8')) as PartJobFile;
    } catch {
      fail(`${file} 不完整或已损坏：请重新运行这个分片`);
    }
    if (!job || !Number.isInteger(job.parts) || !Number.isInteger(job.part) || job.part < 0 || job.part >= job.parts || job.result?.spill?.dir !== `.lookup-spill-${job.part}`) {
      fail(`${file} 的内容不是数据分片的结果：请重新运行这个分片`);
    }
    return { dir, job: job! };
  }).sort((a, b) => a.job.part - b.job.part);
  if (!jobs.length) fail('其中没有分片文件夹');
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

/** Stops the merge unless the part jobs read the very files of this export (size and SHA-256). */
async function checkPartInputs(jobs: ReadonlyArray<{ job: PartJobFile }>, dataDir: string): Promise<void> {
  const recorded = jobs[0]!.job.inputs;
  if (JSON.stringify(recorded.map((i) => i.file)) !== JSON.stringify(PART_INPUTS)) throw new Error(`数据分片记录的导出文件不全：用这个导出重新运行所有分片`);
  for (const input of recorded) {
    const path = join(dataDir, input.file);
    const actual = existsSync(path) ? { bytes: statSync(path).size, sha256: await fileSha256(path) } : { bytes: -1, sha256: 'missing' };
    if (actual.bytes !== input.bytes || actual.sha256 !== input.sha256) {
      throw new Error(`数据分片读取的 ${input.file} 与 ${dataDir} 中的不同（大小或 SHA-256）：用这个导出重新运行所有分片`);
    }
  }
}

/**
 * Takes a part job's output into the data stage's output folder: its village and 未到账
 * files are moved in (renamed; copied across file systems), its problems copied to
 * `reportFile`. Its spill stays in the part's folder until the lookup stage removes it.
 */
function adoptPartJob(dir: string, job: PartJobFile, tmpDir: string, reportFile: string): PartResult {
  // Marked first: if this merge fails, the folder is refused next time instead of giving no rows.
  renameSync(join(dir, PART_FILE), join(dir, USED_PART_FILE));
  const spill = join(dir, job.result.spill.dir);
  if ((job.result.villages.length && !existsSync(join(dir, 'rows')) && job.result.errors === 0) || (job.result.spill.records && !existsSync(spill))) {
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

if (import.meta.main) {
  const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' }, part: { type: 'string' }, parts: { type: 'string' } } });
  const dataDir = resolve(values.data ?? process.env.DATA_DIR ?? 'data/sample');
  const log = (l: string): void => console.log(l);
  if (values.part !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.part);
    const part = m ? Number(m[1]) : NaN;
    const parts = m ? Number(m[2]) : NaN;
    if (!(parts >= 1 && part >= 0 && part < parts)) throw new Error(`--part 应为 k/n（0 ≤ k < n），而不是 "${values.part}"`);
    if (!values.out) throw new Error('--part 需要 --out：这个分片的输出文件夹');
    const { errors } = await runPartJob({ dataDir, partDir: values.out, part, parts, log });
    process.exitCode = errors ? 1 : 0;
  } else {
    const outDir = resolve(values.out ?? process.env.SITE_DATA_DIR ?? '.data');
    const result = await runDataStage({ dataDir, outDir, reportFile: resolve('reports/data-issues.txt'), log, partsDir: values.parts });
    process.exitCode = result.ok ? 0 : 1;
  }
}
