/**
 * Looks at the county overview the way a phone shows it: serves a built site on
 * 127.0.0.1, opens a page in Debian's Chromium at 390 px wide, saves a full-page
 * screenshot, and runs axe on it (violations are printed; exit code 1 if any).
 *
 *   node scripts/screenshot-overview.ts [--dist dist] [--path /] [--out test-results/screenshots/overview-390.png]
 *        [--width 390] [--selector CSS]   (--selector: only that element, e.g. a chart)
 */
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({ options: { dist: { type: 'string' }, path: { type: 'string' }, out: { type: 'string' }, width: { type: 'string' }, selector: { type: 'string' } } });
const dist = resolve(values.dist ?? process.env.DIST_DIR ?? 'dist');
const path = values.path ?? '/';
const out = resolve(values.out ?? 'test-results/screenshots/overview-390.png');
const width = Number(values.width ?? 390);
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };

if (!existsSync(join(dist, 'index.html'))) throw new Error(`no site in ${dist}: build it first (npm run build)`);
const server = createServer((req, res) => {
  let file = normalize(join(dist, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
  if (!file.startsWith(dist + sep) && file !== dist) return void res.writeHead(403).end();
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) return void res.writeHead(404).end('not found');
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const port = (server.address() as { port: number }).port;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  // bypassCSP: the site's Content-Security-Policy (rightly) refuses the injected axe script.
  const page = await browser.newPage({ viewport: { width, height: 844 }, deviceScaleFactor: 2, bypassCSP: true });
  await page.goto(`http://127.0.0.1:${port}${path}`, { waitUntil: 'load' });
  mkdirSync(dirname(out), { recursive: true });
  if (values.selector) await page.locator(values.selector).first().screenshot({ path: out });
  else await page.screenshot({ path: out, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  console.log(`${path} at ${width} px: ${out}${overflow > 0 ? ` (horizontal overflow ${overflow} px)` : ''}`);
  console.log(violations.length ? `axe: ${violations.length} violation(s)\n${JSON.stringify(violations, null, 1)}` : 'axe: no violations');
  process.exitCode = violations.length ? 1 : 0;
} finally {
  await browser.close();
  server.close();
}
