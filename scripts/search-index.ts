/**
 * The search stage: indexes the built site with Pagefind's Node API, in bundles (see
 * src/lib/search-shards.ts): the site bundle at `{siteDir}/pagefind/` and one bundle per
 * county at `{siteDir}/pagefind/county/{code}/`, listed in `pagefind/shards.json` for the
 * search page. Bundles are built one after the other, each in a fresh Pagefind process, so
 * memory follows the largest county, not the province; the county bundles are shared out
 * between `jobs` such sequences at once (default: one per core, at most 2), the others in
 * child processes of this script. `scripts/build.ts` runs it after the Astro build, before
 * the swap, so a failed index leaves the published site untouched.
 *
 *   node scripts/search-index.ts [siteDir] [dataDir]     re-index a built site (default dist/ .data/)
 *   node scripts/search-index.ts --keep-counties SITE DATA   the same, keeping the county bundles a
 *                                                         page job built (and building the others)
 *   node scripts/search-index.ts --shard k/n SHARD DATA   in a page job: the bundles of the counties
 *                                                         that page shard k of n renders whole
 *   node scripts/search-index.ts --child                  county bundles sent by the above (IPC)
 *
 * A county's bundle depends only on its own pages, so the job that renders all of them can
 * build it (src/lib/page-shards.ts, wholeCounties): the stitch moves it into the site with
 * the pages, and the search stage builds the site bundle and the counties split between
 * shards. The bundles are the same bytes wherever they were built (tested).
 *
 * Only pages that mark a `data-pagefind-body` are indexed (notice and region pages,
 * MDX articles), and of those only what is inside it; payment tables carry
 * `data-pagefind-ignore`. A county's pages are given to Pagefind without their payment
 * tables (the same index, several times faster: tests/integration/search.test.ts).
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as pagefind from 'pagefind';
import type { PublishedRegion } from '../src/lib/publish.ts';
import { COUNTY_BUNDLES, SHARDS_FILE, shardPath } from '../src/lib/search-client.ts';
import { defaultJobs, positiveInt } from './worker-result.ts';
import { parsePageShard, wholeCounties } from '../src/lib/page-shards.ts';
import { isSiteLevel, SITE_GLOB, shardIndex, unindexedRegionDirs, withoutPaymentTable } from '../src/lib/search-shards.ts';

/** The one index language: Pagefind's extended build segments Chinese words only for zh. */
export const SEARCH_LANGUAGE = 'zh-cn';

/**
 * Pagefind's prebuilt UIs, written with every bundle. The site has its own small search
 * client (src/pages/search/index.astro), so these would only be dead weight on the host.
 */
const UNUSED_UI_FILES = [
  'pagefind-ui.js', 'pagefind-ui.css', 'pagefind-modular-ui.js', 'pagefind-modular-ui.css',
  'pagefind-component-ui.js', 'pagefind-component-ui.css', 'pagefind-highlight.js',
];

/**
 * Also unused in a county bundle: the search page loads pagefind.js and its worker from the
 * site bundle only (a county bundle's WebAssembly stays: a sorted search opens the bundle
 * as an instance of its own).
 */
const UNUSED_IN_COUNTY = ['pagefind.js', 'pagefind-worker.js'];

/** What indexing produced. */
export interface SearchIndexResult {
  /** Pages in the index (those with a data-pagefind-body), over all bundles. */
  pages: number;
  /** Bundles: the site's and one per county. */
  bundles: number;
  /** Pages in the largest bundle. */
  largestBundle: number;
  /** Files and bytes of the bundle as published (after removing the unused UIs). */
  files: number;
  bytes: number;
  ms: number;
}

/** Options of {@link buildSearchIndex}. */
export interface SearchIndexOptions {
  /** The built site (Astro's outDir). */
  siteDir: string;
  /** The data stage's output the site was built from (its regions.json). */
  dataDir: string;
  log?: (line: string) => void;
  /** County bundles built at once (default: one per core, at most 2). */
  jobs?: number;
  /**
   * Keep the county bundles already in `siteDir/pagefind/county/` (built by the page jobs
   * from the same pages) and build only the missing ones. Default: every bundle is built.
   */
  keepCounties?: boolean;
}

interface PagefindResponse {
  errors: string[];
}

