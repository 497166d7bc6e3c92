/**
 * The pages stage: Astro renders the site from the data stage's output (SITE_DATA_DIR), in
 * `jobs` shards at once (src/lib/page-shards.ts), each an Astro build in a process of its
 * own, and the shards' folders are stitched into one site. The stitched site is the same,
 * byte for byte, as one build of every page (tested).
 *
 *   node scripts/build-pages.ts --out DIR [--shard k/n]       one shard (or the whole site)
 *        [--synced]                                           skip Astro's content sync: `astro sync` ran since the project changed
 *   node scripts/build-pages.ts --stitch --out DIR SHARD…     stitch shard folders into DIR
 *
 * The two commands are how shards run as separate jobs (several machines, a CI matrix):
 * see the README, "Building a province in shards".
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pageShardCount, parsePageShard, shardHeapMb, wholeCounties } from '../src/lib/page-shards.ts';
import type { PublishedRegion } from '../src/lib/publish.ts';

const root = resolve(import.meta.dirname, '..');

/**
 * Renders one shard (null: every page) into `outDir`, in this process. `synced`: the content
 * collections were synced since the project last changed ({@link syncContent}), so the build
 * skips its own sync (about 1.2 s of generating types in each shard on a county).
 */
export async function renderShard(outDir: string, shard: string | null, synced = false): Promise<void> {
  parsePageShard(shard ?? undefined); // a malformed value stops here, before Astro starts
  // The pages (src/lib/site-data.ts) resolve it once they are loaded, in the folder below.
  process.env.SITE_DATA_DIR = resolve(process.env.SITE_DATA_DIR ?? '.data');
  if (shard) process.env.PAGE_SHARD = shard;
  else delete process.env.PAGE_SHARD;
  const { build } = await import('astro');
  // Astro writes its prerender bundle inside outDir only when outDir is under the working
  // directory, else in <cwd>/.astro/.prerender/, shared by every build from this checkout:
  // concurrent builds into other folders (tests, shards) then load each other's chunks. A
  // working directory of this build's own under .astro/ keeps the bundle private (and
  // inside the project, where its imports resolve).
  const cwd = process.cwd();
  const buildCwd = resolve(root, '.astro', `build-${process.pid}`);
  mkdirSync(buildCwd, { recursive: true });
  process.chdir(buildCwd);
  try {
    // `sync` is an option of Astro's builder that its public type does not list; without it
    // the build syncs as always.
    const options = { sync: !synced } as Parameters<typeof build>[1];
    await build({ root, outDir, logLevel: process.env.ASTRO_LOG === 'info' ? 'info' : 'warn' }, options);
  } finally {
    process.chdir(cwd);
    rmSync(buildCwd, { recursive: true, force: true });
  }
}

/**
 * Moves everything of `from` into `into`: a file or folder `into` lacks is moved whole (one
 * rename); a file both have must be the same bytes (pages every shard renders), else the
 * shards disagree and the stitch stops. Returns the number of such shared files.
 */
export function mergeTree(from: string, into: string, rel = ''): number {
  let shared = 0;
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(into, entry.name);
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (!existsSync(dst)) {
      renameSync(src, dst);
    } else if (entry.isDirectory() && statSync(dst).isDirectory()) {
      shared += mergeTree(src, dst, path);
    } else if (entry.isFile() && statSync(dst).isFile() && readFileSync(src).equals(readFileSync(dst))) {
      shared++;
    } else {
      throw new Error(`页面分片的输出不一致：${path}（同一文件在两个分片中内容不同）`);
    }
  }
  return shared;
}

/** Stitches shard folders into `outDir` (which must not exist): the first becomes it, the others are merged in, then removed. */
export function stitchShards(shardDirs: readonly string[], outDir: string): void {
  if (existsSync(outDir)) throw new Error(`${outDir} already exists: stitch into a new folder`);
  if (!shardDirs.length) throw new Error('no shard folders to stitch');
  renameSync(shardDirs[0]!, outDir);
  for (const dir of shardDirs.slice(1)) {
    mergeTree(dir, outDir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs this script for one shard in a child process with a heap limit (MiB); resolves when
 * it succeeded. The heap starts at half the limit: with the limit alone V8 collects from a
 * small heap up, and the ten-county site's pages took 104–108 s against 72–91 s without a
 * limit (two shards at once, four runs each, alternated); starting at half took 89 and
 * 93 s, with both processes at 1,640–1,700 MiB against 1,950–2,030 MiB without a limit.
 * (buildPages on the data kept by `npm run bench -- --size counties10 --keep`, the process
 * tree's RSS read from /proc every 200 ms, as the bench does.)
 */
function runShardProcess(outDir: string, shard: string, heapMb: number): Promise<void> {
  const heap = [`--max-old-space-size=${heapMb}`, `--initial-old-space-size=${Math.floor(heapMb / 2)}`];
  return runScript([...heap, join(import.meta.dirname, 'build-pages.ts'), '--out', outDir, '--shard', shard, '--synced'], `页面分片 ${shard} 生成失败`);
}

/**
 * Runs Node with `args` in a child process; resolves when it succeeded, else rejects with
 * `failure`. `quiet`: its output is kept back, and is the rejection's message after `failure`.
 */
function runScript(args: string[], failure: string, quiet = false): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: process.env });
    const output: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => output.push(b));
    child.stderr?.on('data', (b: Buffer) => output.push(b));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) done();
      else fail(new Error(`${failure}（退出码 ${code}）${output.length ? `\n${Buffer.concat(output).toString()}` : ''}`));
    });
  });
}

