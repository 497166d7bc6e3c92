/**
 * The data stage as separate part jobs (`node scripts/build-data.ts --part k/n`, e.g. on
 * several machines), lookup jobs (`--lookup k/n`) and a merge (`--parts DIR [--lookups DIR]`):
 * the same output, byte for byte, as the data stage in one process, every problem of an
 * invalid export listed once, and a merge that refuses parts or lookup jobs which do not
 * belong together.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDataStage, runLookupJob, runPartJob } from '../../scripts/build-data.ts';
import { exportInputs, type InputHash } from '../../scripts/data-cache.ts';
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

async function merge(dataDir: string, partsDir: string, name: string, lookupsDir?: string, knownInputs?: InputHash[]) {
  const outDir = join(work, name);
  const reportFile = join(work, `${name}-issues.txt`);
  const result = await runDataStage({ dataDir, outDir, reportFile, partsDir, lookupsDir, knownInputs, log: () => {} });
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

  it('checks the parts\' inputs with the hashes the build has just made, when the files still have their sizes', async () => {
    const { partsDir } = await partJobs(exportDir, 'known');
    const inputs = await exportInputs(exportDir);
    const payments = inputs.find((i) => i.file === 'payments.csv')!;
    const wrong = (bytes: number) => inputs.map((i) => (i === payments ? { ...i, bytes, sha256: '0'.repeat(64) } : i));
    // Taken, not hashed again: a wrong hash with the file's size refuses the parts.
    await expect(merge(exportDir, partsDir, 'known-out', undefined, wrong(payments.bytes))).rejects.toThrow(/payments\.csv 与 .* 中的不同/);
    // With another size the file is hashed here: the parts are taken.
    const merged = await merge(exportDir, partsDir, 'known-out', undefined, wrong(payments.bytes + 1));
    expect(merged.result.ok).toBe(true);
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

describe('lookup jobs between the part jobs and the merge', () => {
  /** Lookup jobs 0 … n-1 on the parts of `partsDir`, into `${name}-lookups/l{k}`, in this process. */
  async function lookupJobs(partsDir: string, name: string, n: number) {
    const lookupsDir = join(work, `${name}-lookups`);
    for (let k = 0; k < n; k++) await runLookupJob({ dataDir: exportDir, partsDir, lookupDir: join(lookupsDir, `l${k}`), lookup: k, lookups: n, log: () => {} });
    return lookupsDir;
  }
  const spillsOf = (partsDir: string) => readdirSync(partsDir).map((p) => join(partsDir, p, `.lookup-spill-${p.slice(1)}`));

  it('gives the same files, byte for byte, and the merge needs no spill', async () => {
    const one = await oneProcess(exportDir, 'lk-one');
    const { partsDir } = await partJobs(exportDir, 'lk');
    // The command line, as a job on another machine runs it.
    const lookupsDir = join(work, 'lk-lookups');
    for (let k = 0; k < 2; k++) {
      const job = spawnSync(process.execPath, [join(root, 'scripts/build-data.ts'), '--data', exportDir, '--lookup', `${k}/2`, '--parts', partsDir, '--out', join(lookupsDir, `l${k}`)], { encoding: 'utf8' });
      expect(job.status, job.stderr).toBe(0);
      expect(job.stdout).toMatch(new RegExp(`查询分片 ${k}/2：第 \\d+–\\d+ 桶`));
    }
    // The merge's machine was given the parts without their spills.
    for (const spill of spillsOf(partsDir)) rmSync(spill, { recursive: true });
    const merged = await merge(exportDir, partsDir, 'lk-merged', lookupsDir);
    expect(merged.result.ok).toBe(true);
    expect(treeHash(merged.outDir)).toEqual(treeHash(one.outDir));
    expect(existsSync(join(lookupsDir, 'l0', 'lookup', 's'))).toBe(false);
    await expect(merge(exportDir, partsDir, 'lk-again', lookupsDir)).rejects.toThrow(/已被一次合并用过/);
  });

  it('also with more lookup jobs than ranges of buckets (the last ones have none)', async () => {
    const one = await oneProcess(exportDir, 'lk20-one');
    const { partsDir } = await partJobs(exportDir, 'lk20');
    const merged = await merge(exportDir, partsDir, 'lk20-merged', await lookupJobs(partsDir, 'lk20', 20));
    expect(treeHash(merged.outDir)).toEqual(treeHash(one.outDir));
  });

  it('refuses lookup jobs that do not belong to the parts, and leaves the parts usable', async () => {
    const { partsDir } = await partJobs(exportDir, 'lkr');
    const lookupsDir = await lookupJobs(partsDir, 'lkr', 3);
    const saved = join(work, 'lkr-saved');
    cpSync(lookupsDir, saved, { recursive: true });
    const again = () => {
      rmSync(lookupsDir, { recursive: true, force: true });
      cpSync(saved, lookupsDir, { recursive: true });
    };
    rmSync(join(lookupsDir, 'l1'), { recursive: true });
    await expect(merge(exportDir, partsDir, 'lkr-out', lookupsDir)).rejects.toThrow(/缺少查询分片 1\/3/);
    again();
    rmSync(join(lookupsDir, 'l2', 'lookup-job.json'));
    await expect(merge(exportDir, partsDir, 'lkr-out', lookupsDir)).rejects.toThrow(/l2 中没有 lookup-job\.json/);
    // Lookup jobs of other parts: two parts instead of three.
    const two = join(work, 'lkr-two');
    for (let k = 0; k < 2; k++) await runPartJob({ dataDir: exportDir, partDir: join(two, `p${k}`), part: k, parts: 2, log: () => {} });
    const otherLookups = await lookupJobs(two, 'lkr-two', 3);
    await expect(merge(exportDir, partsDir, 'lkr-out', otherLookups)).rejects.toThrow(/读取的不是这些数据分片/);
    // A shard file lost on the way.
    again();
    rmSync(join(lookupsDir, 'l0', 'lookup', 's', readdirSync(join(lookupsDir, 'l0', 'lookup', 's'))[0]!));
    await expect(merge(exportDir, partsDir, 'lkr-out', lookupsDir)).rejects.toThrow(/查询分片的文件不全/);
    // Each refused before the parts were taken: they still merge.
    expect((await merge(exportDir, partsDir, 'lkr-parts-only')).result.ok).toBe(true);
    expect(readdirSync(work).filter((n) => n.startsWith('lkr-out') && n !== 'lkr-out-issues.txt')).toEqual([]);
  });

  it('a lookup job refuses parts with problems, a part without its spill, and another regions.csv', async () => {
    const { partsDir } = await partJobs(exportDir, 'lkj');
    const copy = join(work, 'lkj-export');
    cpSync(exportDir, copy, { recursive: true });
    writeFileSync(join(copy, 'regions.csv'), readFileSync(join(copy, 'regions.csv'), 'utf8').replace(/\n[^\n]*\n$/, '\n'));
    await expect(runLookupJob({ dataDir: copy, partsDir, lookupDir: join(work, 'lkj-l'), lookup: 0, lookups: 2, log: () => {} })).rejects.toThrow(/与数据分片读取的 regions\.csv 不同/);
    rmSync(spillsOf(partsDir)[1]!, { recursive: true });
    await expect(runLookupJob({ dataDir: exportDir, partsDir, lookupDir: join(work, 'lkj-l'), lookup: 0, lookups: 2, log: () => {} })).rejects.toThrow(/\.lookup-spill-1 不存在/);
    // A spill file lost: the merge finds records missing.
    const { partsDir: parts2 } = await partJobs(exportDir, 'lkj2');
    const spill = spillsOf(parts2)[0]!;
    rmSync(join(spill, readdirSync(spill)[0]!));
    const lookups = await lookupJobs(parts2, 'lkj2', 2);
    await expect(merge(exportDir, parts2, 'lkj2-out', lookups)).rejects.toThrow(/查询文件只读到 \d+ 条记录，数据分片共有 \d+ 条/);
    // Parts with problems are not published: nothing to look up.
    const broken = join(work, 'lkj-broken');
    cpSync(exportDir, broken, { recursive: true });
    const lines = readFileSync(join(broken, 'payments.csv'), 'utf8').split('\n');
    lines[1] = lines[1]!.split(',').map((c, i) => (i === 4 ? '四百' : c)).join(',');
    writeFileSync(join(broken, 'payments.csv'), lines.join('\n'));
    const { partsDir: brokenParts } = await partJobs(broken, 'lkj-broken');
    await expect(runLookupJob({ dataDir: broken, partsDir: brokenParts, lookupDir: join(work, 'lkj-l'), lookup: 0, lookups: 2, log: () => {} })).rejects.toThrow(/数据分片共有 1 处错误/);
  });
});

/** The first data row of an export's payments, again. */
function lines1(dir: string): string {
  return readFileSync(join(dir, 'payments.csv'), 'utf8').split('\n')[1]! + '\n';
}
