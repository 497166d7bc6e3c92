/**
 * The build in separate jobs, as the README describes it for several machines: data part
 * jobs, lookup jobs on their spills and the data job that merges them, one job per page shard (its pages and the search bundles of the counties it renders
 * whole), and the stitch job (stitch, the rest of the search index, manifest) publish the
 * same site, byte for byte, as `npm run build` does in one Astro build and one search stage.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir, treeHash } from '../helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const BUILD_TIMEOUT = 300_000;
const work = tempDir('gongshi-jobs-');
/** The hand-made publications with their second township moved into a county of its own. */
const COUNTIES = ['420582000000', '420583000000'];

function run(script: string, args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, [join(root, 'scripts', script), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  expect(r.status, `${script} ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout + r.stderr;
}

/** tests/fixtures/publications with township 420583104 as 420582104, under a county 当阳市 (420582). */
function twoCountyHistory(dir: string): string {
  cpSync(fixture('publications'), dir, { recursive: true });
  for (const id of readdirSync(dir).filter((n) => /^\d{4}-/.test(n))) {
    for (const file of ['regions.csv', 'payments.csv', 'enrollment.csv']) {
      const path = join(dir, id, file);
      let text = readFileSync(path, 'utf8').replaceAll('420583104', '420582104');
      if (file === 'regions.csv') text = text.replace(/\n/, '\n420582000000,当阳市\n');
      writeFileSync(path, text);
    }
  }
  return dir;
}

describe('a build in separate jobs', () => {
  const data = join(work, 'jobs', 'site-data');
  const site = join(work, 'jobs', 'dist');
  const shard = (k: number): string => join(work, 'jobs', `shard-${k}`);
  const shardBundles: string[][] = [];
  const dataPartLogs: string[] = [];
  let latestExport = '';
  let stitchLog = '';

  beforeAll(() => {
    const exportDir = twoCountyHistory(join(work, 'export'));
    // One Astro build of every page; every search bundle built by the search stage.
    run('build.ts', [], { DATA_DIR: exportDir, DIST_DIR: join(work, 'one', 'dist'), SITE_DATA_DIR: join(work, 'one', 'data'), PAGE_JOBS: '1' });
    // The commands of the README, "Building in shards": data part jobs of the latest
    // publication, lookup jobs on their spills, then the data job, which merges them
    // (earlier publications run in it).
    latestExport = join(exportDir, readdirSync(exportDir).filter((n) => /^\d{4}-/.test(n)).sort().at(-1)!);
    const parts = join(work, 'jobs', 'data-parts');
    for (const k of [0, 1]) dataPartLogs.push(run('build-data.ts', ['--data', latestExport, '--part', `${k}/2`, '--out', join(parts, `part-${k}`)], {}));
    for (const k of [0, 1]) run('build-data.ts', ['--data', latestExport, '--lookup', `${k}/2`, '--parts', parts, '--out', join(work, 'jobs', 'lookups', `lookup-${k}`)], {});
    run('build.ts', ['--data-only'], { DATA_DIR: exportDir, SITE_DATA_DIR: data, DATA_PARTS: parts, DATA_LOOKUPS: join(work, 'jobs', 'lookups') });
    for (const k of [0, 1]) {
      run('build-pages.ts', ['--shard', `${k}/2`, '--out', shard(k)], { SITE_DATA_DIR: data });
      run('search-index.ts', ['--shard', `${k}/2`, shard(k), data], {});
      shardBundles.push(existsSync(join(shard(k), 'pagefind', 'county')) ? readdirSync(join(shard(k), 'pagefind', 'county')).sort() : []);
    }
    run('build-pages.ts', ['--stitch', '--out', site, shard(0), shard(1)], {});
    stitchLog = run('search-index.ts', ['--keep-counties', site, data], {});
    run('site-index.ts', [site, data], {});
  }, BUILD_TIMEOUT);

  it('indexes each county in the page job that renders it whole, and keeps those bundles', () => {
    expect(shardBundles).toEqual([[COUNTIES[0]], [COUNTIES[1]]]);
    expect(stitchLog).toContain('其中 2 个由页面分片生成');
  });

  it('reads the latest publication\'s payments in the data part jobs, together every row', () => {
    const rows = dataPartLogs.map((l) => Number(/数据分片 \d\/2：\d+ 个村（社区）年度，(\d+) 行缴费记录/.exec(l)![1]));
    const payments = readFileSync(join(latestExport, 'payments.csv'), 'utf8').trim().split('\n').length - 1;
    expect(rows[0]! + rows[1]!).toBe(payments);
    // The parts' files went into the data job's output.
    expect(readdirSync(join(work, 'jobs', 'data-parts', 'part-0')).sort()).toEqual(['issues.txt', 'part.used.json']);
    // And the lookup jobs' shards.
    expect(readdirSync(join(work, 'jobs', 'lookups', 'lookup-0')).sort()).toEqual(['lookup', 'lookup-job.used.json']);
  });

  it('publishes the same site and data as one build', () => {
    const one = treeHash(join(work, 'one', 'dist'));
    const jobs = treeHash(site);
    expect(Object.keys(one).length).toBeGreaterThan(100);
    for (const code of COUNTIES) expect(Object.keys(jobs).some((f) => f.startsWith(`/pagefind/county/${code}/`)), code).toBe(true);
    expect(Object.keys({ ...one, ...jobs }).filter((k) => one[k] !== jobs[k])).toEqual([]);
    expect(treeHash(data)).toEqual(treeHash(join(work, 'one', 'data')));
  });

  it('stops on a county bundle that is not the publication\'s, and leaves the page jobs\' bundles for a second run', () => {
    const stray = join(site, 'pagefind', 'county', '429999000000');
    mkdirSync(stray, { recursive: true });
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'search-index.ts'), '--keep-counties', site, data], { cwd: root, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('429999000000 不属于这次发布');
    for (const code of COUNTIES) expect(existsSync(join(site, 'pagefind', 'county', code, 'pagefind-entry.json')), code).toBe(true);
    rmSync(stray, { recursive: true });
    expect(run('search-index.ts', ['--keep-counties', site, data], {})).toContain('其中 2 个由页面分片生成');
    const one = treeHash(join(work, 'one', 'dist'));
    const again = treeHash(site);
    expect(Object.keys({ ...one, ...again }).filter((k) => one[k] !== again[k])).toEqual([]);
  });

  it('gives the same site when the build runs two page shards at once, each indexing its county', () => {
    const log = run('build.ts', [], { DATA_DIR: join(work, 'export'), DIST_DIR: join(work, 'two', 'dist'), SITE_DATA_DIR: join(work, 'two', 'data'), PAGE_JOBS: '2', PAGE_SHARDS: '2' });
    expect(log).toContain('其中 2 个由页面分片生成');
    // Officials run the build: no English warnings from Astro or the bundler in its log.
    expect(log).not.toMatch(/\[WARN\]|warning/i);
    const one = treeHash(join(work, 'one', 'dist'));
    const two = treeHash(join(work, 'two', 'dist'));
    expect(Object.keys({ ...one, ...two }).filter((k) => one[k] !== two[k])).toEqual([]);
  }, BUILD_TIMEOUT);
});
