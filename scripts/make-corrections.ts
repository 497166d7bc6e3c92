/**
 * Makes a history of two publications from the generated sample, for `npm run build`
 * without DATA_DIR: publication 1 is the sample as generated (id = its as-of date),
 * publication 2, 36 days later, corrects the latest coverage year the way a county does
 * after residents checked the notice board:
 *
 *   - 未到账 → 已到账: the payments the bank reconciliation found (all 未到账 rows of the
 *     three villages with the most, half of them in the next three);
 *   - 已到账 → 已退费: the later payment of two people who paid in two villages (两头缴);
 *   - a corrected amount: a 400-yuan payment of a person later recognised as 低保 (200 yuan);
 *   - one removed row (entered twice by mistake) and one added row (cash collected by the
 *     village agent and recorded late).
 *
 * Deterministic: choices follow from the data (counts, codes, 查询码, line order), never a
 * clock or random numbers. Regenerated only when the sample or this script changed.
 *
 *   node scripts/make-corrections.ts [--from data/sample] [--out data/sample-history]
 */
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import Papa from 'papaparse';
import { addDays } from '../src/lib/aggregate.ts';

/** Options of {@link makeCorrections}. */
export interface MakeCorrectionsOptions {
  /** The generated sample export. */
  from: string;
  /** The history folder to write (`publications/<id>/` inside). */
  out: string;
  log: (line: string) => void;
}

/** One correction made for publication 2, for the log and the tests. */
export interface PlannedCorrection {
  kind: 'credited' | 'refunded' | 'amount' | 'removed' | 'added';
  code: string;
  /** 0-based data line in payments.csv (for 'added': the line it follows). */
  line: number;
}

