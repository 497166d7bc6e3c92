/**
 * Shapes of the data stage's output (the files pages read) and the public CSV of a
 * village's rows. Pure: the data stage script writes these, pages read them.
 */
import Papa from 'papaparse';
import type { PaymentCells, SiteConfig } from './contract.ts';
import type { Region } from './regions.ts';
import type { RegionYearStats } from './aggregate.ts';
import type { FileReport } from './ingest.ts';

/** Headers of a published village CSV: the contract's Chinese headers, so it can be re-ingested. */
/**
 * How the site's own CSV files are written (comma, LF), given to papaparse when reading
 * them back: otherwise it guesses both on every file, a third of the parse time of a notice.
 */
export const OWN_CSV = { delimiter: ',', newline: '\n' } as const;

export const PUBLIC_CSV_HEADERS = ['待遇年度', '区划代码', '姓名', '身份证号', '缴费金额', '缴费日期', '缴费渠道', '到账状态'] as const;

/** Formats fen as yuan with two decimals: 40000 → "400.00". */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The published cells of one payment (no subsidy, age band or lookup key: those stay aggregate). */
export function publicCells(p: PaymentCells): string[] {
  return [String(p.coverage_year), p.region_code, p.name, p.id_number, formatYuan(p.amount), p.paid_on, p.channel, p.status];
}

const UNPARSE = { header: false, newline: '\n', escapeFormulae: true } as const;
/**
 * A cell papaparse writes as it is: no quote, comma, line break or BOM, no space at either
 * end, not starting like a formula (= + - @ tab). Almost every published cell is one.
 */
const PLAIN_CELL = /^(?:[^=+\-@\t\r\n ",\uFEFF][^\r\n",\uFEFF]*)?$/;

/**
 * CSV text of rows, RFC 4180, with formula-like cells defused for spreadsheet users
 * (papaparse's `escapeFormulae`). A row of plain cells is joined with commas, which is what
 * papaparse writes for it; any other row is written by papaparse. Papaparse for every row
 * took 10% of the data stage's CPU on a county (`node --cpu-prof`); the output is the same
 * (tests/unit/publish.test.ts).
 */
export function toCsv(rows: string[][], withHeader: boolean): string {
  return csvText(rows.map(csvLine), withHeader);
}

/** One row's CSV line, without its line break. */
function csvLine(row: string[]): string {
  return isPlainRow(row) ? row.join(',') : Papa.unparse([row], UNPARSE);
}

/** CSV text of lines of {@link writtenRow}, as {@link toCsv} writes them. */
export function csvText(lines: readonly string[], withHeader: boolean): string {
  const head = withHeader ? PUBLIC_CSV_HEADERS.join(',') + '\n' : '';
  return head + lines.join('\n') + (lines.length ? '\n' : '');
}

/** A row {@link toCsv} joins with commas: papaparse would write it the same. */
function isPlainRow(row: readonly string[]): boolean {
  return row.length > 0 && row.every((cell) => PLAIN_CELL.test(cell) && !cell.endsWith(' '));
}

/**
 * A row's CSV line, and its cells as a reader of the CSV gets them back: the same cells,
 * except that a defused formula keeps the ' papaparse put before it. The data stage hashes
 * these as it writes the rows (the content hash is defined on the CSV a reader downloads).
 */
export function writtenRow(row: string[]): { line: string; cells: string[] } {
  if (isPlainRow(row)) return { line: row.join(','), cells: row };
  const line = csvLine(row);
  return { line, cells: Papa.parse<string[]>(line, { header: false, ...OWN_CSV }).data[0]! };
}

/**
 * notices.json: each village-year's content hash and number of rows
 * (`src/lib/integrity.ts`), by `year:code`, computed as its rows were written. The history
 * compares publications by these, and reads a notice's rows only when its hash changed.
 * A village-year with figures but no rows is not listed: its hash is that of no rows.
 */
export type NoticeHashes = Record<string, [hash: string, rows: number]>;

/** A published row as pages read it back. */
export interface PublicRow {
  name: string;
  idNumber: string;
  amount: string;
  paidOn: string;
  channel: string;
  status: string;
}

/** Parses a published village CSV's text back into rows (pages read the files with {@link parsePublicCsvBytes}: the same rows). */
export function parsePublicCsv(text: string): PublicRow[] {
  return publicRows(Papa.parse<string[]>(text, { header: false, skipEmptyLines: true, ...OWN_CSV }).data.slice(1));
}

