/**
 * The sample's correction history (scripts/make-corrections.ts) on a small generated
 * export: every kind of correction is made, in the latest year only, the same way on
 * every run, and a history that is up to date is not rewritten.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCorrections, type PlannedCorrection } from '../../scripts/make-corrections.ts';
import { tempDir, treeHash } from '../helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const work = tempDir('gongshi-corrections-');
const sample = join(work, 'sample');

let planned: PlannedCorrection[];
let ids: string[];

beforeAll(async () => {
  const gen = spawnSync(process.execPath, [join(root, 'scripts/generate-sample.ts'), '--out', sample, '--years', '2025,2026'], { encoding: 'utf8' });
  expect(gen.status, gen.stderr).toBe(0);
  ({ planned, ids } = await makeCorrections({ from: sample, out: join(work, 'a'), log: () => {} }));
}, 120_000);

describe('make-corrections', () => {
  it('makes every kind of correction of the issue', () => {
    const kinds = new Set(planned.map((p) => p.kind));
    expect([...kinds].sort()).toEqual(['added', 'amount', 'credited', 'refunded', 'removed']);
    expect(planned.filter((p) => p.kind === 'refunded')).toHaveLength(2);
    expect(ids).toEqual(['2026-01-10', '2026-02-15']);
  });

  it('changes only rows of the latest year, one line each, keeping the first publication as generated', () => {
    const before = readFileSync(join(sample, 'payments.csv'), 'utf8').split('\n');
    const first = readFileSync(join(work, 'a', 'publications', ids[0]!, 'payments.csv'), 'utf8').split('\n');
    const second = readFileSync(join(work, 'a', 'publications', ids[1]!, 'payments.csv'), 'utf8').split('\n');
    expect(first).toEqual(before);
    expect(second).toHaveLength(before.length); // one removed, one added
    const inSecond = new Set(second);
    const inBefore = new Set(before);
    const gone = before.filter((l) => !inSecond.has(l));
    const fresh = second.filter((l) => !inBefore.has(l));
    const edits = planned.filter((p) => p.kind !== 'added').length;
    expect(gone).toHaveLength(edits);
    expect(fresh).toHaveLength(edits); // every edited line except the removed one, plus the added row
    expect([...gone, ...fresh].every((l) => l.startsWith('2026,'))).toBe(true);
    expect(JSON.parse(readFileSync(join(work, 'a', 'publications', ids[1]!, 'site.json'), 'utf8')).asOf).toBe(ids[1]);
  });

  it('writes the same bytes on every run, and leaves an up-to-date history alone', async () => {
    const again = await makeCorrections({ from: sample, out: join(work, 'b'), log: () => {} });
    expect(again.skipped).toBe(false);
    expect(treeHash(join(work, 'b'))).toEqual(treeHash(join(work, 'a')));
    const third = await makeCorrections({ from: sample, out: join(work, 'a'), log: () => {} });
    expect(third.skipped).toBe(true);
  });
});