const FILES = ['regions.csv', 'enrollment.csv', 'payments.csv', 'site.json'] as const;
const STAMP = 'source.json';
/** Days between the two publications. */
const GAP_DAYS = 36;

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function* lines(path: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

function cellsOf(line: string): string[] {
  return line.includes('"') ? Papa.parse<string[]>(line, { header: false }).data[0] ?? [] : line.split(',');
}

/** Column indexes of the payments header (Chinese headers, as the sample writes them). */
function columns(header: string): Record<'year' | 'code' | 'name' | 'id' | 'amount' | 'paidOn' | 'channel' | 'status' | 'subsidy' | 'ageBand' | 'key', number> {
  const h = cellsOf(header.replace(/^\uFEFF/, ''));
  const at = (name: string): number => h.indexOf(name);
  const cols = { year: at('待遇年度'), code: at('区划代码'), name: at('姓名'), id: at('身份证号'), amount: at('缴费金额'), paidOn: at('缴费日期'), channel: at('缴费渠道'), status: at('到账状态'), subsidy: at('资助类别'), ageBand: at('年龄段'), key: at('查询码') };
  for (const k of ['year', 'code', 'name', 'id', 'amount', 'paidOn', 'channel', 'status'] as const) {
    if (cols[k] < 0) throw new Error(`payments.csv header has no ${k} column (Chinese headers expected): ${header}`);
  }
  return cols;
}

interface Row {
  line: number;
  code: string;
  status: string;
  amount: string;
  subsidy: string;
  key: string;
  paidOn: string;
  cells: string[];
}

/** Reads the latest coverage year's rows (the sample is ~250k rows a year) and plans the corrections. */
async function plan(payments: string): Promise<{ year: number; planned: PlannedCorrection[]; added: string[] | null; header: string }> {
  let header = '';
  let cols: ReturnType<typeof columns> | null = null;
  let year = 0;
  // First pass: the latest year.
  let i = -1;
  for await (const line of lines(payments)) {
    if (!cols) {
      header = line;
      cols = columns(line);
      continue;
    }
    i++;
    const y = Number(cellsOf(line)[cols.year]);
    if (y > year) year = y;
  }
  if (!cols || !year) throw new Error(`${payments} has no payment rows`);
  const c = cols;
  const byVillage = new Map<string, Row[]>();
  i = -1;
  let first = true;
  for await (const line of lines(payments)) {
    if (first) {
      first = false;
      continue;
    }
    i++;
    const cells = cellsOf(line);
    if (Number(cells[c.year]) !== year) continue;
    const row: Row = { line: i, code: cells[c.code]!, status: cells[c.status]!, amount: cells[c.amount]!, subsidy: c.subsidy >= 0 ? cells[c.subsidy] ?? '' : '', key: c.key >= 0 ? cells[c.key] ?? '' : '', paidOn: cells[c.paidOn]!, cells };
    const list = byVillage.get(row.code);
    if (list) list.push(row);
    else byVillage.set(row.code, [row]);
  }

  const planned: PlannedCorrection[] = [];
  const touched = new Set<string>();
  // 未到账 → 已到账: villages by number of 未到账 rows (most first, then code).
  const pending = [...byVillage].map(([code, rows]) => ({ code, rows: rows.filter((r) => r.status === '未到账') })).filter((v) => v.rows.length > 0);
  pending.sort((a, b) => b.rows.length - a.rows.length || (a.code < b.code ? -1 : 1));
  pending.slice(0, 6).forEach((v, k) => {
    const rows = k < 3 ? v.rows : v.rows.slice(0, Math.ceil(v.rows.length / 2));
    for (const r of rows) planned.push({ kind: 'credited', code: v.code, line: r.line });
    touched.add(v.code);
  });
  // 已到账 → 已退费: people (by 查询码) credited in two villages; the later payment is refunded.
  const byKey = new Map<string, Row[]>();
  for (const rows of byVillage.values()) for (const r of rows) if (r.key && r.status === '已到账') {
    const list = byKey.get(r.key);
    if (list) list.push(r);
    else byKey.set(r.key, [r]);
  }
  const twice = [...byKey].filter(([, rows]) => new Set(rows.map((r) => r.code)).size > 1).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [, rows] of twice) {
    if (planned.filter((p) => p.kind === 'refunded').length >= 2) break;
    const later = [...rows].sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : a.line - b.line)).at(-1)!;
    if (touched.has(later.code)) continue;
    planned.push({ kind: 'refunded', code: later.code, line: later.line });
    touched.add(later.code);
  }
  // One village each, spread over the county, for the amount, the removed and the added row.
  const codes = [...byVillage.keys()].sort();
  const pickVillage = (fraction: number, ok: (rows: Row[]) => boolean): string | null => {
    for (let k = 0; k < codes.length; k++) {
      const code = codes[(Math.floor(codes.length * fraction) + k) % codes.length]!;
      if (!touched.has(code) && ok(byVillage.get(code)!)) {
        touched.add(code);
        return code;
      }
    }
    return null;
  };
  const full = (r: Row): boolean => r.amount === '400.00' && r.status === '已到账' && r.subsidy === '';
  const amountVillage = pickVillage(0.1, (rows) => rows.some(full));
  if (amountVillage) planned.push({ kind: 'amount', code: amountVillage, line: byVillage.get(amountVillage)!.find(full)!.line });
  const removedVillage = pickVillage(0.4, (rows) => rows.length > 1);
  if (removedVillage) planned.push({ kind: 'removed', code: removedVillage, line: byVillage.get(removedVillage)!.at(-1)!.line });
  let added: string[] | null = null;
  const addedVillage = pickVillage(0.7, (rows) => rows.length > 0);
  if (addedVillage) {
    const rows = byVillage.get(addedVillage)!;
    const last = rows.at(-1)!;
    planned.push({ kind: 'added', code: addedVillage, line: last.line });
    const seed = createHash('sha256').update(`sample-history:${addedVillage}:${year}`).digest('hex');
    added = last.cells.map(() => '');
    const tail = String(parseInt(seed.slice(0, 6), 16) % 1000).padStart(3, '0') + String(parseInt(seed.slice(6, 8), 16) % 10);
    added[c.year] = String(year);
    added[c.code] = addedVillage;
    added[c.name] = '陈**';
    added[c.id] = `${last.cells[c.id]!.slice(0, 6)}********${tail}`;
    added[c.amount] = '400.00';
    added[c.paidOn] = `${year - 1}-12-30`;
    added[c.channel] = '村组代征';
    added[c.status] = '已到账';
    if (c.ageBand >= 0) added[c.ageBand] = '60+';
    if (c.key >= 0) added[c.key] = seed.slice(32, 64);
  }
  return { year, planned, added, header };
}

/** True when `out` already holds the history made from this sample by this script. */
function upToDate(out: string, stamp: string): boolean {
  try {
    return readFileSync(join(out, STAMP), 'utf8') === stamp;
  } catch {
    return false;
  }
}