/** Throws with every error Pagefind reported, so no half-written index is published. */
function check<T extends PagefindResponse>(step: string, response: T): T {
  if (response.errors.length > 0) {
    throw new Error(`搜索索引生成失败（${step}）：\n${response.errors.map((e) => `  - ${e}`).join('\n')}`);
  }
  return response;
}

function walk(dir: string): Array<{ path: string; bytes: number }> {
  const out: Array<{ path: string; bytes: number }> = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...walk(p));
    else out.push({ path: p, bytes: st.size });
  }
  return out;
}

/**
 * The pages of a county's bundle, as site-relative paths in code order: what
 * `shardGlob(code)` selects (r/{code}/index.html and r/{code}/{year}/index.html of every
 * region under the county but the county itself).
 */
export function shardFiles(siteDir: string, regionDirs: readonly string[], countyCode: string): string[] {
  const prefix = countyCode.slice(0, 6);
  const files: string[] = [];
  // Filtered before sorting: this runs once per county over every region folder of the site.
  for (const code of regionDirs.filter((c) => c.startsWith(prefix) && !isSiteLevel(c)).sort()) {
    const dir = join(siteDir, 'r', code);
    if (existsSync(join(dir, 'index.html'))) files.push(`r/${code}/index.html`);
    for (const sub of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (sub.isDirectory() && existsSync(join(dir, sub.name, 'index.html'))) files.push(`r/${code}/${sub.name}/index.html`);
    }
  }
  return files;
}

/** Where a bundle's pages come from: a glob over the site, or listed files given without their payment tables. */
type BundlePages = { glob: string } | { files: string[] };

