/**
 * toCsv joins rows of plain cells itself and leaves the others to papaparse: its output must
 * be papaparse's, byte for byte, whatever the cells.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { PUBLIC_CSV_HEADERS, toCsv } from '../../src/lib/publish.ts';

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
