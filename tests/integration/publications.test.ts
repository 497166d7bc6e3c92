/**
 * The publication stage on two hand-made publications (tests/fixtures/publications/, see
 * its README): the data stage runs per publication, then every notice is compared. The
 * differences found must be exactly the ones made by hand, no more, no fewer.
 */
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir, treeHash } from '../helpers.ts';
import { findPublications, runPublicationStages, writeHistory } from '../../scripts/publications.ts';
import { contentHash } from '../../src/lib/integrity.ts';
import type { ChangeEntry, FeedFile, NoticeHistory, PublicationRecord, VersionedNotice } from '../../src/lib/publications.ts';

const out = tempDir('gongshi-pubs-');
const site = join(out, 'site');
const json = <T,>(...p: string[]): T => JSON.parse(readFileSync(join(site, ...p), 'utf8')) as T;
const history = (year: number, code: string): NoticeHistory => json<NoticeHistory>('history', String(year), `${code}.json`);
const who = (r: { name: string; idNumber: string; row: number }): string => `${r.row} ${r.name} ${r.idNumber}`;

beforeAll(async () => {
  const sources = findPublications(fixture('publications'));
  expect(sources.map((s) => s.id)).toEqual(['2025-01-10', '2025-02-15']);
  const logs: string[] = [];
  const outs = await runPublicationStages({ sources, stagingDir: join(out, 'staging'), reportFile: join(out, 'reports', 'issues.txt'), log: (l) => logs.push(l), jobs: 2 });
  expect(outs, logs.join('\n')).not.toBeNull();
  // As the build does: the latest is the site's data, the earlier one goes under it.
  const { renameSync, mkdirSync } = await import('node:fs');
  renameSync(outs![1]!, site);
  mkdirSync(join(site, 'publications'));
  renameSync(outs![0]!, join(site, 'publications', '2025-01-10'));
  // The same data compared again in threads, each taking a range of notices (a build does so from 20,000 notices).
  for (const jobs of [2, 3]) cpSync(site, `${site}-${jobs}`, { recursive: true });
  const outputs = (dir: string): Parameters<typeof writeHistory>[0]['outputs'] => [{ source: sources[0]!, dir: join(dir, 'publications', '2025-01-10') }, { source: sources[1]!, dir }];
  await writeHistory({ outputs: outputs(site), siteDataDir: site, log: () => {} });
  for (const jobs of [2, 3]) await writeHistory({ outputs: outputs(`${site}-${jobs}`), siteDataDir: `${site}-${jobs}`, log: () => {}, jobs, parallelMin: 0 });
});

describe('the history in threads', () => {
  it('writes the same files, byte for byte, as one thread', () => {
    const one = treeHash(site);
    expect(Object.keys(one).filter((f) => f.startsWith('/history/')).length).toBeGreaterThan(3);
    for (const jobs of [2, 3]) expect(treeHash(`${site}-${jobs}`), `${jobs} threads`).toEqual(one);
  });
});

