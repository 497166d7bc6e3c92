/**
 * Weight of notice pages as a phone downloads them: gzip bytes of the HTML plus every
 * stylesheet it links (the budget: a 1,000-row notice ≤ 30 KB). Reads the built site only.
 *
 *   node scripts/notice-weight.ts [--dist dist] [/r/{code}/{year}/ …]
 *
 * Without paths it measures every notice page and prints the heaviest and the figures
 * of pages with exactly 1,000 rows.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

/** Gzip bytes of a page's HTML, its stylesheets, and the number of rows in its notice table. */
export interface PageWeight {
  path: string;
  html: number;
  css: number;
  total: number;
  rows: number;
}

/** Measures one built page (URL path like /r/420583103201/2025/) in dist. */
export function pageWeight(dist: string, path: string): PageWeight {
  const html = readFileSync(join(dist, path, 'index.html'));
  const text = html.toString('utf8');
  const sheets = [...text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
  const css = sheets.reduce((n, href) => n + gzipSync(readFileSync(join(dist, href))).length, 0);
  const tbody = /<table class="nt">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(text)?.[1] ?? '';
  const rows = (tbody.match(/<tr[ >]/g) ?? []).length;
  const h = gzipSync(html).length;
  return { path, html: h, css, total: h + css, rows };
}

/** URL paths of every notice page (village-year pages and their continuation pages) in dist. */
export function noticePaths(dist: string): string[] {
  const out: string[] = [];
  const root = join(dist, 'r');
  for (const code of readdirSync(root).sort()) {
    if (code.endsWith('000')) continue; // townships and above have year pages, not notices
    for (const year of readdirSync(join(root, code)).sort()) {
      if (!/^\d{4}$/.test(year)) continue;
      out.push(`/r/${code}/${year}/`);
      const pages = join(root, code, year, 'p');
      if (existsSync(pages)) for (const n of readdirSync(pages).sort((a, b) => Number(a) - Number(b))) out.push(`/r/${code}/${year}/p/${n}/`);
    }
  }
  return out;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ options: { dist: { type: 'string' } }, allowPositionals: true });
  const dist = resolve(values.dist ?? process.env.DIST_DIR ?? 'dist');
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const show = (w: PageWeight) => console.log(`${w.path}  ${w.rows} 行  HTML ${kb(w.html)} + CSS ${kb(w.css)} = ${kb(w.total)}（gzip）`);
  if (positionals.length) positionals.map((p) => pageWeight(dist, p)).forEach(show);
  else {
    const all = noticePaths(dist).map((p) => pageWeight(dist, p));
    const full = all.filter((w) => w.rows === 1000);
    console.log(`${all.length} 个公示页面；其中 ${full.length} 个每页 1,000 行。`);
    if (full.length) {
      const totals = full.map((w) => w.total).sort((a, b) => a - b);
      console.log(`1,000 行页面（HTML + CSS，gzip）：最小 ${kb(totals[0]!)}，中位 ${kb(totals[totals.length >> 1]!)}，最大 ${kb(totals.at(-1)!)}`);
    }
    const heaviest = all.reduce((a, b) => (b.total > a.total ? b : a), all[0]!);
    if (heaviest) show(heaviest);
  }
}
