/**
 * Builds the valid fixture export and checks that the published numbers agree:
 * every village's figures recomputed from its published CSV (/api/{year}/{code}.csv)
 * equal its JSON (/api/{year}/{code}.json), every township and county equals the sum of
 * its villages, the county overview shows the API's numbers, every chart has its
 * downloads, and the chart pages pass axe in Chromium.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve, sep } from 'node:path';
import Papa from 'papaparse';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelOf } from '../../src/lib/contract.ts';
import type { RegionYearApi } from '../../src/lib/charts/api.ts';
import { placeAtDate } from '../../src/lib/charts/at-date.ts';
import { formatCount, formatMoney, formatRate } from '../../src/lib/format.ts';
import type { PublishedRegion, SiteMeta } from '../../src/lib/publish.ts';
import { fixture, tempDir } from '../helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const out = tempDir('gongshi-charts-');
const dist = join(out, 'dist');
const data = join(out, 'data');

const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T;
const api = (year: number, code: string) => readJson<RegionYearApi>(join(dist, 'api', String(year), `${code}.json`));

/** Recomputes a village-year from its published CSV alone. */
function recompute(csvText: string) {
  const rows = Papa.parse<Record<string, string>>(csvText.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
  const fen = (s: string) => Math.round(Number(s) * 100);
  const byStatus: Record<string, { count: number; fen: number }> = { 已到账: { count: 0, fen: 0 }, 未到账: { count: 0, fen: 0 }, 已退费: { count: 0, fen: 0 } };
  const byChannel: Record<string, number> = {};
  for (const r of rows) {
    byStatus[r['到账状态']!]!.count++;
    byStatus[r['到账状态']!]!.fen += fen(r['缴费金额']!);
    const channel = r['缴费渠道']!.replace(/^'(?=[=+\-@])/, '');
    byChannel[channel] = (byChannel[channel] ?? 0) + 1;
  }
  const creditedDates = rows.filter((r) => r['到账状态'] === '已到账').map((r) => r['缴费日期']!).sort();
  return { payments: rows.length, enrolled: byStatus['已到账']!.count, byStatus, byChannel, creditedDates };
}

/** 应参保人数 by "year:code", read from the export itself (an independent source for the denominator). */
function shouldEnrollFromExport(): Map<string, number> {
  const rows = Papa.parse<string[]>(readFileSync(fixture('valid', 'enrollment.csv'), 'utf8'), { skipEmptyLines: true }).data.slice(1);
  return new Map(rows.map(([code, year, n]) => [`${year}:${code}`, Number(n)]));
}

let meta: SiteMeta;
let regions: PublishedRegion[];

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.ts')], {
    cwd: root, encoding: 'utf8',
    env: { ...process.env, DATA_DIR: fixture('valid'), DIST_DIR: dist, SITE_DATA_DIR: data },
  });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  meta = readJson<SiteMeta>(join(data, 'meta.json'));
  regions = readJson<PublishedRegion[]>(join(data, 'regions.json'));
});

