/**
 * The data stage as separate part jobs (`node scripts/build-data.ts --part k/n`, e.g. on
 * several machines) and a merge (`--parts DIR`): the same output, byte for byte, as the
 * data stage in one process, every problem of an invalid export listed once, and a merge
 * that refuses parts which do not belong together.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDataStage, runPartJob } from '../../scripts/build-data.ts';
import { partOf } from '../../src/lib/parts.ts';
import { tempDir, treeHash } from '../helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const work = tempDir('gongshi-part-jobs-');
const exportDir = join(work, 'export');
const PARTS = 3;

async function oneProcess(dataDir: string, name: string) {
  const outDir = join(work, name);
  const reportFile = join(work, `${name}-issues.txt`);
  const result = await runDataStage({ dataDir, outDir, reportFile, parts: 1, log: () => {} });
  return { result, outDir, report: readFileSync(reportFile, 'utf8') };
}

/** Part jobs 0 … PARTS-1 into `${name}-parts/p{k}`; returns the folder and each job's error count. */
async function partJobs(dataDir: string, name: string) {
  const partsDir = join(work, `${name}-parts`);
  const errors: number[] = [];
  for (let k = 0; k < PARTS; k++) errors.push((await runPartJob({ dataDir, partDir: join(partsDir, `p${k}`), part: k, parts: PARTS, log: () => {} })).errors);
  return { partsDir, errors };
}

async function merge(dataDir: string, partsDir: string, name: string) {
  const outDir = join(work, name);
  const reportFile = join(work, `${name}-issues.txt`);
  const result = await runDataStage({ dataDir, outDir, reportFile, partsDir, log: () => {} });
  return { result, outDir, report: readFileSync(reportFile, 'utf8') };
}

beforeAll(() => {
  // A county of the sample generator: 9 townships, 两头缴 between villages, 未到账 rows.
  const gen = spawnSync(process.execPath, [join(root, 'scripts/generate-sample.ts'), '--out', exportDir, '--years', '2025,2026', '--rows-per-year', '12000'], { encoding: 'utf8' });
  expect(gen.status, gen.stderr).toBe(0);
});

