/**
 * The content hash of a notice: SHA-256 over a canonical form of its rows, so anyone can
 * check that the rows they downloaded are the rows the site published, whatever program
 * re-saved the file. The recipe is documented for readers in src/pages/about/verify.mdx;
 * keep the two in step.
 *
 * Canonical form of a village-year's notice, from its CSV download (`/api/{year}/{code}.csv`):
 *   1. read the file as UTF-8 and drop a leading BOM;
 *   2. parse it as RFC 4180 CSV and drop the header row;
 *   3. for each row, in file order (序号 order), write the JSON array of its cells, exactly as
 *      the CSV holds them (strings, a leading ' that guards spreadsheet formulas included),
 *      with no spaces and no escaping of non-ASCII characters, followed by "\n";
 *   4. SHA-256 of the UTF-8 bytes, lowercase hex.
 * A notice with no rows hashes the empty string. JSON escaping makes the form unambiguous
 * for any cell content (commas, quotes, tabs, newlines).
 */
import { createHash, type Hash } from 'node:crypto';
import Papa from 'papaparse';

/** Name of the hash, as shown next to it. */
export const CONTENT_HASH_NAME = 'SHA-256';

/** The SHA-256 of an empty notice (no rows). */
export const EMPTY_CONTENT_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** One line of the canonical form: the row's cells as a compact JSON array and a newline. */
export function canonicalLine(cells: readonly string[]): string {
  return JSON.stringify(cells) + '\n';
}

/** The canonical form of rows of cells (see the module comment). */
export function canonicalForm(rows: readonly (readonly string[])[]): string {
  let out = '';
  for (const r of rows) out += canonicalLine(r);
  return out;
}

/** The data rows of a published CSV, cells exactly as written: BOM stripped, header and empty lines dropped. */
export function csvCells(text: string): string[][] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parsed = Papa.parse<string[]>(body, { header: false, skipEmptyLines: true });
  return parsed.data.slice(1);
}

/** Hashes a notice row by row, so a big village never needs its canonical form in one string. */
export class ContentHasher {
  private readonly hash: Hash = createHash('sha256');
  /** Rows added so far. */
  rows = 0;

  /** Adds one row's cells. */
  add(cells: readonly string[]): this {
    this.hash.update(canonicalLine(cells), 'utf8');
    this.rows++;
    return this;
  }

  /** The content hash, lowercase hex. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** The content hash of rows of cells. */
export function contentHashOfCells(rows: readonly (readonly string[])[]): string {
  const h = new ContentHasher();
  for (const r of rows) h.add(r);
  return h.digest();
}

/** The content hash of a published CSV's text (the download, or the data stage's rows file). */
export function contentHash(csvText: string): string {
  return contentHashOfCells(csvCells(csvText));
}

/** A hash shortened for reading aloud or comparing by eye: the first 8 and last 8 hex digits. */
export function shortHash(hex: string): string {
  return hex.length <= 20 ? hex : `${hex.slice(0, 8)}…${hex.slice(-8)}`;
}

/** A hash in groups of 8 hex digits, so a long hash wraps and can be compared group by group. */
export function groupHash(hex: string): string {
  return hex.replace(/(.{8})(?=.)/g, '$1 ');
}