/** Writes the two-publication history (see the module comment); returns the corrections made. */
export async function makeCorrections(opts: MakeCorrectionsOptions): Promise<{ ids: string[]; planned: PlannedCorrection[]; skipped: boolean }> {
  const from = resolve(opts.from);
  const out = resolve(opts.out);
  for (const f of ['regions.csv', 'enrollment.csv', 'payments.csv']) if (!existsSync(join(from, f))) throw new Error(`${from} has no ${f}: generate the sample first (npm run sample)`);
  const site = existsSync(join(from, 'site.json')) ? JSON.parse(readFileSync(join(from, 'site.json'), 'utf8')) as Record<string, unknown> : {};
  const stampData = {
    sources: Object.fromEntries(FILES.filter((f) => existsSync(join(from, f))).map((f) => [f, sha256File(join(from, f))])),
    script: sha256File(import.meta.filename),
  };
  const stamp = JSON.stringify(stampData, null, 1) + '\n';

  if (upToDate(out, stamp)) return { ids: readdirSync(join(out, 'publications')).sort(), planned: [], skipped: true };
  const { year, planned, added, header } = await plan(join(from, 'payments.csv'));
  const asOf1 = typeof site.asOf === 'string' ? site.asOf : `${year - 1}-12-31`;
  const id1 = asOf1;
  const id2 = addDays(asOf1, GAP_DAYS);

  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const dir1 = join(tmp, 'publications', id1);
  const dir2 = join(tmp, 'publications', id2);
  mkdirSync(dir1, { recursive: true });
  mkdirSync(dir2, { recursive: true });
  for (const f of FILES) if (existsSync(join(from, f))) copyFileSync(join(from, f), join(dir1, f));
  for (const f of ['regions.csv', 'enrollment.csv']) copyFileSync(join(from, f), join(dir2, f));
  writeFileSync(join(dir2, 'site.json'), JSON.stringify({ ...site, asOf: id2 }, null, 2) + '\n');

  // Second publication's payments: every line as it was, except the planned ones.
  const c = columns(header);
  const byLine = new Map(planned.map((p) => [p.line, p]));
  const outStream = createWriteStream(join(dir2, 'payments.csv'));
  const write = async (text: string): Promise<void> => {
    if (!outStream.write(text)) await once(outStream, 'drain');
  };
  const unparse = (cells: string[]): string => Papa.unparse([cells], { newline: '\n' });
  let i = -1;
  for await (const line of lines(join(from, 'payments.csv'))) {
    if (i++ < 0) {
      await write(line + '\n');
      continue;
    }
    const p = byLine.get(i - 1);
    if (!p) {
      await write(line + '\n');
      continue;
    }
    if (p.kind === 'added') {
      await write(line + '\n' + unparse(added!) + '\n');
      continue;
    }
    const cells = cellsOf(line);
    switch (p.kind) {
      case 'credited': cells[c.status] = '已到账'; break;
      case 'refunded': cells[c.status] = '已退费'; break;
      case 'amount':
        cells[c.amount] = '200.00';
        if (c.subsidy >= 0) cells[c.subsidy] = '低保';
        break;
      case 'removed': continue;
    }
    await write(unparse(cells) + '\n');
  }
  outStream.end();
  await once(outStream, 'finish');
  writeFileSync(join(tmp, STAMP), stamp);
  writeFileSync(join(tmp, 'README.md'), `# 示例发布历史（自动生成，勿手改）\n\n由 \`node scripts/make-corrections.ts\` 从 data/sample 生成：${id1} 是原样的示例数据，${id2} 更正了 ${year} 年度的部分记录（未到账→已到账、退费、金额更正、删除一行、补录一行）。\n`);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  const count = (k: PlannedCorrection['kind']): number => planned.filter((p) => p.kind === k).length;
  opts.log(`示例发布历史：${id1}（原始示例）→ ${id2}（${year} 年度：${count('credited')} 条未到账改为已到账，${count('refunded')} 条退费，${count('amount')} 条金额更正，删除 ${count('removed')} 条，补录 ${count('added')} 条，涉及 ${new Set(planned.map((p) => p.code)).size} 个村）`);
  return { ids: [id1, id2], planned, skipped: false };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { from: { type: 'string' }, out: { type: 'string' } } });
  const root = resolve(import.meta.dirname, '..');
  const r = await makeCorrections({ from: values.from ?? join(root, 'data/sample'), out: values.out ?? join(root, 'data/sample-history'), log: (l) => console.log(l) });
  if (r.skipped) console.log(`示例发布历史已是最新（${r.ids.join('、')}）。`);
}
