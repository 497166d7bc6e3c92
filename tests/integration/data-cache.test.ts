/**
 * The data stage cache (scripts/data-cache.ts), with the real build command: a build takes
 * a publication's data stage output from the cache only when its inputs and the code are
 * unchanged, and what it publishes is byte for byte what a build without the cache
 * publishes: after a plain rebuild, after a new publication is added, after an input
 * changed, and when a cached file was changed.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir, treeHash } from '../helpers.ts';
import { dataStageSources, restoreStage, stageKey, storeStage } from '../../scripts/data-cache.ts';

const root = resolve(import.meta.dirname, '../..');
const BUILD_TIMEOUT = 300_000;
const IDS = ['2025-01-10', '2025-02-15'];
const NEW_ID = '2025-03-01';

/** Runs the build on `history` into `out` (SITE_DATA_DIR out/data, so the cache is out/data.cache). */
function build(history: string, out: string, args: string[] = ['--data-only']) {
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.ts'), ...args], {
    cwd: root, encoding: 'utf8', maxBuffer: 64 << 20,
    env: { ...process.env, DATA_DIR: history, DIST_DIR: join(out, 'dist'), SITE_DATA_DIR: join(out, 'data') },
  });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return r.stdout;
}

/** The publications whose data stage output the build took from the cache, from its log. */
const cachedIds = (log: string): string[] => [...log.matchAll(/\[发布 ([\d-]+)\] 导出文件和程序都与上次相同/g)].map((m) => m[1]!).sort();

/** What a build without the cache publishes from `history`: its data, and its site when `full`. */
function reference(history: string, full = false): { data: Record<string, string>; dist?: Record<string, string> } {
  const out = tempDir('gongshi-cache-ref-');
  build(history, out, full ? ['--no-cache'] : ['--data-only', '--no-cache']);
  return { data: treeHash(join(out, 'data')), ...(full ? { dist: treeHash(join(out, 'dist')) } : {}) };
}

