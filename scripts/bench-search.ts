/**
 * Search benchmark on a built site (default dist/, e.g. after `npm run build`):
 *   1. the size of the Pagefind bundle, by kind of file;
 *   2. indexing time (`--reindex` runs the search stage again on the site);
 *   3. what a phone downloads for a first query: headless Chromium opens
 *      /search/?q=<query> (default 沙碛坪村) on a local server and every response is
 *      counted, raw and as gzip (what a host that compresses would send).
 *
 *   node scripts/bench-search.ts [siteDir] [--reindex] [--data .data] [--query 沙碛坪村]
 *
 * Prints figures only; nothing is asserted (timings vary by machine).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSearchIndex } from './search-index.ts';
import { launchBrowser, serveStatic } from '../tests/e2e/browser.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const siteDir = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--query' && args[i - 1] !== '--data') ?? 'dist');
const dataDir = resolve(option('--data') ?? '.data');
const query = option('--query') ?? '沙碛坪村';
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function files(dir: string): Array<{ rel: string; bytes: number }> {
  const out: Array<{ rel: string; bytes: number }> = [];
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`);
      else out.push({ rel: rel + name, bytes: statSync(p).size });
    }
  };
  walk(dir, '');
  return out;
}

if (flag('--reindex')) {
  const r = await buildSearchIndex({ siteDir, dataDir });
  console.log(`indexing: ${r.pages} pages in ${r.bundles} bundles (largest ${r.largestBundle} pages) in ${(r.ms / 1000).toFixed(1)} s`);
}

const bundle = files(join(siteDir, 'pagefind'));
const kinds: Record<string, (rel: string) => boolean> = {
  'index chunks (index/)': (r) => r.includes('index/'),
  'page fragments (fragment/)': (r) => r.includes('fragment/'),
  'filters (filter/)': (r) => r.includes('filter/'),
  'metadata (*.pf_meta)': (r) => r.endsWith('.pf_meta'),
  'wasm': (r) => /(^|\/)wasm\./.test(r),
  'scripts (pagefind*.js)': (r) => r.endsWith('.js'),
  'entries (pagefind-entry.json)': (r) => r.endsWith('pagefind-entry.json'),
  'shard list (shards.json)': (r) => r === 'shards.json',
};
const entries = bundle.filter((f) => f.rel.endsWith('pagefind-entry.json')).map((f) => JSON.parse(readFileSync(join(siteDir, 'pagefind', f.rel), 'utf8')) as { languages: Record<string, { page_count: number }> });
const indexed = entries.reduce((n, e) => n + Object.values(e.languages).reduce((s, l) => s + l.page_count, 0), 0);
console.log(`bundles: ${siteDir}/pagefind, ${entries.length} (the site's and one per county), languages ${[...new Set(entries.flatMap((e) => Object.keys(e.languages)))].join(', ')}, ${indexed} pages`);
for (const [label, test] of Object.entries(kinds)) {
  const list = bundle.filter((f) => test(f.rel));
  console.log(`  ${label.padEnd(30)} ${String(list.length).padStart(5)} files ${kb(list.reduce((s, f) => s + f.bytes, 0)).padStart(11)}`);
}
console.log(`  ${'total'.padEnd(30)} ${String(bundle.length).padStart(5)} files ${kb(bundle.reduce((s, f) => s + f.bytes, 0)).padStart(11)}`);

const server = await serveStatic(siteDir);
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const seen: Array<{ path: string; raw: number; gzip: number }> = [];
  const pending: Promise<void>[] = [];
  page.on('response', (res) => {
    pending.push(res.body().then((b) => {
      const path = new URL(res.url()).pathname;
      // Pagefind's .pf_* and wasm files are gzip already: a host sends them as they are.
      const gz = /\.pf_|wasm\./.test(path) ? b.length : gzipSync(b).length;
      seen.push({ path, raw: b.length, gzip: gz });
    }, () => {}));
  });
  const t0 = performance.now();
  await page.goto(`${server.origin}/search/?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
  await page.locator('#search-results li').first().waitFor({ timeout: 30_000 });
  const ms = performance.now() - t0;
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  const first = await page.locator('#search-results li a').first().getAttribute('href');
  const isPagefind = (p: string) => p.startsWith('/pagefind/');
  const sum = (list: typeof seen, key: 'raw' | 'gzip') => list.reduce((s, x) => s + x[key], 0);
  const pageFiles = seen.filter((x) => !isPagefind(x.path));
  const searchFiles = seen.filter((x) => isPagefind(x.path));
  console.log(`first query “${query}” in Chromium at 390 px: first result ${first}, shown after ${ms.toFixed(0)} ms (local server, no throttling)`);
  console.log(`  search page (HTML, CSS, JS): ${pageFiles.length} files, ${kb(sum(pageFiles, 'raw'))} raw, ${kb(sum(pageFiles, 'gzip'))} gzip`);
  console.log(`  Pagefind for the query:      ${searchFiles.length} files, ${kb(sum(searchFiles, 'raw'))} raw, ${kb(sum(searchFiles, 'gzip'))} gzip`);
  for (const f of searchFiles.sort((a, b) => b.raw - a.raw)) console.log(`    ${f.path.padEnd(48)} ${kb(f.raw).padStart(9)} ${kb(f.gzip).padStart(9)}`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
