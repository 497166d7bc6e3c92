/**
 * `npm run anonymize`: turns a raw export (full names, full ID numbers, perhaps phone
 * columns; GB18030 or UTF-8) into the public payments.csv of the data contract, before
 * anything is published: names and IDs masked with the one scheme, a lookup token
 * (`查询码`) per person, every column outside the contract dropped.
 *
 *   npm run anonymize -- raw.csv --out /path/to/export
 *
 * The export folder's site.json holds the site's public lookup salt (`lookup.salt`,
 * `lookup.iterations`); when it has none, one is created and written there on success.
 * Nothing is written when any row is wrong or any raw value would survive (the guard in
 * src/lib/anonymize.ts); no name, ID or phone number is ever printed.
 *
 * The key derivation runs on Node's libuv thread pool (Web Crypto jobs are asynchronous),
 * so both cores work without worker threads; parsing waits while too many rows are in flight.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { completeRow, findSurvivingRawData, OUTPUT_HEADERS, planColumns, prepareRow, type PreparedRow, type RawLayout } from '../src/lib/anonymize.ts';
import { parseCsv } from '../src/lib/csv.ts';
import { decodeChunks, EncodingError, READ_CHUNK_BYTES } from '../src/lib/encoding.ts';
import { compareIssues, formatIssue, makeIssue, type Issue } from '../src/lib/issues.ts';
import { redact } from '../src/lib/mask.ts';
import { DEFAULT_ITERATIONS, deriveTokenNormalized, MIN_ITERATIONS, newSalt, SALT_PATTERN, type TokenParams } from '../src/lib/token.ts';

/** Options of {@link runAnonymize}. */
export interface AnonymizeOptions {
  /** The raw export file. */
  input: string;
  /** The export folder: payments.csv is written here, site.json read (and given a salt if it has none). */
  outDir: string;
  /** Full issue list, one per line. */
  reportFile: string;
  log: (line: string) => void;
  /** Rows whose tokens may be computed at once (bounds memory; keeps the thread pool busy). */
  inFlight?: number;
}

/** Result of an anonymize run. */
export interface AnonymizeResult {
  ok: boolean;
  /** Data rows read (header and blank lines excluded). */
  read: number;
  written: number;
  errors: number;
  warnings: number;
  seconds: number;
  params: TokenParams | null;
}

const CONSOLE_ISSUES = 100;

/** Reads site.json of the export folder and its lookup parameters; creates a salt when there is none. */
function loadParams(outDir: string, onIssue: (i: Issue) => void): { params: TokenParams; site: Record<string, unknown>; created: boolean } | null {
  const path = join(outDir, 'site.json');
  let site: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      site = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
    } catch (err) {
      onIssue(makeIssue({ file: 'site.json', line: 0, column: '', problem: `不是有效的 JSON：${(err as Error).message}`, expected: 'JSON 格式的站点配置', fix: '检查逗号、引号和括号是否成对' }));
      return null;
    }
  }
  const lookup = (site.lookup ?? {}) as { salt?: unknown; iterations?: unknown };
  const iterations = lookup.iterations ?? DEFAULT_ITERATIONS;
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < MIN_ITERATIONS) {
    onIssue(makeIssue({ file: 'site.json', line: 0, column: 'lookup.iterations', value: String(iterations), problem: '查询码的计算强度不对', expected: `不小于 ${MIN_ITERATIONS} 的整数（默认 ${DEFAULT_ITERATIONS}）`, fix: '删除该项使用默认值' }));
    return null;
  }
  if (lookup.salt === undefined) return { params: { salt: newSalt(), iterations }, site, created: true };
  if (typeof lookup.salt !== 'string' || !SALT_PATTERN.test(lookup.salt)) {
    onIssue(makeIssue({ file: 'site.json', line: 0, column: 'lookup.salt', problem: '查询盐值格式不对', expected: '32 至 64 位小写十六进制字符', fix: '不要手改盐值；如是新站点，删除该项，本命令会生成一个' }));
    return null;
  }
  return { params: { salt: lookup.salt, iterations }, site, created: false };
}