describe('corrections between two hand-made publications', () => {
  it('finds exactly the hand-made changes in 沙碛坪村 2025', () => {
    const h = history(2025, '420583103201');
    expect(h.versions.map((v) => [v.n, v.publication, v.asOf, v.rows])).toEqual([[1, '2025-01-10', '2025-01-10', 5], [2, '2025-02-15', '2025-02-14', 6]]);
    expect(h.corrections).toHaveLength(1);
    const c = h.corrections[0]!;
    expect(c.added.map(who)).toEqual(['6 刘** 420583********8080']);
    expect(c.removed).toEqual([]);
    expect(c.changed.map((x) => [who(x.after), x.before.row, x.fields])).toEqual([
      ['2 欧阳** 420583********0021', 2, [{ field: 'amount', from: '400.00', to: '380.00' }, { field: 'channel', from: '银行', to: '窗口' }]],
      ['3 李* 420583********5566', 3, [{ field: 'status', from: '未到账', to: '已到账' }]],
      ['4 王* 420583********2468', 4, [{ field: 'status', from: '未到账', to: '已退费' }]],
    ]);
    expect(c.truncated).toBe(false);
  });

  it('reports the removed row of 青龙湖村 2025 and nothing else', () => {
    const c = history(2025, '420583103202').corrections;
    expect(c.map((x) => [x.added.length, x.removed.map(who), x.changed.length])).toEqual([[0, ['1 王** 420583********7788'], 0]]);
  });

  it('reports the refund in 董市社区 2025 and leaves the formula-like channel alone', () => {
    const c = history(2025, '420583104001').corrections;
    expect(c.map((x) => x.changed.map((y) => [who(y.after), y.fields]))).toEqual([[['1 赵* 420583********1111', [{ field: 'status', from: '已到账', to: '已退费' }]]]]);
    expect(c[0]!.added.length + c[0]!.removed.length).toBe(0);
  });

  it('keeps an unchanged notice at version 1, and records a new and a withdrawn one', () => {
    expect(history(2024, '420583103201').versions).toHaveLength(1);
    expect(history(2024, '420583103201').corrections).toEqual([]);
    const added = history(2024, '420583103202');
    expect(added.versions.map((v) => v.publication)).toEqual(['2025-02-15']);
    const gone = history(2024, '420583104001');
    expect(gone.withdrawn).toEqual({ publication: '2025-02-15', date: '2025-02-15', rows: 1 });
  });

  it('stores the content hash of each version as recomputed from its rows file', () => {
    const h = history(2025, '420583103201');
    expect(h.versions[1]!.hash).toBe(contentHash(readFileSync(join(site, 'rows', '2025', '420583103201.csv'), 'utf8')));
    expect(h.versions[0]!.hash).toBe(contentHash(readFileSync(join(site, 'publications', '2025-01-10', 'rows', '2025', '420583103201.csv'), 'utf8')));
  });

  it('counts the publication\'s changes and hashes its inputs', () => {
    const [first, second] = json<PublicationRecord[]>('publications.json');
    expect(first).toMatchObject({ id: '2025-01-10', notices: 5, new: 5, corrected: 0, withdrawn: 0 });
    expect(second).toMatchObject({ id: '2025-02-15', asOf: '2025-02-14', notices: 5, new: 1, corrected: 3, withdrawn: 1, rowsAdded: 1, rowsRemoved: 2, rowsChanged: 4 });
    expect(second!.inputs.map((i) => i.file)).toEqual(['enrollment.csv', 'payments.csv', 'regions.csv', 'site.json']);
    expect(second!.inputs.every((i) => /^[0-9a-f]{64}$/.test(i.sha256) && i.bytes > 0)).toBe(true);
  });

  it('lists the corrections newest first and feeds them to the county and the township', () => {
    const changes = json<ChangeEntry[]>('changes.json');
    expect(changes.map((e) => `${e.kind} ${e.year} ${e.code}`)).toEqual([
      'corrected 2025 420583103201', 'corrected 2025 420583103202', 'corrected 2025 420583104001', 'new 2024 420583103202', 'withdrawn 2024 420583104001',
    ]);
    const county = json<FeedFile>('feeds', '420583000000.json');
    expect(county.updated).toBe('2025-02-15');
    expect(county.entries).toHaveLength(5 + 5); // this publication's five events and the first publication's five notices
    const town = json<FeedFile>('feeds', '420583104000.json');
    expect(town.entries.map((e) => `${e.publication} ${e.kind} ${e.year}`)).toEqual(['2025-02-15 corrected 2025', '2025-02-15 withdrawn 2024', '2025-01-10 new 2025', '2025-01-10 new 2024']);
  });

  it('keeps of the earlier publication only the rows that version pages show', () => {
    expect(json<VersionedNotice[]>('versions.json').map((v) => `${v.year} ${v.code} ${v.rows.join('/')}${v.withdrawn ? ' withdrawn' : ''}`)).toEqual([
      '2024 420583104001 1 withdrawn', '2025 420583103201 5/6', '2025 420583103202 2/1', '2025 420583104001 2/2',
    ]);
    const old = join(site, 'publications', '2025-01-10');
    expect(readdirSync(old).sort()).toEqual(['meta.json', 'regions.json', 'rows']);
    expect(readdirSync(join(old, 'rows', '2025')).sort()).toEqual(['420583103201.csv', '420583103202.csv', '420583104001.csv']);
    expect(readdirSync(join(old, 'rows', '2024'))).toEqual(['420583104001.csv']);
    expect(existsSync(join(old, 'rows', '2024', '420583103201.csv'))).toBe(false); // unchanged: the site's own rows
  });
});