describe('data stage as part jobs and a merge', () => {
  it('writes the same files, byte for byte, as the data stage in one process', async () => {
    const one = await oneProcess(exportDir, 'one');
    // The command line, as a job on another machine runs it.
    const partsDir = join(work, 'cli-parts');
    for (let k = 0; k < PARTS; k++) {
      const job = spawnSync(process.execPath, [join(root, 'scripts/build-data.ts'), '--data', exportDir, '--part', `${k}/${PARTS}`, '--out', join(partsDir, `part-${k}`)], { encoding: 'utf8' });
      expect(job.status, job.stderr).toBe(0);
      expect(job.stdout).toContain(`数据分片 ${k}/${PARTS}：`);
    }
    const merged = await merge(exportDir, partsDir, 'merged');
    expect(one.result.ok && merged.result.ok).toBe(true);
    // The split is real: 两头缴 marks whose villages are in different parts.
    const dupes = Object.keys(treeHash(join(one.outDir, 'dupes'))).map((p) => p.slice(6, -5));
    expect(new Set(dupes.map((c) => partOf(c, PARTS))).size).toBe(PARTS);
    expect(merged.result.reports).toEqual(one.result.reports);
    expect(treeHash(merged.outDir)).toEqual(treeHash(one.outDir));
    // The parts' files were moved into the output, their spills removed.
    expect(existsSync(join(partsDir, 'part-0', 'rows'))).toBe(false);
    expect(existsSync(join(partsDir, 'part-0', '.lookup-spill-0'))).toBe(false);
  });

  it('lists every problem of an invalid export once, and a part with problems fails', async () => {
    const broken = join(work, 'broken');
    cpSync(exportDir, broken, { recursive: true });
    const lines = readFileSync(join(broken, 'payments.csv'), 'utf8').split('\n');
    const perPart = Array.from({ length: PARTS }, () => 0);
    for (let i = 501; i < lines.length && perPart.some((n) => n < 2); i += 501) {
      const cells = lines[i]!.split(',');
      const part = partOf(cells[1] ?? '', PARTS);
      if (cells.length < 5 || perPart[part]! >= 2) continue;
      perPart[part]!++;
      cells[4] = '四百';
      lines[i] = cells.join(',');
    }
    expect(perPart).toEqual([2, 2, 2]);
    writeFileSync(join(broken, 'payments.csv'), lines.join('\n'));
    // And a problem of regions.csv, which only the merge reports.
    appendFileSync(join(broken, 'regions.csv'), '420583101999,\n');

    const one = await oneProcess(broken, 'broken-one');
    const { partsDir, errors } = await partJobs(broken, 'broken');
    expect(errors).toEqual([2, 2, 2]);
    const merged = await merge(broken, partsDir, 'broken-merged');
    expect(one.result.ok || merged.result.ok).toBe(false);
    expect(merged.result.errors).toBe(one.result.errors);
    expect(merged.result.errors).toBeGreaterThan(6);
    const sorted = (text: string) => text.split('\n').filter(Boolean).sort();
    expect(sorted(merged.report)).toEqual(sorted(one.report));
    expect(existsSync(join(work, 'broken-merged'))).toBe(false);
  });

  it('refuses parts that do not belong together, naming what is wrong', async () => {
    const copy = join(work, 'changed');
    cpSync(exportDir, copy, { recursive: true });
    const { partsDir } = await partJobs(copy, 'refused');
    const saved = join(work, 'refused-saved');
    cpSync(partsDir, saved, { recursive: true });
    const again = () => {
      rmSync(partsDir, { recursive: true, force: true });
      cpSync(saved, partsDir, { recursive: true });
    };
    // A part missing.
    rmSync(join(partsDir, 'p1'), { recursive: true });
    await expect(merge(copy, partsDir, 'refused-out')).rejects.toThrow(/缺少分片 1\/3/);
    // A part that did not finish.
    again();
    rmSync(join(partsDir, 'p2', 'part.json'));
    await expect(merge(copy, partsDir, 'refused-out')).rejects.toThrow(/p2 中没有 part\.json/);
    // regions.csv changed after the parts read it (they checked the villages against it).
    again();
    const regions = readFileSync(join(copy, 'regions.csv'), 'utf8');
    writeFileSync(join(copy, 'regions.csv'), regions.replace(/\n[^\n]*\n$/, '\n'));
    await expect(merge(copy, partsDir, 'refused-out')).rejects.toThrow(/regions\.csv 与 .* 中的不同/);
    writeFileSync(join(copy, 'regions.csv'), regions);
    // site.json changed (the parts counted with its collection period).
    again();
    const site = readFileSync(join(copy, 'site.json'), 'utf8');
    writeFileSync(join(copy, 'site.json'), '{');
    await expect(merge(copy, partsDir, 'refused-out')).rejects.toThrow(/site\.json 与 .* 中的不同/);
    writeFileSync(join(copy, 'site.json'), site);
    // The export changed after the parts read it.
    again();
    appendFileSync(join(copy, 'payments.csv'), lines1(copy));
    await expect(merge(copy, partsDir, 'refused-out')).rejects.toThrow(/payments\.csv 与 .* 中的不同/);
    // Nothing left behind by the refused merges.
    expect(readdirSync(work).filter((n) => n.startsWith('refused-out') && n !== 'refused-out-issues.txt')).toEqual([]);
  });

  it('does not take the parts a merge has used, and a part job refuses a folder that is not its own', async () => {
    const { partsDir } = await partJobs(exportDir, 'used');
    expect((await merge(exportDir, partsDir, 'used-out')).result.ok).toBe(true);
    await expect(merge(exportDir, partsDir, 'used-again')).rejects.toThrow(/已被一次合并用过/);
    await expect(runPartJob({ dataDir: exportDir, partDir: exportDir, part: 0, parts: PARTS, log: () => {} })).rejects.toThrow(/不是数据分片的文件夹/);
    expect(existsSync(join(exportDir, 'payments.csv'))).toBe(true);
    await expect(runPartJob({ dataDir: work, partDir: join(work, 'no-export'), part: 0, parts: PARTS, log: () => {} })).rejects.toThrow(/没有 enrollment\.csv/);
  });
});

/** The first data row of an export's payments, again. */
function lines1(dir: string): string {
  return readFileSync(join(dir, 'payments.csv'), 'utf8').split('\n')[1]! + '\n';
}
