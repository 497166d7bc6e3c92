/**
 * One command from export to site: sample data when no export is given, the data
 * stage, the Astro build, then an atomic swap. A failed or interrupted build leaves
 * the previous `dist/` (and `.data/`) untouched.
 *
 *   DATA_DIR=/path/to/export npm run build
 *   DATA_DIR=/path/to/export node scripts/build.ts --data-only    the data stage and history only
 *   DATA_DIR=/path/to/export node scripts/build.ts --no-cache     every data stage runs, none is taken from the cache
 *
 * DATA_DIR is one export folder, or a history folder with `publications/<id>/` (each a
 * full export, id = publication date): the data stage runs once per publication, the
 * latest is the current site and notices keep their earlier versions (scripts/publications.ts).
 *
 * Environment: DATA_DIR (export or history folder, default: data/sample-history, made from
 * the generated sample in data/sample by scripts/make-corrections.ts), DIST_DIR (site output,
 * default dist/), SITE_DATA_DIR (data stage output, default .data/), BUILD_JOBS (data stages
 * run at once, default 2), PAGE_JOBS (Astro builds run at once, each rendering a shard of
 * the pages, default: one per core, at most 2; scripts/build-pages.ts), PAGE_SHARDS (how
 * many shards the pages are cut into, default: by the site's size, at least PAGE_JOBS),
 * SEARCH_JOBS (county search bundles built at once, same default; scripts/search-index.ts),
 * DATA_PARTS (a folder of data part jobs' folders, `node scripts/build-data.ts --part k/n`, taken
 * instead of reading the latest publication's payments here; scripts/build-data.ts),
 * DATA_LOOKUPS (a folder of lookup jobs' folders, `node scripts/build-data.ts --lookup k/n`,
 * made from the parts of DATA_PARTS: their lookup shards are taken instead of made here),
 * DATA_CACHE_DIR (the data stage cache, default: SITE_DATA_DIR + `.cache`; scripts/data-cache.ts),
 * BUILD_TIMINGS (a file to write each stage's wall time to, as JSON, for scripts/bench.ts).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { buildPages, syncContent } from './build-pages.ts';
import { buildSearchIndex } from './search-index.ts';
import { findPublications, runPublicationStages, writeHistory } from './publications.ts';
import { makeCorrections } from './make-corrections.ts';
import { writeSiteIndex } from './site-index.ts';
import { defaultJobs, positiveInt } from './worker-result.ts';

const root = resolve(import.meta.dirname, '..');
const sampleDir = resolve(root, 'data/sample');
const dataDir = resolve(process.env.DATA_DIR ?? resolve(root, 'data/sample-history'));
const dataOut = resolve(process.env.SITE_DATA_DIR ?? resolve(root, '.data'));
const distOut = resolve(process.env.DIST_DIR ?? resolve(root, 'dist'));
const dataNext = `${dataOut}.next`;
/** `--data-only`: stop after the data stage and the history, and publish SITE_DATA_DIR alone (for page jobs). */
const dataOnly = process.argv.includes('--data-only');
/**
 * `--data-stages`: how the build runs the data stage and the history (into SITE_DATA_DIR +
 * `.next`), in a process of its own, so that their memory goes back to the system before
 * the pages stage starts. Worker threads leave memory behind in the process that ran them:
 * on a county, 455 MB resident after the data stage with 20 MB of JavaScript heap, and a
 * full collection freed none of it (`process.memoryUsage()` around the two stages, on the
 * export of `npm run bench -- --size county`); on a province, 774 MB when the pages stage peaked at about 2.2 GB.
 */
const dataStagesOnly = process.argv.includes('--data-stages');
const distNext = `${distOut}.next`;
/** Data stage outputs by input and code hash (scripts/data-cache.ts); `--no-cache` runs every stage. */
const cacheDir = process.argv.includes('--no-cache') ? undefined : resolve(process.env.DATA_CACHE_DIR ?? `${dataOut}.cache`);
/** Each publication's data stage output before it is moved into dataNext. */
const pubsNext = `${dataOut}.next-publications`;

