import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Papa from 'papaparse';
import { canonicalForm, canonicalLine, ContentHasher, contentHash, contentHashOfCells, csvCells, EMPTY_CONTENT_HASH } from '../../src/lib/integrity.ts';
import { PUBLIC_CSV_HEADERS, toCsv, writtenRow } from '../../src/lib/publish.ts';
import { NODE_RECIPE, PYTHON_RECIPE } from '../../src/lib/verify-recipes.ts';
import { tempDir } from '../helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** Rows whose cells a naive canonical form would get wrong: commas, quotes, newlines, tabs, a formula, a rare (astral) character. */
const HOSTILE = [
  ['2026', '420583101201', '张*', '420583********123X', '400.00', '2025-10-20', '线上/手机', '已到账'],
  ['2026', '420583101201', '𠀀**', '420583********0021', '0.00', '2025-10-21', '代征, "老街"\n二组\t三组', '未到账'],
  ['2026', '420583101201', '欧阳**', '420583********5566', '200.00', '2025-11-01', '=HYPERLINK("x")', '已退费'],
];

describe('canonical form', () => {
  it('writes each row as a compact JSON array of strings and a newline, non-ASCII as is', () => {
    expect(canonicalLine(['张*', 'a"b', 'x\ny'])).toBe('["张*","a\\"b","x\\ny"]\n');
    expect(canonicalForm([['1'], ['2']])).toBe('["1"]\n["2"]\n');
  });

  it('hashes an empty notice to the SHA-256 of nothing', () => {
    expect(EMPTY_CONTENT_HASH).toBe(sha(''));
    expect(contentHash(toCsv([], true))).toBe(EMPTY_CONTENT_HASH);
    expect(contentHash('')).toBe(EMPTY_CONTENT_HASH);
  });

  it('is the SHA-256 of the canonical form of the CSV cells, keeping the formula guard', () => {
    const csv = toCsv(HOSTILE, true);
    const cells = csvCells(csv);
    expect(cells[2]![6]).toBe('\'=HYPERLINK("x")'); // as the download holds it
    expect(cells[1]![6]).toBe('代征, "老街"\n二组\t三组');
    expect(contentHash(csv)).toBe(sha(canonicalForm(cells)));
  });

  it('does not depend on a BOM, CRLF line ends or a trailing newline', () => {
    const csv = toCsv(HOSTILE, true);
    const h = contentHash(csv);
    expect(contentHash('\uFEFF' + csv)).toBe(h);
    const crlf = `${PUBLIC_CSV_HEADERS.join(',')}\r\n${Papa.unparse(HOSTILE, { newline: '\r\n', escapeFormulae: true })}\r\n`;
    expect(crlf).toContain('\r\n2026,');
    expect(contentHash(crlf)).toBe(h);
    expect(contentHash(csv.replace(/\n$/, ''))).toBe(h);
  });

  it('changes when any cell or the order of rows changes', () => {
    const h = contentHashOfCells(HOSTILE);
    const edited = HOSTILE.map((r) => [...r]);
    edited[0]![4] = '400.01';
    expect(contentHashOfCells(edited)).not.toBe(h);
    expect(contentHashOfCells([HOSTILE[1]!, HOSTILE[0]!, HOSTILE[2]!])).not.toBe(h);
  });

  it('row-by-row hashing equals hashing the whole form, for any cells', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 8, maxLength: 8 }), { maxLength: 20 }), (rows) => {
      const h = new ContentHasher();
      for (const r of rows) h.add(r);
      expect(h.digest()).toBe(sha(canonicalForm(rows)));
      expect(h.rows).toBe(rows.length);
    }), { numRuns: 300 });
  });

  it('reads back through the public CSV any cells the data stage may write', () => {
    const cell = fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => s.trim() === s);
    fc.assert(fc.property(fc.array(fc.array(cell, { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 10 }), (rows) => {
      const csv = toCsv(rows, true);
      expect(contentHash(csv)).toBe(contentHashOfCells(csvCells(csv)));
      expect(csvCells(csv)).toHaveLength(rows.length);
    }), { numRuns: 300 });
  });
});

describe('writtenRow', () => {
  it('gives the cells a reader gets back from the CSV, for any cells the data stage may write', () => {
    const unit = fc.constantFrom('a', '张', ',', '"', '\n', '\r', '\t', ' ', '=', '+', '-', '@', "'", '\uFEFF', '1');
    const cell = fc.string({ unit, maxLength: 6 }).filter((s) => s.trim() === s);
    fc.assert(fc.property(fc.array(fc.array(cell, { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 6 }), (rows) => {
      expect(rows.map((r) => writtenRow(r).cells)).toEqual(csvCells(toCsv(rows, true)));
    }), { numRuns: 2000 });
    expect(writtenRow(HOSTILE[2]!).cells[6]).toBe('\'=HYPERLINK("x")');
    expect(writtenRow(HOSTILE[0]!).cells).toBe(HOSTILE[0]);
  });
});

describe('the recipes on /about/verify/', () => {
  const dir = tempDir('gongshi-verify-');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  // A download as the site serves it: BOM, header, hostile cells.
  const csvPath = join(dir, '420583101201.csv');
  const csv = '\uFEFF' + toCsv(HOSTILE, true);
  writeFileSync(csvPath, csv);
  expect(csv.split('\n')[0]).toBe('\uFEFF' + PUBLIC_CSV_HEADERS.join(','));
  const expected = contentHash(csv);

  it('the Node.js recipe prints the content hash', () => {
    writeFileSync(join(dir, 'verify.mjs'), NODE_RECIPE);
    const r = spawnSync(process.execPath, [join(dir, 'verify.mjs'), csvPath], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(expected);
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('the Python recipe prints the content hash (skipped without python3)', () => {
    writeFileSync(join(dir, 'verify.py'), PYTHON_RECIPE);
    const r = spawnSync('python3', [join(dir, 'verify.py'), csvPath], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(expected);
  });
});
