/**
 * Pages read optional data files (a village without payments has no rows file, one without
 * 两头缴 no dupes file): a missing file means none, but a file that is there and cannot be
 * read, or is cut short, stops the build instead of publishing a notice without its rows.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';

const data = tempDir('site-data-reads-');
const ROWS = '序号,姓名\n1,张**\n';
for (const sub of ['rows/2026', 'dupes/2026', 'pending/2026']) mkdirSync(join(data, sub), { recursive: true });
writeFileSync(join(data, 'rows/2026/420583103201.csv'), ROWS);
// A path that exists but cannot be read as a file (EISDIR): what a permissions or disk error looks like to the pages.
for (const path of ['rows/2026/420583103202.csv', 'dupes/2026/420583103202.json', 'pending/2026/420583104000.csv']) mkdirSync(join(data, path));
writeFileSync(join(data, 'dupes/2026/420583103201.json'), '{"year":2026,"code":"420583103201","rows":[');
// The pages' data module reads SITE_DATA_DIR once, when it is first loaded (below).
const before = process.env.SITE_DATA_DIR;
process.env.SITE_DATA_DIR = data;
afterAll(() => {
  if (before === undefined) delete process.env.SITE_DATA_DIR;
  else process.env.SITE_DATA_DIR = before;
});
const siteData = () => import('../../src/lib/site-data.ts');

describe('optional data files', () => {
  it('reads a village’s rows file, and gives no rows when the village has none', async () => {
    const { getRowsCsv } = await siteData();
    expect(getRowsCsv(2026, '420583103201')).toBe(ROWS);
    expect(getRowsCsv(2026, '420583103203')).toBe('');
  });

  it('stops on a rows file that exists but cannot be read, naming it', async () => {
    const { getRowsFile } = await siteData();
    expect(() => getRowsFile(2026, '420583103202')).toThrow(/无法读取数据文件 .*420583103202\.csv（EISDIR）/);
  });

  it('gives no 两头缴 or 未到账 rows when their file is missing, and stops when it cannot be read', async () => {
    const { getDupes, getPending } = await siteData();
    expect(getDupes(2026, '420583103203')).toEqual({ year: 2026, code: '420583103203', rows: [] });
    expect(getPending(2026, '420583103000')).toEqual([]);
    expect(() => getDupes(2026, '420583103202')).toThrow(/无法读取数据文件 .*420583103202\.json/);
    expect(() => getPending(2026, '420583104000')).toThrow(/无法读取数据文件 .*420583104000\.csv/);
  });

  it('stops on a 两头缴 file cut short, naming it', async () => {
    const { getDupes } = await siteData();
    expect(() => getDupes(2026, '420583103201')).toThrow(/数据文件 .*420583103201\.json 不是完整的 JSON/);
  });
});