function publicRows(cells: readonly string[][]): PublicRow[] {
  return cells.map((c) => ({
    name: unescapeFormula(c[2] ?? ''), idNumber: c[3] ?? '', amount: c[4] ?? '', paidOn: c[5] ?? '', channel: unescapeFormula(c[6] ?? ''), status: c[7] ?? '',
  }));
}

/** Size of the pieces {@link parsePublicCsvBytes} decodes and parses one at a time. */
const PIECE_BYTES = 32 * 1024;
const QUOTE = 0x22;
const LF = 0x0a;
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Where the records of UTF-8 CSV bytes can be cut into pieces of about `size` bytes: each
 * cut is after a line feed outside quotes (an even number of `"` since the last cut, as
 * RFC 4180 doubles a quote inside a quoted cell), so a cell holding a line break stays
 * whole, and never inside a character (a line feed byte is never part of one). Returns the
 * ends of the pieces, the last being `bytes.length`.
 */
export function csvPieceEnds(bytes: Uint8Array, size = PIECE_BYTES): number[] {
  const ends: number[] = [];
  // The first quote not counted yet: every quote before the current piece's end is counted once.
  let quote = bytes.indexOf(QUOTE);
  let at = 0;
  while (at < bytes.length) {
    let quotes = 0;
    let end = bytes.length;
    for (let from = at + size; from < bytes.length; ) {
      const lf = bytes.indexOf(LF, from);
      if (lf === -1) break;
      for (; quote !== -1 && quote < lf; quote = bytes.indexOf(QUOTE, quote + 1)) quotes++;
      if (quotes % 2 === 0) {
        end = lf + 1;
        break;
      }
      from = lf + 1;
    }
    ends.push(end);
    at = end;
  }
  return ends;
}

/**
 * {@link parsePublicCsv} of a file's bytes, the same rows: decoded and parsed in pieces of
 * about 32 KiB ({@link csvPieceEnds}). A notice reads its village's whole file (about 100 KB,
 * up to 900 KB, in the county bench's export). On its 222 files of 2026
 * (`node scripts/bench-rows.ts <data>/rows/2026`, two runs): 1.02–1.19 ms a file in pieces,
 * 1.63–1.93 ms read as one string, 1.63–1.87 ms decoded whole from the bytes. In a page shard's CPU
 * profile (`node --cpu-prof scripts/build-pages.ts --shard …`) getRows went from 1.34–1.45 s
 * to 0.78–0.89 s (county, shard 0/2) and from 20.6 s to 14.3 s (province, shard 3/9); the
 * shards' wall and user times did not change beyond their spread.
 */
export function parsePublicCsvBytes(bytes: Uint8Array, pieceBytes = PIECE_BYTES): PublicRow[] {
  const cells: string[][] = [];
  let at = 0;
  for (const end of csvPieceEnds(bytes, pieceBytes)) {
    const piece = utf8.decode(bytes.subarray(at, end));
    for (const row of Papa.parse<string[]>(piece, { header: false, skipEmptyLines: true, ...OWN_CSV }).data) cells.push(row);
    at = end;
  }
  return publicRows(cells.slice(1));
}

/** A cell as exported, without the ' that {@link toCsv} puts before formula-like text for spreadsheet users. */
export function unescapeFormula(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** One child of a region in its year summary (for lists and rankings). */
export interface ChildSummary {
  code: string;
  name: string;
  shouldEnroll: number | null;
  enrolled: number;
  rate: number | null;
  rows: number;
  pending: number;
  refunded: number;
  /** Rows that are part of a 两头缴 (see RegionYearStats.duplicates). */
  duplicates: number;
}

/** stats/{year}/{code}.json: a region-year's figures with its children's headlines. */
export interface StatsFile extends RegionYearStats {
  name: string;
  children: ChildSummary[];
}

/** A region in regions.json, with the coverage years it has figures for. */
export interface PublishedRegion extends Region {
  years: number[];
}

/** meta.json: what this publication is and where it came from. */
export interface SiteMeta {
  siteName: string;
  baseUrl: string;
  /** "As of" date of the data, from the export (site.json asOf or the latest payment date). */
  asOf: string;
  years: number[];
  /** Regions with no parent in this site (usually the county). */
  tops: string[];
  config: SiteConfig;
  inputs: Array<FileReport & { sha256: string; bytes: number }>;
}

/** Child headline of a stats row. */
export function childSummary(s: RegionYearStats, name: string): ChildSummary {
  return { code: s.code, name, shouldEnroll: s.shouldEnroll, enrolled: s.enrolled, rate: s.rate, rows: s.rows, pending: s.byStatus['未到账'].count, refunded: s.byStatus['已退费'].count, duplicates: s.duplicates };
}
