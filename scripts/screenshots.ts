/**
 * Screenshots of a notice as people see it: on a 390 px wide phone, and printed on A4
 * (the print-to-PDF output, rendered back to PNG by pdf.js). Uses
 * Debian's Chromium through playwright-core; no browser download.
 *
 *   node scripts/screenshots.ts [--dist dist] [--path /r/{code}/{year}/] [--out test-results/screenshots]
 *
 * Without --path it picks the notice with the most rows on its first page (and, among
 * those, one with 未到账 rows), from the data stage output next to the site (SITE_DATA_DIR).
 */
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import type { StatsFile } from '../src/lib/publish.ts';
import { PAGE_SIZE, yearPath } from '../src/lib/notice.ts';
import { openPdf } from '../tests/e2e/pdf.ts';

const { values } = parseArgs({ options: { dist: { type: 'string' }, data: { type: 'string' }, path: { type: 'string' }, out: { type: 'string' } } });
const dist = resolve(values.dist ?? process.env.DIST_DIR ?? 'dist');
const data = resolve(values.data ?? process.env.SITE_DATA_DIR ?? '.data');
const out = resolve(values.out ?? 'test-results/screenshots');
const PHONE = { width: 390, height: 844 };
/** Width of a printed page's image: A4 at 150 dpi, legible at full size. */
const A4_WIDTH_PX = 1240;

/** The village-year whose first page is fullest (ties: more 未到账 rows, then code). */
function pickNotice(): string {
  const years = readdirSync(join(data, 'stats')).sort();
  let best: { key: number[]; path: string } | null = null;
  for (const year of years.slice(-1)) {
    for (const file of readdirSync(join(data, 'stats', year)).sort()) {
      if (file.endsWith('000.json')) continue; // townships and above
      const s = JSON.parse(readFileSync(join(data, 'stats', year, file), 'utf8')) as StatsFile;
      const key = [Math.min(s.rows, PAGE_SIZE), s.byStatus['未到账'].count > 0 ? 1 : 0];
      if (!best || key[0]! > best.key[0]! || (key[0] === best.key[0] && key[1]! > best.key[1]!)) best = { key, path: yearPath(s.code, s.year) };
    }
  }
  if (!best) throw new Error(`no village notice found under ${data}/stats: build the site first (npm run build)`);
  return best.path;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.csv': 'text/csv; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json' };

/** A static server for dist on 127.0.0.1 (folders serve index.html), closed when done. */
async function serve(root: string): Promise<{ origin: string; close: () => void }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}

if (!existsSync(join(dist, 'index.html'))) throw new Error(`no site in ${dist}: run npm run build first`);
const path = values.path ?? pickNotice();
mkdirSync(out, { recursive: true });
const server = await serve(dist);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  // 1. The phone: the top of the notice (head, totals, help) and the rows around the first 未到账 row.
  const phone = await browser.newPage({ viewport: PHONE, deviceScaleFactor: 2, locale: 'zh-CN' });
  await phone.goto(server.origin + path, { waitUntil: 'networkidle' });
  const height = await phone.evaluate(() => document.documentElement.scrollHeight);
  // Screens of 780 CSS px (1,560 device px: one image a reviewer can read at full size).
  const shots: string[] = [];
  for (let i = 0; i < 3 && i * 780 < height; i++) {
    const file = join(out, `notice-phone-${i + 1}.png`);
    await phone.screenshot({ path: file, fullPage: true, clip: { x: 0, y: i * 780, width: PHONE.width, height: Math.min(780, height - i * 780) } });
    shots.push(file);
  }
  const flagged = phone.locator('table.nt tbody tr.p, table.nt tbody tr.f').first();
  const box = (await flagged.count()) ? await flagged.boundingBox() : null; // page coordinates: the page is not scrolled
  const y = box ? Math.max(0, Math.round(box.y) - 300) : 0;
  shots.push(join(out, 'notice-phone-rows.png'));
  await phone.screenshot({ path: shots.at(-1), fullPage: true, clip: { x: 0, y, width: PHONE.width, height: Math.min(780, height - y) } });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  // 2. Print: A4 PDF with the print stylesheet and default print settings (no background graphics).
  const printPage = await browser.newPage({ locale: 'zh-CN' });
  await printPage.goto(server.origin + path, { waitUntil: 'networkidle' });
  const pdfPath = join(out, 'notice-print.pdf');
  await printPage.pdf({ path: pdfPath, format: 'A4', preferCSSPageSize: true });
  // pdf.js renders the PDF back to pixels, as the print tests read it (Chromium's own PDF
  // viewer gave a blank first page when not drawn in time, and ignored #page=2).
  const pngs: string[] = [];
  const pdf = await openPdf(readFileSync(pdfPath));
  try {
    for (let n = 1; n <= Math.min(2, pdf.pages); n++) {
      const png = join(out, `notice-print-page${n}.png`);
      writeFileSync(png, (await pdf.render(n, A4_WIDTH_PX / (await pdf.size(n)).width)).png);
      pngs.push(png);
    }
  } finally {
    await pdf.close();
  }
  console.log(`notice ${path}\nphone: ${shots.join(', ')} (horizontal overflow ${overflow} px)\nprint: ${pdfPath} → ${pngs.join(', ')}`);
} finally {
  await browser.close();
  server.close();
}