/** Runs the anonymizer; returns ok=false (after logging the problems, writing nothing) when the export cannot be published. */
export async function runAnonymize(opts: AnonymizeOptions): Promise<AnonymizeResult> {
  const t0 = performance.now();
  const { log } = opts;
  const input = resolve(opts.input);
  const outDir = resolve(opts.outDir);
  const outFile = join(outDir, 'payments.csv');
  const file = basename(input);
  const maxInFlight = opts.inFlight ?? 4096;
  mkdirSync(dirname(opts.reportFile), { recursive: true });
  writeFileSync(opts.reportFile, '');

  const shown: Issue[] = [];
  let errors = 0;
  let warnings = 0;
  let report: string[] = [];
  const flushReport = (): void => {
    if (report.length) writeFileSync(opts.reportFile, report.join('\n') + '\n', { flag: 'a' });
    report = [];
  };
  const onIssue = (issue: Issue): void => {
    if (issue.severity === 'error') errors++;
    else warnings++;
    if (shown.length < CONSOLE_ISSUES) shown.push(issue);
    report.push(formatIssue(issue));
    if (report.length >= 10_000) flushReport();
  };
  const result = (ok: boolean, params: TokenParams | null, read = 0, written = 0): AnonymizeResult => ({ ok, read, written, errors, warnings, seconds: (performance.now() - t0) / 1000, params });

  if (!existsSync(input)) {
    onIssue(makeIssue({ file, line: 0, column: '', problem: `找不到原始导出文件 ${input}`, expected: '原始导出的 CSV 文件', fix: '检查文件路径' }));
  } else if (input === outFile) {
    onIssue(makeIssue({ file, line: 0, column: '', problem: '输入和输出是同一个文件', expected: '原始导出放在导出文件夹之外', fix: '把原始导出移到别处（它含完整身份证号，不要放进发布用的文件夹）' }));
  }
  mkdirSync(outDir, { recursive: true });
  const loaded = errors ? null : loadParams(outDir, onIssue);
  if (!loaded) return finish(false);
  const { params } = loaded;

  const tmp = `${outFile}.anonymize-${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  let outError: Error | null = null;
  out.on('error', (err) => (outError = err));
  out.write('\uFEFF' + OUTPUT_HEADERS.join(',') + '\n');

  let layout: RawLayout | null = null;
  let read = 0;
  let rejected = 0;
  let written = 0;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  let chain: Promise<void> = Promise.resolve();

  /** Holds the parser back while too many rows wait for their tokens: memory stays bounded at any file size. */
  async function* gated(chunks: AsyncIterable<string>): AsyncGenerator<string> {
    for await (const chunk of chunks) {
      while (inFlight >= maxInFlight && !outError) await new Promise<void>((r) => (wake = r));
      yield chunk;
    }
  }

  const onRows = (rows: { line: number; fields: string[] }[]): void => {
    const batch: PreparedRow[] = [];
    for (const row of rows) {
      if (!layout) {
        const planned = planColumns(file, row.fields);
        planned.issues.forEach(onIssue);
        layout = planned.layout;
        if (errors) throw new HeaderError();
        continue;
      }
      read++;
      const prepared = prepareRow(layout, row.fields, row.line);
      if (Array.isArray(prepared)) {
        rejected++;
        prepared.forEach(onIssue);
      } else if (!errors) batch.push(prepared);
    }
    if (!batch.length || errors) return;
    inFlight += batch.length;
    const tokens = Promise.all(batch.map((r) => deriveTokenNormalized(r.id, r.name, params)));
    tokens.catch(() => {}); // awaited in order by the chain below; a failure surfaces there, not as an unhandled rejection
    chain = chain.then(async () => {
      const list = await tokens;
      const lines: string[][] = [];
      batch.forEach((r, i) => {
        const cells = completeRow(r, list[i]!);
        const found = findSurvivingRawData(file, r, cells);
        if (found.length) {
          rejected++;
          found.forEach(onIssue);
        } else lines.push(cells);
      });
      inFlight -= batch.length;
      wake?.();
      wake = null;
      if (errors) return; // nothing more is written; the temp file is removed below
      written += lines.length;
      if (lines.length && !out.write(Papa.unparse(lines, { newline: '\n' }) + '\n')) await once(out, 'drain');
    });
  };

  try {
    await parseCsv(gated(decodeChunks(createReadStream(input, { highWaterMark: READ_CHUNK_BYTES }))), onRows).then((summary) => {
      for (const p of summary.problems) onIssue(makeIssue({ file, line: p.line, column: '', problem: p.code === 'MissingQuotes' ? '引号没有闭合' : `CSV 格式错误（${p.code}）`, expected: '成对的英文双引号', fix: '检查该行的双引号：内容中的双引号要写成两个 ""' }));
    });
    await chain;
    if (!layout) onIssue(makeIssue({ file, line: 0, column: '', problem: '文件是空的', expected: '第一行为表头，其下为缴费记录', fix: '重新导出' }));
  } catch (err) {
    await chain.catch(() => {});
    if (err instanceof EncodingError) onIssue(makeIssue({ file, line: 0, column: '', problem: err.message, expected: 'UTF-8 或 GB18030 编码的 CSV 文件', fix: '在 Excel 中“另存为”CSV UTF-8（逗号分隔）' }));
    else if (!(err instanceof HeaderError)) {
      out.destroy();
      rmSync(tmp, { force: true });
      throw new Error(redact((err as Error).message));
    }
  }
  out.end();
  await once(out, 'close').catch(() => {});
  if (outError) throw new Error(`cannot write ${tmp}: ${(outError as Error).message}`);

  flushReport();
  log(`核对 ${file}：读取 ${read} 行 = 无误 ${read - rejected} 行 + 有误 ${rejected} 行`);
  if (errors) {
    rmSync(tmp, { force: true });
    return finish(false, read);
  }
  if (written !== read) {
    rmSync(tmp, { force: true });
    throw new Error(`reconciliation failed: ${read} rows read, ${written} written`);
  }
  renameSync(tmp, outFile);
  if (loaded.created) {
    const site = { ...loaded.site, lookup: { salt: params.salt, iterations: params.iterations } };
    writeFileSync(join(outDir, 'site.json'), JSON.stringify(site, null, 2) + '\n');
    log(`已生成本站的查询盐值，写入 ${join(outDir, 'site.json')}（lookup.salt）。以后每次导出都要沿用同一个 site.json，否则居民的查询码会全部改变。`);
  }
  const res = result(true, params, read, written);
  log(`已写出 ${outFile}：${written} 行，姓名和身份证号已脱敏，查询码强度 PBKDF2-SHA256 ${params.iterations} 次；用时 ${res.seconds.toFixed(1)} 秒（${Math.round(written / Math.max(res.seconds, 1e-3))} 行/秒）。`);
  if (warnings) log(`${warnings} 条提示（如被去掉的列）见 ${resolve(opts.reportFile)}`);
  return res;

  function finish(ok: boolean, readRows = 0): AnonymizeResult {
    flushReport();
    shown.sort(compareIssues);
    for (const issue of shown) log(formatIssue(issue));
    if (errors + warnings > shown.length) log(`……另有 ${errors + warnings - shown.length} 条未在此列出`);
    log(`原始导出有 ${errors} 处错误，未写出任何文件。完整问题清单（姓名、身份证号均已脱敏）：${resolve(opts.reportFile)}`);
    return result(ok, loaded?.params ?? null, readRows, 0);
  }
}

/** Stops the parse at a header that cannot be mapped (its issues are already reported). */
class HeaderError extends Error {}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { in: { type: 'string' }, out: { type: 'string' }, report: { type: 'string' } } });
  const input = values.in ?? positionals[0];
  if (!input || !values.out) {
    console.error('用法：npm run anonymize -- 原始导出.csv --out 导出文件夹\n（写出 导出文件夹/payments.csv；查询盐值保存在 导出文件夹/site.json）');
    process.exitCode = 2;
  } else {
    try {
      const r = await runAnonymize({ input, outDir: values.out, reportFile: resolve(values.report ?? 'reports/anonymize-issues.txt'), log: (l) => console.log(l) });
      process.exitCode = r.ok ? 0 : 1;
    } catch (err) {
      console.error(redact(String((err as Error).stack ?? err)));
      process.exitCode = 1;
    }
  }
}
