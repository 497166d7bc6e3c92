/**
 * The data stage hashes each notice as it writes its rows (notices.json), and the history
 * trusts those hashes without reading the rows: they must be the content hash of the CSV a
 * reader downloads, whatever the cells hold.
 */
import { appendFileSync, cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { runDataStage } from '../../scripts/build-data.ts';
import { contentHash, csvCells } from '../../src/lib/integrity.ts';
import type { NoticeHashes } from '../../src/lib/publish.ts';
import { fixture, tempDir } from '../helpers.ts';

describe('notices.json', () => {
  it('holds the content hash and rows of every rows file, for cells a spreadsheet or CSV would mangle', async () => {
    const work = tempDir('gongshi-hashes-');
    const exportDir = join(work, 'export');
    cpSync(fixture('valid'), exportDir, { recursive: true });
    // Channels papaparse quotes or defuses: formulas, quotes, commas, a line break.
    const channels = ['=HYPERLINK("x")', '+86 代缴', '-', '@银行', '"老街"代征', '代征, 二组', '一组\n二组', '窗口'];
    const rows = channels.map((c, i) => ['2025', '420583104001', '刘*', `420583********${3000 + i}`, '400.00', `2024-10-0${i + 1}`, c, '已到账', '', '18-44', '']);
    appendFileSync(join(exportDir, 'payments.csv'), Papa.unparse(rows, { newline: '\n' }) + '\n');
    const outDir = join(work, 'out');
    const result = await runDataStage({ dataDir: exportDir, outDir, reportFile: join(work, 'issues.txt'), log: () => {}, parts: 1 });
    expect(result.ok, readFileSync(join(work, 'issues.txt'), 'utf8')).toBe(true);

    const hashes = JSON.parse(readFileSync(join(outDir, 'notices.json'), 'utf8')) as NoticeHashes;
    const files = readdirSync(join(outDir, 'rows'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.csv'));
    expect(Object.keys(hashes).sort()).toEqual(files.map((f) => f.replace(/\.csv$/, '').replace(/[/\\]/, ':')).sort());
    for (const f of files) {
      const text = readFileSync(join(outDir, 'rows', f), 'utf8');
      const [year, code] = f.replace(/\.csv$/, '').split(/[/\\]/) as [string, string];
      expect(hashes[`${year}:${code}`], f).toEqual([contentHash(text), csvCells(text).length]);
    }
    // The hostile rows are there, written as the CSV holds them.
    const village = readFileSync(join(outDir, 'rows', '2025', '420583104001.csv'), 'utf8');
    expect(village).toContain(`"'=HYPERLINK(""x"")"`);
    expect(village).toContain('"代征, 二组"');
  });
});