describe('the data stage cache', () => {
  const history = tempDir('gongshi-cache-history-');
  const out = tempDir('gongshi-cache-');
  const cache = join(out, 'data.cache');
  const pub = (id: string, file: string): string => join(history, 'publications', id, file);
  let first: string;

  beforeAll(() => {
    cpSync(fixture('publications'), join(history, 'publications'), { recursive: true });
    first = build(history, out);
  }, BUILD_TIMEOUT);

  it('is filled by a first build, one entry per publication', () => {
    expect(cachedIds(first)).toEqual([]);
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('gives a rebuild of unchanged inputs every publication, with its log, and the same bytes', () => {
    const data = treeHash(join(out, 'data'));
    const entries = treeHash(cache);
    const log = build(history, out);
    expect(cachedIds(log)).toEqual(IDS);
    // The replayed log has each file's reconciliation line, as a run of the stage prints it.
    expect(log.match(/\[发布 2025-01-10\] 核对 payments\.csv：读取 \d+ 行/g)).toHaveLength(1);
    expect(treeHash(join(out, 'data'))).toEqual(data);
    // Nothing in the build wrote into the cached (linked) files.
    expect(treeHash(cache)).toEqual(entries);
  }, BUILD_TIMEOUT);

  it('runs only a new publication, and the site equals a build without the cache', () => {
    cpSync(join(history, 'publications', IDS[1]!), join(history, 'publications', NEW_ID), { recursive: true });
    const site = JSON.parse(readFileSync(pub(NEW_ID, 'site.json'), 'utf8')) as { asOf: string };
    writeFileSync(pub(NEW_ID, 'site.json'), JSON.stringify({ ...site, asOf: '2025-02-28' }));
    const rows = readFileSync(pub(NEW_ID, 'payments.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(pub(NEW_ID, 'payments.csv'), rows.slice(0, -1).join('\n') + '\n');

    const log = build(history, out, []);
    expect(cachedIds(log)).toEqual(IDS);
    const ref = reference(history, true);
    expect(treeHash(join(out, 'data'))).toEqual(ref.data);
    const dist = treeHash(join(out, 'dist'));
    expect(Object.keys({ ...dist, ...ref.dist }).filter((k) => dist[k] !== ref.dist![k])).toEqual([]);
    // The cache holds the current publications' entries only.
    expect(readdirSync(cache)).toHaveLength(3);
  }, BUILD_TIMEOUT);

  it('runs again a publication whose input changed', () => {
    const file = pub(IDS[0]!, 'payments.csv');
    writeFileSync(file, readFileSync(file, 'utf8').replace(',400.00,', ',410.00,'));
    const log = build(history, out);
    expect(cachedIds(log)).toEqual([IDS[1]!, NEW_ID]);
    expect(treeHash(join(out, 'data'))).toEqual(reference(history).data);
    expect(readdirSync(cache)).toHaveLength(3);
  }, BUILD_TIMEOUT);

  it('does not use an entry whose files were changed after it was stored, and replaces it', () => {
    const key = readdirSync(cache).find((k) => readFileSync(join(cache, k, 'stage.json'), 'utf8').includes('"payments.csv"') && readFileSync(join(cache, k, 'files.tsv'), 'utf8').includes('rows/'))!;
    const rowsFile = readFileSync(join(cache, key, 'files.tsv'), 'utf8').split('\n').find((l) => l.startsWith('rows/'))!.split('\t')[0]!;
    appendFileSync(join(cache, key, 'out', rowsFile), '2025,420583103201,假*,420583********0000,1.00,2024-09-03,窗口,已到账\n');
    const log = build(history, out);
    expect(cachedIds(log)).toHaveLength(2);
    expect(treeHash(join(out, 'data'))).toEqual(reference(history).data);
    // Replaced by the stage's fresh output: the next build takes all three again.
    expect(cachedIds(build(history, out))).toEqual([...IDS, NEW_ID]);
  }, BUILD_TIMEOUT);
});

describe('the cache key', () => {
  it('covers every module the data stage loads, worker threads included, and nothing from pages', () => {
    const sources = dataStageSources();
    expect(sources).toEqual(expect.arrayContaining([
      'scripts/build-data.ts', 'scripts/data-part-worker.ts', 'scripts/lookup-range-worker.ts', 'scripts/pending-stage.ts',
      'src/lib/checks.ts', 'src/lib/ingest.ts', 'src/lib/encoding.ts',
    ]));
    expect(sources.filter((s) => !/^(scripts|src\/lib)\//.test(s))).toEqual([]);
  });

  it('changes with the code and with any input file, not with anything else', async () => {
    const dir = tempDir('gongshi-cache-key-');
    cpSync(fixture('valid'), dir, { recursive: true });
    const key = (code: string) => stageKey({ dataDir: dir, code });
    const base = await key('a');
    expect(await key('a')).toBe(base);
    expect(await key('b')).not.toBe(base);
    writeFileSync(join(dir, 'notes.txt'), 'not an input');
    expect(await key('a')).toBe(base);
    for (const file of ['payments.csv', 'regions.csv', 'enrollment.csv', 'site.json']) {
      const before = readFileSync(join(dir, file));
      appendFileSync(join(dir, file), '\n');
      expect(await key('a'), file).not.toBe(base);
      writeFileSync(join(dir, file), before);
    }
    expect(await key('a')).toBe(base);
  });
});

describe('a cache entry', () => {
  it('gives back the output, the report, and the log lines naming the report where this build writes it', () => {
    const dir = tempDir('gongshi-cache-entry-');
    const [out, cache, again] = ['out', 'cache', 'again'].map((d) => join(dir, d)) as [string, string, string];
    mkdirSync(join(out, 'rows', '2025'), { recursive: true });
    writeFileSync(join(out, 'meta.json'), '{}');
    writeFileSync(join(out, 'rows', '2025', '420583103201.csv'), 'a,b\n');
    const [latest, earlier] = [join(dir, 'data-issues.txt'), join(dir, 'data-issues-2025-02-15.txt')];
    writeFileSync(latest, '提示\n');
    const result = { ok: true, reports: [], errors: 0, warnings: 1 };
    storeStage(cache, 'k', out, latest, { result, logs: [`1 条提示见 ${latest}。`] });
    // The publication is no longer the latest: its report goes to another file.
    const back = restoreStage(cache, 'k', again, earlier);
    expect(back).toEqual({ result, logs: [`1 条提示见 ${earlier}。`] });
    expect(treeHash(again)).toEqual(treeHash(out));
    expect(readFileSync(earlier, 'utf8')).toBe('提示\n');
    expect(restoreStage(cache, 'other', join(dir, 'none'), earlier)).toBeNull();
  });
});