/** The languages of a written bundle and its pages in the site's language (its pagefind-entry.json). */
function bundleEntry(dir: string): { languages: string[]; count: number } {
  const entry = JSON.parse(readFileSync(join(dir, 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
  return { languages: Object.keys(entry.languages), count: entry.languages[SEARCH_LANGUAGE]?.page_count ?? 0 };
}

/**
 * Indexes `pages` in a fresh Pagefind process and writes the bundle to `outputPath`; every
 * Pagefind response is checked. Returns the pages indexed.
 */
async function indexBundle(siteDir: string, pages: BundlePages, outputPath: string, unused: readonly string[]): Promise<number> {
  const what = 'glob' in pages ? pages.glob : `${pages.files.length} 个文件`;
  try {
    const { index } = check('createIndex', await pagefind.createIndex({ forceLanguage: SEARCH_LANGUAGE }));
    if (!index) throw new Error('搜索索引生成失败（createIndex）：Pagefind 没有返回索引');
    let scanned = 0;
    if ('glob' in pages) {
      scanned = check('addDirectory', await index.addDirectory({ path: siteDir, glob: pages.glob })).page_count;
    } else {
      // One page at a time, in code order: Pagefind numbers pages in the order they arrive,
      // and the bundle must not depend on which of several replies comes first. The next
      // file is read while Pagefind indexes the current one.
      const read = (file: string | undefined): Promise<string> | null => {
        if (file === undefined) return null;
        const p = readFile(join(siteDir, file), 'utf8');
        p.catch(() => {}); // reported when awaited, not as an unhandled rejection meanwhile
        return p;
      };
      let next = read(pages.files[0]);
      for (let i = 0; i < pages.files.length; i++) {
        const html = await next!;
        next = read(pages.files[i + 1]);
        check(`addHTMLFile ${pages.files[i]}`, await index.addHTMLFile({ sourcePath: pages.files[i], content: withoutPaymentTable(html) }));
        scanned++;
      }
    }
    check('writeFiles', await index.writeFiles({ outputPath }));
    for (const name of unused) rmSync(join(outputPath, name), { force: true });
    const { languages, count } = bundleEntry(outputPath);
    if (languages.length !== 1 || count === 0) {
      throw new Error(`搜索索引生成失败（${what}）：查看了 ${scanned} 个页面，但索引为空或语言不对（${languages.join('、') || '无'}）。页面需带 data-pagefind-body。`);
    }
    return count;
  } finally {
    // Ends the Pagefind process: the next bundle starts with its memory freed.
    await pagefind.close();
  }
}

/**
 * Shares bundles out into `n` groups of about equal pages (largest first, each to the
 * group with the fewest pages so far), each group in code order. Empty groups are dropped.
 */
export function shareOut(bundles: ReadonlyArray<{ code: string; weight: number }>, n: number): string[][] {
  const groups = Array.from({ length: n }, () => ({ weight: 0, codes: [] as string[] }));
  const bySize = [...bundles].sort((a, b) => b.weight - a.weight || (a.code < b.code ? -1 : 1));
  for (const b of bySize) {
    const g = groups.reduce((min, x) => (x.weight < min.weight ? x : min));
    g.weight += b.weight;
    g.codes.push(b.code);
  }
  return groups.filter((g) => g.codes.length > 0).map((g) => g.codes.sort());
}

/** Builds county bundles one after the other, in this process; returns their page counts. */
async function indexCounties(siteDir: string, counties: ReadonlyArray<{ code: string; files: string[] }>): Promise<number[]> {
  const counts: number[] = [];
  for (const { code, files } of counties) {
    counts.push(await indexBundle(siteDir, { files }, join(siteDir, 'pagefind', shardPath(code)), [...UNUSED_UI_FILES, ...UNUSED_IN_COUNTY]));
  }
  return counts;
}

/** What a child process of this script indexes: county bundles and their pages, already listed. */
interface ChildTask {
  siteDir: string;
  counties: Array<{ code: string; files: string[] }>;
}

/** {@link indexCounties} in a child process running this script (its own Pagefind process). */
function indexCountiesInChild(task: ChildTask): Promise<number[]> {
  return new Promise((done, fail) => {
    const child = fork(import.meta.filename, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let counts: number[] | null = null;
    child.on('message', (m) => (counts = m as number[]));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 && counts ? done(counts) : fail(new Error(`搜索索引生成失败：县级分包（${task.counties.map((c) => c.code).join('、')}）的子进程退出码 ${code}`))));
    child.send(task);
  });
}

/** The site's region folders (names under r/). */
function regionDirsOf(siteDir: string): string[] {
  return existsSync(join(siteDir, 'r')) ? readdirSync(join(siteDir, 'r')) : [];
}

/**
 * Builds the county bundles `codes` of `siteDir` into `siteDir/pagefind/county/`, shared out
 * between `jobs` sequences: the last in this process, the others in child processes, each
 * with a Pagefind process of its own. Returns their page counts, in `codes` order.
 */
async function buildCountyBundles(siteDir: string, codes: readonly string[], jobsOpt?: number): Promise<number[]> {
  if (!codes.length) return [];
  const regionDirs = regionDirsOf(siteDir);
  const files = new Map(codes.map((code) => [code, shardFiles(siteDir, regionDirs, code)]));
  const jobs = Math.max(1, Math.min(jobsOpt ?? defaultJobs(), codes.length));
  const groups = shareOut(codes.map((code) => ({ code, weight: files.get(code)!.length })), jobs);
  const last = groups.pop() ?? [];
  const results = await Promise.all([
    ...groups.map((g) => indexCountiesInChild({ siteDir, counties: g.map((code) => ({ code, files: files.get(code)! })) })),
    indexCounties(siteDir, last.map((code) => ({ code, files: files.get(code)! }))),
  ]);
  const counts = new Map([...groups, last].flatMap((g, i) => g.map((code, j) => [code, results[i]![j]!] as const)));
  return codes.map((code) => counts.get(code)!);
}

/**
 * In a page job: builds, into `shardDir/pagefind/county/`, the bundles of the counties page
 * shard `shard` renders whole (the stitch then moves them into the site). Returns their codes.
 */
export async function buildShardCountyBundles(opts: { shardDir: string; dataDir: string; shard: string; jobs?: number; log?: (line: string) => void }): Promise<string[]> {
  const t0 = performance.now();
  const regions = JSON.parse(readFileSync(join(opts.dataDir, 'regions.json'), 'utf8')) as PublishedRegion[];
  const codes = wholeCounties(regions, parsePageShard(opts.shard));
  const counts = await buildCountyBundles(opts.shardDir, codes, opts.jobs);
  opts.log?.(`页面分片 ${opts.shard} 的搜索索引：${codes.length} 个县，${counts.reduce((s, n) => s + n, 0)} 个页面，用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`);
  return codes;
}

/** Indexes `siteDir` in Chinese, one bundle for the site and one per county, and writes `siteDir/pagefind/`. */
export async function buildSearchIndex({ siteDir, dataDir, log = () => {}, jobs, keepCounties = false }: SearchIndexOptions): Promise<SearchIndexResult> {
  const t0 = performance.now();
  const outputPath = join(siteDir, 'pagefind');
  const regions = JSON.parse(readFileSync(join(dataDir, 'regions.json'), 'utf8')) as PublishedRegion[];
  const shards = shardIndex(regions);
  const stray = unindexedRegionDirs(regionDirsOf(siteDir), shards);
  if (stray.length > 0) {
    throw new Error(`搜索索引生成失败：r/ 下有 ${stray.length} 个地区不属于任何县（市、区）的索引（${stray.slice(0, 10).join('、')}${stray.length > 10 ? '……' : ''}）。网站页面与 regions.json 不一致，请重新生成。`);
  }
  // County bundles the page jobs built wait beside the site while its bundle is written.
  const kept = `${siteDir}.pagefind-counties`;
  const countiesDir = join(outputPath, COUNTY_BUNDLES);
  rmSync(kept, { recursive: true, force: true });
  if (keepCounties && existsSync(countiesDir)) renameSync(countiesDir, kept);
  rmSync(outputPath, { recursive: true, force: true });
  try {
    const found = existsSync(kept) ? readdirSync(kept) : [];
    const unknown = found.filter((c) => !shards.shards.some((s) => s.code === c));
    if (unknown.length) throw new Error(`搜索索引生成失败：页面分片生成的县级索引 ${unknown.join('、')} 不属于这次发布。请重新生成页面分片。`);
    // A bundle without its entry file was not finished: built again.
    const keptCodes = shards.shards.map((s) => s.code).filter((c) => found.includes(c) && existsSync(join(kept, c, 'pagefind-entry.json')));
    for (const c of found) if (!keptCodes.includes(c)) rmSync(join(kept, c), { recursive: true, force: true });
    // The site bundle first: Pagefind writes its output folder, and county bundles go inside it.
    const counts = [await indexBundle(siteDir, { glob: SITE_GLOB }, outputPath, UNUSED_UI_FILES)];
    if (existsSync(kept)) renameSync(kept, countiesDir);
    const built = await buildCountyBundles(siteDir, shards.shards.filter((s) => !keptCodes.includes(s.code)).map((s) => s.code), jobs);
    counts.push(...keptCodes.map((code) => bundleEntry(join(outputPath, shardPath(code))).count), ...built);
    writeFileSync(join(outputPath, SHARDS_FILE), JSON.stringify(shards) + '\n');
    const written = walk(outputPath);
    const bytes = written.reduce((s, f) => s + f.bytes, 0);
    const pages = counts.reduce((s, n) => s + n, 0);
    const ms = performance.now() - t0;
    log(`搜索索引：${pages} 个页面，${counts.length} 个分包（网站 1 个、县 ${shards.shards.length} 个${keptCodes.length ? `，其中 ${keptCodes.length} 个由页面分片生成` : ''}，最大 ${Math.max(...counts)} 页），${written.length} 个文件，${(bytes / 1024).toFixed(0)} KB，用时 ${(ms / 1000).toFixed(1)} 秒`);
    return { pages, bundles: counts.length, largestBundle: Math.max(...counts), files: written.length, bytes, ms };
  } catch (err) {
    // The page jobs' bundles go back where they were, so the stage can be run again.
    if (existsSync(kept)) {
      rmSync(outputPath, { recursive: true, force: true });
      mkdirSync(outputPath, { recursive: true });
      renameSync(kept, countiesDir);
    }
    throw err;
  }
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { child: { type: 'boolean', default: false }, shard: { type: 'string' }, 'keep-counties': { type: 'boolean', default: false }, jobs: { type: 'string' } },
  });
  try {
    if (values.child) {
      const task = await new Promise<ChildTask>((done) => process.once('message', (m) => done(m as ChildTask)));
      const counts = await indexCounties(task.siteDir, task.counties);
      // The channel closes once the counts are sent, and the process ends.
      process.send!(counts, () => process.disconnect?.());
    } else {
      const siteDir = resolve(positionals[0] ?? resolve(import.meta.dirname, '..', 'dist'));
      const dataDir = resolve(positionals[1] ?? resolve(import.meta.dirname, '..', '.data'));
      const jobs = positiveInt('--jobs', values.jobs);
      if (values.shard) await buildShardCountyBundles({ shardDir: siteDir, dataDir, shard: values.shard, jobs, log: (l) => console.log(l) });
      else await buildSearchIndex({ siteDir, dataDir, log: (l) => console.log(l), jobs, keepCounties: values['keep-counties'] });
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
