/**
 * Parse stage: text chunks → rows of string fields with their line numbers, streamed
 * through papaparse's `chunk` callback. No typing here: cells stay strings.
 */
import { Readable } from 'node:stream';
import Papa from 'papaparse';

/** One CSV record and the line of the file it starts on (1-based; the header is line 1). */
export interface CsvRow {
  line: number;
  fields: string[];
}

/** A malformed-CSV problem papaparse reported (e.g. an unclosed quote). */
export interface CsvProblem {
  line: number;
  code: string;
  message: string;
}

/** Totals of one parse. */
export interface CsvSummary {
  /** Records parsed, the header included, blank lines excluded. */
  records: number;
  /** Lines in the file. */
  lines: number;
  problems: CsvProblem[];
}

function countNewlines(fields: string[]): number {
  let n = 0;
  for (const f of fields) {
    if (f.length > 0 && f.includes('\n')) for (let i = f.indexOf('\n'); i !== -1; i = f.indexOf('\n', i + 1)) n++;
  }
  return n;
}

/**
 * Streams `text` through papaparse and calls `onRows` with each batch of records, in
 * order. Blank lines are skipped but counted, so line numbers match an editor's.
 */
export function parseCsv(text: AsyncIterable<string> | Iterable<string>, onRows: (rows: CsvRow[]) => void): Promise<CsvSummary> {
  return new Promise((resolve, reject) => {
    let line = 1;
    let records = 0;
    const problems: CsvProblem[] = [];
    let failed = false;
    // Object mode hands papaparse the decoded strings themselves: a byte-mode stream would
    // encode each one back to UTF-8 and papaparse would decode it again (`chunk.toString()`).
    // `node scripts/bench-ingest.ts --stage parse --read-chunk 1048576` (the read size then)
    // on the ten-county export: median 6.5 s against 8.4 s in byte mode (six runs each, alternated).
    const source = Readable.from(text, { objectMode: true });
    source.on('error', (err) => {
      failed = true;
      reject(err);
    });
    Papa.parse(source as unknown as File, {
      header: false,
      delimiter: ',',
      dynamicTyping: false,
      skipEmptyLines: false,
      chunk(results: Papa.ParseResult<string[]>) {
        if (failed) return;
        const rows: CsvRow[] = [];
        const lineOfRow: number[] = [];
        for (const fields of results.data) {
          lineOfRow.push(line);
          if (fields.length === 1 && fields[0] === '') {
            line += 1;
            continue;
          }
          rows.push({ line, fields });
          line += 1 + countNewlines(fields);
        }
        for (const e of results.errors) {
          problems.push({ line: lineOfRow[e.row ?? 0] ?? line, code: e.code, message: e.message });
        }
        records += rows.length;
        if (rows.length > 0) {
          try {
            onRows(rows);
          } catch (err) {
            failed = true;
            reject(err);
          }
        }
      },
      complete() {
        if (!failed) resolve({ records, lines: line - 1, problems });
      },
      error(err: Error) {
        failed = true;
        reject(err);
      },
    });
  });
}
