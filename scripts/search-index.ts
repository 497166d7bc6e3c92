/**
 * The search stage: indexes the built site with Pagefind's Node API and writes the
 * bundle to `{siteDir}/pagefind/`. `scripts/build.ts` runs it after the Astro build,
 * before the swap, so a failed index leaves the published site untouched.
 *
 *   node scripts/search-index.ts [siteDir]      re-index a built site (default dist/)
 *
 * Only pages that mark a `data-pagefind-body` are indexed (notice and region pages,
 * MDX articles), and of those only what is inside it; payment tables carry
 * `data-pagefind-ignore`. See {@link SEARCH_GLOB} for the pages left out.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as pagefind from 'pagefind';

/** The one index language: Pagefind's extended build segments Chinese words only for zh. */
export const SEARCH_LANGUAGE = 'zh-cn';

/**
 * Which HTML files are indexed: everything, except that under r/ only region pages
 * (r/{code}/) and region-year pages (r/{code}/{year}/) are. The later pages of a long
 * notice (r/{code}/{year}/p/{n}/) repeat page 1's header, so indexing them would list a
 * big community ten times for one query. (Pagefind's globs have no exclusion, hence the
 * alternatives: top-level files, folders not named exactly "r", and the two r/ depths.)
 */
export const SEARCH_GLOB = '{*.html,[!r]*/**/*.html,r?*/**/*.html,r/*/index.html,r/*/*/index.html}';

/**
 * Pagefind's prebuilt UIs, written with every bundle. The site has its own small search
 * client (src/pages/search/index.astro), so these would only be dead weight on the host.
 */
const UNUSED_UI_FILES = [
  'pagefind-ui.js', 'pagefind-ui.css', 'pagefind-modular-ui.js', 'pagefind-modular-ui.css',
  'pagefind-component-ui.js', 'pagefind-component-ui.css', 'pagefind-highlight.js',
];

/** What indexing produced. */
export interface SearchIndexResult {
  /** Pages in the index (those with a data-pagefind-body). */
  pages: number;
  /** Files and bytes of the bundle as published (after removing the unused UIs). */
  files: number;
  bytes: number;
  ms: number;
}

/** Options of {@link buildSearchIndex}. */
export interface SearchIndexOptions {
  /** The built site (Astro's outDir). */
  siteDir: string;
  log?: (line: string) => void;
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

/** Indexes `siteDir` in Chinese and writes `siteDir/pagefind/`; every Pagefind response is checked. */
export async function buildSearchIndex({ siteDir, log = () => {} }: SearchIndexOptions): Promise<SearchIndexResult> {
  const t0 = performance.now();
  const outputPath = join(siteDir, 'pagefind');
  try {
    const { index } = check('createIndex', await pagefind.createIndex({ forceLanguage: SEARCH_LANGUAGE }));
    if (!index) throw new Error('搜索索引生成失败（createIndex）：Pagefind 没有返回索引');
    const { page_count: scanned } = check('addDirectory', await index.addDirectory({ path: siteDir, glob: SEARCH_GLOB }));
    check('writeFiles', await index.writeFiles({ outputPath }));
    for (const name of UNUSED_UI_FILES) rmSync(join(outputPath, name), { force: true });
    const entry = JSON.parse(readFileSync(join(outputPath, 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
    const languages = Object.keys(entry.languages);
    const pages = entry.languages[SEARCH_LANGUAGE]?.page_count ?? 0;
    if (languages.length !== 1 || pages === 0) {
      throw new Error(`搜索索引生成失败：查看了 ${scanned} 个页面，但索引为空或语言不对（${languages.join('、') || '无'}）。页面需带 data-pagefind-body。`);
    }
    const files = walk(outputPath);
    const bytes = files.reduce((s, f) => s + f.bytes, 0);
    const ms = performance.now() - t0;
    log(`搜索索引：${pages} 个页面（查看 ${scanned} 个），${files.length} 个文件，${(bytes / 1024).toFixed(0)} KB，用时 ${(ms / 1000).toFixed(1)} 秒`);
    return { pages, files: files.length, bytes, ms };
  } finally {
    await pagefind.close();
  }
}

if (import.meta.main) {
  const siteDir = resolve(process.argv[2] ?? resolve(import.meta.dirname, '..', 'dist'));
  try {
    await buildSearchIndex({ siteDir, log: (l) => console.log(l) });
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