/**
 * Syncs the content collections into <root>/.astro/ in a process of its own. Every Astro
 * build first syncs them, writing `content-assets.mjs` through the same temporary name: two
 * builds starting at once on a fresh checkout raced there (one's rename found the other's
 * file gone, ENOENT). A build finds the file up to date and leaves it alone once one sync
 * has run, so shards run at once need one sync before them. It reads only the project
 * (src/content), not the data: scripts/build.ts runs it while the data stage runs, so its
 * log is kept back (it would land amid the data stage's report); a failure carries it.
 */
export function syncContent(): Promise<void> {
  return runScript([join(root, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'sync', '--root', root], '内容集合同步失败', true);
}

/**
 * Renders the site of SITE_DATA_DIR into `outDir` in `shards` Astro builds, `jobs` of them at
 * once (each a process: Astro's build is single-threaded), then stitches them. By default
 * the site is cut into shards of at most SHARD_WEIGHT (src/lib/page-shards.ts), at least
 * one per job, so that each process's memory stays bounded whatever the site's size; each
 * runs with a heap limit fitted to its shard. One shard renders every page in this process.
 * With `search`, each shard's process is followed by one that builds the search bundles of
 * the counties the shard renders whole (scripts/search-index.ts --shard), stitched with the
 * pages; the search stage then keeps them (`keepCounties`). `contentSynced`: the caller has
 * run {@link syncContent} since the project last changed.
 */
export async function buildPages(opts: { outDir: string; jobs: number; shards?: number; search?: boolean; contentSynced?: boolean }): Promise<void> {
  const jobs = Math.max(1, Math.floor(opts.jobs));
  const dataDir = resolve(process.env.SITE_DATA_DIR ?? '.data');
  const regions = JSON.parse(readFileSync(join(dataDir, 'regions.json'), 'utf8')) as PublishedRegion[];
  const shards = Math.max(1, Math.floor(opts.shards ?? pageShardCount(regions, jobs)));
  const heapMb = shardHeapMb(regions, shards);
  const shardsDir = `${opts.outDir}.shards`;
  rmSync(shardsDir, { recursive: true, force: true });
  const dirs = Array.from({ length: shards }, (_, k) => join(shardsDir, String(k)));
  try {
    if (shards === 1) await renderShard(dirs[0]!, null, opts.contentSynced);
    else {
      // One sync for every shard (each would otherwise sync on its own, and two at once race).
      if (!opts.contentSynced) await syncContent();
      // A pool of `jobs` workers taking the shards in order; after a failure no shard starts,
      // and the running ones finish before their folders are removed.
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let k = next++; k < shards; k = next++) {
          try {
            await runShardProcess(dirs[k]!, `${k}/${shards}`, heapMb);
            // One bundle at a time: the other job's shard keeps the second core busy. A shard
            // that renders no county whole (a county's site cut in two) has none to build.
            if (opts.search && wholeCounties(regions, { index: k, count: shards }).length) await runScript([join(import.meta.dirname, 'search-index.ts'), '--shard', `${k}/${shards}`, '--jobs', '1', dirs[k]!, dataDir], `页面分片 ${k}/${shards} 的搜索索引生成失败`);
          } catch (e) {
            next = shards;
            throw e;
          }
        }
      };
      const failed = (await Promise.allSettled(Array.from({ length: Math.min(jobs, shards) }, worker))).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    stitchShards(dirs, opts.outDir);
  } finally {
    rmSync(shardsDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string' }, shard: { type: 'string' }, stitch: { type: 'boolean', default: false }, synced: { type: 'boolean', default: false } } });
  if (!values.out) throw new Error('usage: build-pages.ts --out DIR [--shard k/n] [--synced] | --stitch --out DIR SHARD…');
  const outDir = resolve(values.out);
  if (values.stitch) stitchShards(positionals.map((p) => resolve(p)), outDir);
  else await renderShard(outDir, values.shard ?? null, values.synced);
}
