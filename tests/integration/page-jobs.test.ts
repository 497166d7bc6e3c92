/**
 * The build in separate jobs, as the README describes it for several machines: the data
 * job, one job per page shard, and the stitch job (stitch, search index, manifest) publish
 * the same site, byte for byte, as `npm run build` does in one go.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir, treeHash } from '../helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const BUILD_TIMEOUT = 300_000;
const work = tempDir('gongshi-jobs-');

function run(script: string, args: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(process.execPath, [join(root, 'scripts', script), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  expect(r.status, `${script} ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
}

describe('a build in separate jobs', () => {
  const data = join(work, 'jobs', 'site-data');
  const site = join(work, 'jobs', 'dist');

  beforeAll(() => {
    const exportDir = fixture('publications');
    run('build.ts', [], { DATA_DIR: exportDir, DIST_DIR: join(work, 'one', 'dist'), SITE_DATA_DIR: join(work, 'one', 'data') });
    // The commands of the README, "Building in shards".
    run('build.ts', ['--data-only'], { DATA_DIR: exportDir, SITE_DATA_DIR: data });
    for (const k of [0, 1]) run('build-pages.ts', ['--shard', `${k}/2`, '--out', join(work, 'jobs', `shard-${k}`)], { SITE_DATA_DIR: data });
    run('build-pages.ts', ['--stitch', '--out', site, join(work, 'jobs', 'shard-0'), join(work, 'jobs', 'shard-1')], {});
    run('search-index.ts', [site, data], {});
    run('site-index.ts', [site, data], {});
  }, BUILD_TIMEOUT);

  it('publishes the same site and data as one build', () => {
    const one = treeHash(join(work, 'one', 'dist'));
    const jobs = treeHash(site);
    expect(Object.keys(one).length).toBeGreaterThan(100);
    expect(Object.keys({ ...one, ...jobs }).filter((k) => one[k] !== jobs[k])).toEqual([]);
    expect(treeHash(data)).toEqual(treeHash(join(work, 'one', 'data')));
  });
});
