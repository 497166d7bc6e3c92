/**
 * toCsv joins rows of plain cells itself and leaves the others to papaparse: its output must
 * be papaparse's, byte for byte, whatever the cells.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvPieceEnds, parsePublicCsv, parsePublicCsvBytes, PUBLIC_CSV_HEADERS, toCsv } from '../../src/lib/publish.ts';

/** What toCsv wrote when papaparse wrote every row. */
function reference(rows: string[][], withHeader: boolean): string {
  const body = Papa.unparse(rows, { header: false, newline: '\n', escapeFormulae: true });
  return (withHeader ? PUBLIC_CSV_HEADERS.join(',') + '\n' : '') + body + (rows.length ? '\n' : '');
}

const TRICKY = [
  '', ' ', 'a ', ' a', 'a b', '=1+1', '+86', '-400.00', '@x', '\tx', '\rx', 'a\nb', 'a\r\nb', 'a,b', 'a"b', '"', '\uFEFFx', 'x\uFEFF',
  "'=x", '张*', '欧阳**', '420583********123X', '400.00', '2024-09-03', '线上/手机', '已到账', '=*', 'a=b', 'a-b', 'a+', '@', '-', '=',
];

describe('toCsv', () => {
  it('writes what papaparse writes for each tricky cell, alone and among plain ones', () => {
    for (const cell of TRICKY) {
      const rows = [[cell], ['2025', cell, '400.00'], ['2025', '420583103201', '张*']];
      expect(toCsv(rows, true), JSON.stringify(cell)).toBe(reference(rows, true));
    }
  });

  it('writes what papaparse writes for random rows of special characters', () => {
    const alphabet = ['a', '张', ' ', ',', '"', '\n', '\r', '\t', '=', '+', '-', '@', "'", '\uFEFF', '.', '0'];
    let seed = 42;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const rows = Array.from({ length: 2000 }, () =>
      Array.from({ length: 1 + next(8) }, () => Array.from({ length: next(5) }, () => alphabet[next(alphabet.length)]).join('')));
    expect(toCsv(rows, false)).toBe(reference(rows, false));
    expect(toCsv(rows.slice(0, 7), true)).toBe(reference(rows.slice(0, 7), true));
  });

  it('writes the header alone for no rows', () => {
    expect(toCsv([], true)).toBe(reference([], true));
    expect(toCsv([], false)).toBe('');
  });
});

describe('parsePublicCsvBytes', () => {
  const rows = (n: number, cell: (i: number) => string): string[][] =>
    Array.from({ length: n }, (_, i) => ['2026', '420583103201', `张${i}*`, '420583********123X', '400.00', '2025-10-01', cell(i), '已到账']);

  it('reads the rows parsePublicCsv reads from the text, for every piece size', () => {
    // Cells with line breaks, quotes and commas, so cuts fall near quoted line feeds.
    const text = toCsv(rows(60, (i) => TRICKY[i % TRICKY.length]!), true);
    const bytes = new TextEncoder().encode(text);
    const expected = parsePublicCsv(text);
    expect(expected).toHaveLength(60);
    for (let size = 1; size <= bytes.length + 1; size += size < 64 ? 1 : 37) {
      expect(parsePublicCsvBytes(bytes, size), `pieces of ${size} bytes`).toEqual(expected);
    }
    expect(parsePublicCsvBytes(bytes)).toEqual(expected);
  });

  it('cuts only after a line feed outside quotes, into pieces of at least the size asked', () => {
    const text = toCsv(rows(500, (i) => (i % 3 === 0 ? `线上\n第${i}笔,"备注"` : '线上/手机')), true);
    const bytes = new TextEncoder().encode(text);
    const ends = csvPieceEnds(bytes, 1000);
    expect(ends.at(-1)).toBe(bytes.length);
    expect(ends.length).toBeGreaterThan(10);
    let at = 0;
    for (const end of ends) {
      const piece = new TextDecoder().decode(bytes.subarray(at, end));
      if (end < bytes.length) {
        expect(bytes[end - 1]).toBe(0x0a);
        expect(end - at).toBeGreaterThanOrEqual(1000);
      }
      expect(piece.split('"').length % 2, `quotes of the piece ending at ${end}`).toBe(1);
      at = end;
    }
  });

  it('keeps an unclosed quote in one last piece, as the whole text parses it', () => {
    const row = '2026,420583103201,张*,x,1.00,2025-10-01,线上,已到账\n';
    const text = `${PUBLIC_CSV_HEADERS.join(',')}\n${row}${row.replace('线上', '"线上')}${row.repeat(40)}`;
    const bytes = new TextEncoder().encode(text);
    // The header (98 bytes) is one piece; the next reaches its 64 bytes inside the quote that never closes.
    expect(csvPieceEnds(bytes, 64)).toEqual([new TextEncoder().encode(PUBLIC_CSV_HEADERS.join(',') + '\n').length, bytes.length]);
    expect(parsePublicCsvBytes(bytes, 64)).toEqual(parsePublicCsv(text));
  });

  it('reads nothing from no bytes and no rows from a header alone', () => {
    expect(parsePublicCsvBytes(new Uint8Array())).toEqual([]);
    expect(parsePublicCsvBytes(new TextEncoder().encode(toCsv([], true)))).toEqual([]);
  });
});