describe('published figures agree', () => {
  it('every village: the JSON equals a recomputation from its published CSV', () => {
    const should = shouldEnrollFromExport();
    let checked = 0;
    for (const v of regions.filter((x) => x.level === 'village')) {
      for (const year of v.years) {
        const j = api(year, v.code);
        const csvPath = join(dist, 'api', String(year), `${v.code}.csv`);
        expect(existsSync(csvPath), csvPath).toBe(true);
        const c = recompute(readFileSync(csvPath, 'utf8'));
        const denominator = should.get(`${year}:${v.code}`) ?? null;
        expect(j.payments).toBe(c.payments);
        expect(j.enrolled).toBe(c.enrolled);
        expect(j.shouldEnroll).toBe(denominator);
        expect(j.rate).toBe(denominator ? c.enrolled / denominator : null);
        expect(j.amountYuan).toBe(c.byStatus['已到账']!.fen / 100);
        for (const s of ['已到账', '未到账', '已退费'] as const) expect(j.byStatus[s]).toEqual({ count: c.byStatus[s]!.count, amountYuan: c.byStatus[s]!.fen / 100 });
        expect(j.byChannel).toEqual(c.byChannel);
        // The daily series: credited rows paid on or before each day (earlier ones from the first day on).
        for (const d of j.daily) expect(d.enrolled, `${v.code} ${d.date}`).toBe(c.creditedDates.filter((p) => p <= d.date).length);
        checked++;
      }
    }
    expect(checked).toBe(4);
  });

  it('every township and county: the sum of its villages', () => {
    const byCode = new Map(regions.map((r) => [r.code, r]));
    const villagesUnder = (code: string): string[] => {
      const r = byCode.get(code)!;
      return r.level === 'village' ? [code] : r.children.flatMap(villagesUnder);
    };
    for (const r of regions.filter((x) => x.level !== 'village')) {
      for (const year of r.years) {
        const j = api(year, r.code);
        const vs = villagesUnder(r.code).filter((c) => byCode.get(c)!.years.includes(year)).map((c) => api(year, c));
        expect(j.enrolled).toBe(vs.reduce((n, v) => n + v.enrolled, 0));
        expect(j.payments).toBe(vs.reduce((n, v) => n + v.payments, 0));
        expect(j.shouldEnroll).toBe(vs.reduce((n, v) => n + (v.shouldEnroll ?? 0), 0));
        expect(j.amountYuan).toBeCloseTo(vs.reduce((n, v) => n + v.amountYuan, 0), 2);
        expect(j.children.map((c) => c.code)).toEqual(r.children.filter((c) => byCode.get(c)!.years.includes(year)));
      }
    }
  });

  it('the county overview shows the numbers of the API', () => {
    const year = meta.years.at(-1)!;
    const county = api(year, meta.tops[0]!);
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const figure = (label: string) => new RegExp(`<span class="label"[^>]*>${label}</span><span class="value[^"]*"[^>]*>([^<]*)</span>`).exec(html)?.[1];
    expect(figure('参保率')).toBe(formatRate(county.rate));
    expect(figure('已到账人数')).toBe(formatCount(county.enrolled));
    expect(figure('应参保人数')).toBe(formatCount(county.shouldEnroll!));
    expect(figure('已到账金额（元）')).toBe(formatMoney(Math.round(county.amountYuan * 100)));
    expect(figure('未到账')).toBe(formatCount(county.byStatus['未到账'].count));
    for (const kind of ['trend', 'yoy', 'ranking', 'distribution', 'channels', 'status']) expect(html).toContain(`data-chart="${kind}"`);
    for (const y of meta.years.slice(0, -1)) expect(existsSync(join(dist, 'overview', String(y), 'index.html'))).toBe(true);
  });

  it("each chart's downloads exist, and the trend's last figure equals the API", () => {
    for (const r of regions) {
      for (const year of r.years) {
        const trend = readJson<{ rows: Array<{ enrolled: number; rate?: number }> }>(join(dist, 'charts', String(year), r.code, 'trend.json'));
        expect(trend.rows.at(-1)?.enrolled ?? 0, `${year} ${r.code}`).toBe(api(year, r.code).enrolled);
        for (const ext of ['csv', 'svg']) expect(statSync(join(dist, 'charts', String(year), r.code, `trend.${ext}`)).size).toBeGreaterThan(100);
        // Townships and above have embed pages; a village's charts are shared through its notice.
        expect(existsSync(join(dist, 'embed', String(year), r.code, 'trend', 'index.html')), `${year} ${r.code}`).toBe(levelOf(r.code) !== 'village');
      }
    }
  });

  it('text from the CSV never becomes markup in chart pages, SVGs or the overview', () => {
    const files = [join(dist, 'index.html'), join(dist, 'charts', '2025', '420583103000', 'index.html'), join(dist, 'charts', '2025', '420583103000', 'channels.svg'), join(dist, 'embed', '2025', '420583103000', 'trend', 'index.html'), join(dist, 'r', '420583103202', '2025', 'index.html')];
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toContain('<img src=x');
  });
});

describe('charts in a real browser', () => {
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const available = existsSync(chromiumPath);
  if (!available && (process.env.CI === 'true' || process.env.CI === '1')) throw new Error(`Chromium not found at ${chromiumPath}: the accessibility check must run on CI`);
  let server: Server;
  let base = '';

  beforeAll(async () => {
    if (!available) return;
    server = createServer((req, res) => {
      let file = normalize(join(dist, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      if (!file.startsWith(dist + sep) && file !== dist) return void res.writeHead(403).end();
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': ({ '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript' } as Record<string, string>)[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => server?.close());

  it.skipIf(!available)('overview, chart, embed, API and methodology pages pass axe', async () => {
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      // bypassCSP: the site's Content-Security-Policy (rightly) refuses the injected axe script.
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, bypassCSP: true });
      const results: Record<string, string[]> = {};
      for (const path of ['/', '/overview/2024/', '/charts/2025/420583103000/', '/charts/2025/420583000000/', '/embed/2025/420583000000/trend/', '/api/', '/about/methodology/']) {
        await page.goto(base + path);
        // Open every <details> so the data tables and embed code are checked too.
        await page.evaluate(() => document.querySelectorAll('details').forEach((d) => d.setAttribute('open', '')));
        await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
        results[path] = await page.evaluate(async () => {
          const r = await (window as unknown as { axe: { run: (d: Document) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document);
          return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
        });
        expect(await page.locator('svg[role="img"] > title').count(), path).toBe(path === '/api/' || path === '/about/methodology/' ? 0 : await page.locator('svg[role="img"]').count());
      }
      expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, []])));

      // ?date= draws the ranking of that day in the browser, from the static JSON of each village.
      await page.goto(`${base}/charts/2025/420583103000/?date=2024-11-02`);
      const rows = page.locator('.at-date-output table tbody tr');
      await rows.first().waitFor({ state: 'attached' });
      const shown = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
      const expected = ['420583103201', '420583103202'].map((c) => placeAtDate(api(2025, c), '2024-11-02'))
        .sort((a, b) => b.enrolled / b.shouldEnroll! - a.enrolled / a.shouldEnroll!)
        .map((p) => [p.name, formatRate(p.enrolled / p.shouldEnroll!)]);
      expect(shown.map((r) => [r[2], r[5]])).toEqual(expected);
      expect(await page.locator('.at-date-output svg[role="img"] > title').textContent()).toContain('截至2024年11月2日');
      await page.goto(`${base}/charts/2025/420583103000/?date=2030-01-01`);
      await expect.poll(() => page.locator('.at-date-output').textContent()).toContain('日期应在');
    } finally {
      await browser.close();
    }
  });
});
