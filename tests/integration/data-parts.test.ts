/**
 * The data stage split across threads (each taking the rows of some townships) publishes
 * exactly what one thread does, and reports every problem of an invalid export once.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDataStage } from '../../scripts/build-data.ts';
import { partOf } from '../../src/lib/parts.ts';
import { tempDir, treeHash } from '../helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const work = tempDir('gongshi-parts-');
const exportDir = join(work, 'export');

async function stage(dataDir: string, name: string, parts: number) {
  const outDir = join(work, name);
  const reportFile = join(work, `${name}-issues.txt`);
  const result = await runDataStage({ dataDir, outDir, reportFile, parts, log: () => {} });
  return { result, outDir, report: readFileSync(reportFile, 'utf8') };
}

beforeAll(() => {
  // A county of the sample generator: 9 townships, 两头缴 between villages, 未到账 rows.
  const gen = spawnSync(process.execPath, [join(root, 'scripts/generate-sample.ts'), '--out', exportDir, '--years', '2025,2026', '--rows-per-year', '20000'], { encoding: 'utf8' });
  expect(gen.status, gen.stderr).toBe(0);
});

describe('data stage in two parts', () => {
  it('writes the same files, byte for byte, as in one', async () => {
    const one = await stage(exportDir, 'one', 1);
    const two = await stage(exportDir, 'two', 2);
    expect(one.result.ok && two.result.ok).toBe(true);
    // The split is real: rows of both parts, and 两头缴 whose villages are in different parts.
    const townships = readdirSync(join(one.outDir, 'pending', '2026')).map((f) => f.slice(0, -4));
    expect(new Set(townships.map((t) => partOf(t, 2))).size).toBe(2);
    const dupes = readdirSync(join(one.outDir, 'dupes', '2026')).map((f) => f.slice(0, -5));
    expect(new Set(dupes.map((c) => partOf(c, 2))).size).toBe(2);
    expect(two.result.reports).toEqual(one.result.reports);
    expect(treeHash(two.outDir)).toEqual(treeHash(one.outDir));
  });

  it('lists every problem of an invalid export once, whichever part read its row', async () => {
    const broken = join(work, 'broken');
    cpSync(exportDir, broken, { recursive: true });
    const lines = readFileSync(join(broken, 'payments.csv'), 'utf8').split('\n');
    // Break the amount of three rows of each part, spread over the file.
    const broke: number[] = [];
    const perPart = [0, 0];
    for (let i = 997; i < lines.length && broke.length < 6; i += 997) {
      const cells = lines[i]!.split(',');
      const part = partOf(cells[1] ?? '', 2);
      if (cells.length < 5 || perPart[part]! >= 3) continue;
      perPart[part]!++;
      cells[4] = '四百';
      lines[i] = cells.join(',');
      broke.push(i + 1); // file line numbers count from 1
    }
    expect(perPart).toEqual([3, 3]);
    writeFileSync(join(broken, 'payments.csv'), lines.join('\n'));
    const one = await stage(broken, 'broken-one', 1);
    const two = await stage(broken, 'broken-two', 2);
    expect(one.result.ok || two.result.ok).toBe(false);
    expect(two.result.errors).toBe(one.result.errors);
    expect(two.result.errors).toBe(broke.length);
    const sorted = (text: string) => text.split('\n').filter(Boolean).sort();
    expect(sorted(two.report)).toEqual(sorted(one.report));
    for (const line of broke) expect(two.report).toContain(`payments.csv:${line} `);
    expect(two.result.reports.find((r) => r.file === 'payments.csv')).toMatchObject({ read: lines.length - 2, rejected: broke.length });
  });
});