/**
 * Wall time of each stage, written to BUILD_TIMINGS for the benchmark, with its start and
 * end as epoch milliseconds so memory samples taken outside the build can be matched to it.
 */
const timings: Array<{ stage: string; seconds: number; start: number; end: number }> = [];
let stageStart = performance.now();
function stageDone(stage: string): void {
  const now = performance.now();
  const epoch = (t: number): number => Math.round(performance.timeOrigin + t);
  timings.push({ stage, seconds: (now - stageStart) / 1000, start: epoch(stageStart), end: epoch(now) });
  stageStart = now;
  // Written after every stage, so a long run that fails or is stopped still shows where the time went.
  if (process.env.BUILD_TIMINGS) writeFileSync(process.env.BUILD_TIMINGS, JSON.stringify(timings, null, 1) + '\n');
}

function cleanNext(): void {
  rmSync(dataNext, { recursive: true, force: true });
  rmSync(distNext, { recursive: true, force: true });
  rmSync(pubsNext, { recursive: true, force: true });
  rmSync(`${distNext}.shards`, { recursive: true, force: true });
}

/**
 * Puts `next` in place of `out` with two renames (the old tree is deleted only after), so
 * the published folder is missing for an instant at most, never half-deleted.
 */
function swapIn(next: string, out: string): void {
  const old = `${out}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(out)) renameSync(out, old);
  renameSync(next, out);
}

/** A build killed between the two renames of {@link swapIn} left `out.old` and no `out`: put the old site back. */
function recoverSwap(out: string): void {
  const old = `${out}.old`;
  if (!existsSync(old)) return;
  if (existsSync(out)) rmSync(old, { recursive: true, force: true });
  else renameSync(old, out);
}

/** A positive integer from the environment, undefined when unset; anything else stops the build before it starts. */
const positiveIntEnv = (name: string): number | undefined => positiveInt(name, process.env[name]);

const log = (l: string): void => console.log(l);

/** The data stage of every publication, then the history, into dataNext; false when an export is invalid. */
async function dataStages(): Promise<boolean> {
  const t0 = performance.now();
  const jobs = positiveIntEnv('BUILD_JOBS');
  const sources = findPublications(dataDir);
  console.log(`读取导出数据：${dataDir}${sources.length > 1 ? `（${sources.length} 次发布：${sources.map((s) => s.id).join('、')}）` : ''}`);
  const partsDir = process.env.DATA_PARTS ? resolve(process.env.DATA_PARTS) : undefined;
  const lookupsDir = process.env.DATA_LOOKUPS ? resolve(process.env.DATA_LOOKUPS) : undefined;
  const outs = await runPublicationStages({ sources, stagingDir: pubsNext, reportFile: resolve(root, 'reports/data-issues.txt'), log, jobs, cacheDir, partsDir, lookupsDir });
  if (!outs) return false;
  // The latest publication is the site's data; earlier ones go under it, then notices are compared.
  renameSync(outs[outs.length - 1]!, dataNext);
  const outputs = sources.map((source, i) => ({ source, dir: i === sources.length - 1 ? dataNext : join(dataNext, 'publications', source.id!) }));
  if (sources.length > 1) mkdirSync(join(dataNext, 'publications'));
  for (let i = 0; i < sources.length - 1; i++) renameSync(outs[i]!, outputs[i]!.dir);
  rmSync(pubsNext, { recursive: true, force: true });
  stageDone(`data stage (${sources.length} publication${sources.length > 1 ? 's' : ''})`);
  const tHistory = performance.now();
  await writeHistory({ outputs, siteDataDir: dataNext, log });
  if (sources.length > 1) console.log(`比较 ${sources.length} 次发布用时 ${((performance.now() - tHistory) / 1000).toFixed(1)} 秒`);
  console.log(`数据处理用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`);
  stageDone('corrections and history');
  return true;
}

/** The data stages' process while it runs, stopped with this one. */
let stagesChild: ChildProcess | null = null;

/** Runs {@link dataStages} in a process of its own (`--data-stages`); resolves true when it succeeded. */
function dataStagesProcess(): Promise<boolean> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [import.meta.filename, '--data-stages', ...(cacheDir ? [] : ['--no-cache'])], { stdio: 'inherit' });
    stagesChild = child;
    child.on('error', fail);
    child.on('close', (code) => {
      stagesChild = null;
      done(code === 0);
    });
  });
}

async function main(): Promise<number> {
  if (dataStagesOnly) return (await dataStages()) ? 0 : 1;
  const pageJobs = positiveIntEnv('PAGE_JOBS') ?? defaultJobs();
  const pageShards = positiveIntEnv('PAGE_SHARDS');
  const searchJobs = positiveIntEnv('SEARCH_JOBS');
  recoverSwap(distOut);
  recoverSwap(dataOut);
  cleanNext();
  if (!process.env.DATA_DIR) {
    if (!existsSync(resolve(sampleDir, 'payments.csv'))) {
      console.log(`没有指定 DATA_DIR，生成示例数据到 ${sampleDir} …`);
      const gen = spawnSync(process.execPath, [resolve(root, 'scripts/generate-sample.ts'), '--out', sampleDir], { stdio: 'inherit' });
      if (gen.status !== 0) return 1;
    }
    // The sample site shows corrections: a second publication derived from the sample.
    await makeCorrections({ from: sampleDir, out: dataDir, log });
  }
  const t0 = performance.now();
  stageStart = t0;
  if (dataOnly) {
    if (!(await dataStages())) return 1;
    // For builds in separate jobs (README, "Building in shards"): page jobs read this folder.
    swapIn(dataNext, dataOut);
    rmSync(`${dataOut}.old`, { recursive: true, force: true });
    console.log(`数据已生成：${dataOut}。总用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`);
    return 0;
  }
  // Astro's content sync, which the page shards then skip, reads only the project: it runs
  // while the data stage does (on a county, about 3 s that no longer wait).
  const [staged, synced] = await Promise.allSettled([dataStagesProcess(), syncContent()]);
  if (synced.status === 'rejected') throw synced.reason;
  if (staged.status === 'rejected') throw staged.reason;
  if (!staged.value) return 1;
  // The child wrote its stages' timings: this process's follow them.
  if (process.env.BUILD_TIMINGS) timings.push(...(JSON.parse(readFileSync(process.env.BUILD_TIMINGS, 'utf8')) as typeof timings));
  stageStart = performance.now();

  process.env.SITE_DATA_DIR = dataNext;
  // The page shards' processes also index the counties they render whole.
  await buildPages({ outDir: distNext, jobs: pageJobs, shards: pageShards, search: true, contentSynced: true });
  stageDone('astro pages');
  // The search index belongs to this build: indexed before the swap, so a failure publishes nothing.
  await buildSearchIndex({ siteDir: distNext, dataDir: dataNext, log: (l) => console.log(l), jobs: searchJobs, keepCounties: true });
  stageDone('search index');
  // Manifest and sitemap last: they list and hash the files exactly as they will be served.
  await writeSiteIndex({ siteDir: distNext, dataDir: dataNext, log });
  stageDone('manifest and sitemap');

  // Swap only now that everything succeeded.
  swapIn(distNext, distOut);
  swapIn(dataNext, dataOut);
  rmSync(`${distOut}.old`, { recursive: true, force: true });
  rmSync(`${dataOut}.old`, { recursive: true, force: true });
  console.log(`网站已生成：${distOut}（预览：npm run preview）。总用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`);
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stagesChild?.kill(signal);
    cleanNext();
    process.exit(130);
  });
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  if (process.exitCode !== 0) {
    cleanNext();
    // The data stages' process leaves the message to the build that started it.
    if (!dataStagesOnly) console.error('构建失败，已发布的网站（dist/）保持不变。');
  }
}
