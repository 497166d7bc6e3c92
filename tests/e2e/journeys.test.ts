/**
 * The three users of the product, walking through the built site in Chromium:
 * - a resident on a 390 px phone scans the printed QR code, finds their row by surname
 *   and by the ID tail, reads its status and what to do, and finds a row on a later page;
 * - a journalist opens the county overview, switches the coverage year, downloads a
 *   chart's CSV and checks it against the table on the page, and searches in Chinese
 *   with a year filter;
 * - an official prints a notice on A4 and checks sheets, header and QR code.
 * A journey whose pages are not built yet is skipped with the missing page in its name.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCount } from '../../src/lib/format.ts';
import type { StatsFile } from '../../src/lib/publish.ts';
import { buildE2eSite, chromiumAvailable, cleanReport, recordWeight, RESULTS, screenshot, siteSession, watchedContext, weights, type Watch } from './browser.ts';
import { E2E, LOOKUP_PARAMS, RESIDENT_FULL, RESIDENT_KEY } from './export.ts';
import { deriveToken } from '../../src/lib/token.ts';
import { decodeQr, openPdf, pdfTextHas, pngPixels } from './pdf.ts';

const ready = chromiumAvailable();
const site = ready ? buildE2eSite() : null;
const year = Math.max(...E2E.years);
const prevYear = Math.min(...E2E.years);
const notice = `/r/${E2E.village.code}/${year}/`;
const bigNotice = `/r/${E2E.big.code}/${year}/`;
const pagedNotice = `/r/${E2E.paged.code}/${year}/`;
const prevOverview = `/overview/${prevYear}/`;
/** The budget for any page's JavaScript, gzip, counted after the user's interaction too. */
const JS_BUDGET = 50 * 1024;
/** Largest acceptable PDF of the 1,000-row notice: small enough to mail and to print on a village office PC. */
const PDF_BUDGET = 5 * 1024 * 1024;

/** Skips a journey while a page it needs is missing, saying which one. */
function needs(...paths: string[]): { skip: boolean; why: string } {
  const missing = site ? paths.filter((p) => !site.has(p)) : paths;
  return { skip: !ready || missing.length > 0, why: missing.length && ready ? ` (SKIPPED: ${missing.join(', ')} not built yet)` : '' };
}

const session = siteSession(site);

/** A watched phone tab; its report must stay clean through the journey. */
async function phone(opts: Parameters<typeof watchedContext>[2] = {}): Promise<{ context: BrowserContext; page: Page; watch: Watch }> {
  const { context, watch } = await watchedContext(session.browser, session.server.origin, opts);
  return { context, watch, page: await context.newPage() };
}

const stats = (y: number, code: string): StatsFile => JSON.parse(readFileSync(join(site!.data, 'stats', String(y), `${code}.json`), 'utf8')) as StatsFile;

/** The visible payment rows (those with a masked ID number) that contain all the given texts. */
const visibleRows = (page: Page, ...texts: string[]) => {
  let rows = page.locator('main table tbody tr:visible').filter({ hasText: /\d{6}\*{8}\d{3}[\dX]/ });
  for (const t of texts) rows = rows.filter({ hasText: t });
  return rows;
};

describe('resident on a 390 px phone', () => {
  const n = needs(notice);
  describe.skipIf(n.skip)(`checks their payment on the village notice${n.why}`, () => {
    let context: BrowserContext;
    let page: Page;
    let watch: Watch;

    beforeAll(async () => {
      ({ context, page, watch } = await phone());
    });
    afterAll(async () => {
      await context?.close();
    });

    it('scans the QR code on the printed notice and lands on that notice', async () => {
      // The paper notice: the same page in print media; the camera sees the QR code somewhere on it.
      const paper = await phone({ viewport: { width: 794, height: 1123 } });
      try {
        await paper.page.goto(session.server.origin + notice, { waitUntil: 'load' });
        await paper.page.emulateMedia({ media: 'print' });
        const scanned = decodeQr(pngPixels(await paper.page.screenshot({ fullPage: true })));
        expect(scanned).toBe(`${E2E.baseUrl}${notice}`);
        const res = await page.goto(session.server.origin + new URL(scanned!).pathname, { waitUntil: 'networkidle' });
        expect(res?.status()).toBe(200);
        await expect.poll(() => page.locator('h1').innerText()).toContain(E2E.village.name);
      } finally {
        await paper.context.close();
      }
    });

    it('finds their row by surname and reads its status', async () => {
      const box = page.locator('main').getByRole('searchbox');
      await box.fill(E2E.resident.name.replace(/\*+$/, ''));
      await box.press('Enter');
      await expect.poll(() => visibleRows(page).count()).toBe(1);
      const row = visibleRows(page, E2E.resident.name, E2E.resident.idTail);
      expect(await row.count()).toBe(1);
      expect(await row.innerText()).toContain(E2E.resident.status);
      expect(await row.innerText()).toContain(E2E.resident.amount.replace(/\.00$/, ''));
      await screenshot(page, 'journey-resident-by-surname');
    });

    it('finds the same row by the last 4 characters of their ID number', async () => {
      const box = page.locator('main').getByRole('searchbox');
      await box.fill(E2E.resident.idTail);
      await box.press('Enter');
      await expect.poll(() => visibleRows(page).count()).toBe(1);
      const row = visibleRows(page, E2E.resident.idTail);
      expect(await row.innerText()).toContain(E2E.resident.name);
      expect(await row.innerText()).toContain(E2E.resident.status);
      await screenshot(page, 'journey-resident-by-id-tail');
    });

    it('reads what to do if it is wrong: whom to call, by when', async () => {
      const text = await page.locator('main').innerText();
      expect(text).toContain(site!.meta.config.objection.phone);
      expect(text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日前/);
    });

    it('met no error, no broken link and no other host on the way', () => {
      expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
    });
  });

  const p = needs(pagedNotice, `${pagedNotice}p/2/`);
  it.skipIf(p.skip)(`finds a row on a later page of a ${E2E.paged.rows}-row notice from its first page${p.why}`, async () => {
    const { context, page, watch } = await phone();
    try {
      await page.goto(session.server.origin + pagedNotice, { waitUntil: 'networkidle' });
      const box = page.locator('main').getByRole('searchbox');
      await box.fill(E2E.deep.idTail);
      await box.press('Enter');
      const lastPage = Math.ceil(E2E.paged.rows / 1000);
      const link = page.locator('main a', { hasText: E2E.deep.name }).filter({ hasText: E2E.deep.idTail });
      await link.first().waitFor({ state: 'visible' });
      await link.first().click();
      await page.waitForLoadState('networkidle');
      expect(new URL(page.url()).pathname).toBe(`${pagedNotice}p/${lastPage}/`);
      await expect.poll(() => visibleRows(page, E2E.deep.name, E2E.deep.idTail).count()).toBe(1);
      expect(await visibleRows(page, E2E.deep.idTail).innerText()).toContain(E2E.deep.status);
      await screenshot(page, 'journey-resident-later-page');
      expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
    } finally {
      await context.close();
    }
  });

  const l = needs('/lookup/');
  it.skipIf(l.skip)(`finds all their records privately on the lookup page, the duplicate payment flagged${l.why}`, async () => {
    // The export carries the key the anonymize command would derive: check it still does.
    expect(await deriveToken(RESIDENT_FULL.id, RESIDENT_FULL.name, LOOKUP_PARAMS)).toBe(RESIDENT_KEY);
    const { context, page, watch } = await phone();
    try {
      await page.goto(session.server.origin + '/lookup/', { waitUntil: 'networkidle' });
      await page.getByLabel('身份证号').fill(RESIDENT_FULL.id);
      await page.getByLabel('姓名', { exact: true }).fill(RESIDENT_FULL.name);
      await page.getByRole('button', { name: '查询', exact: true }).click();
      const records = page.locator('main ol li').filter({ hasText: E2E.resident.idTail });
      await expect.poll(() => records.count(), { timeout: 15_000 }).toBe(3);
      const text = await page.locator('main').innerText();
      expect(text).toContain('两头缴');
      expect(text).toContain(E2E.resident.status);
      for (const village of [E2E.village.name, E2E.big.name]) expect(text).toContain(village);
      await screenshot(page, 'journey-resident-lookup');
      await watch.settle();
      const w = weights(watch);
      recordWeight('/lookup/ (after a lookup)', w);
      expect(w.js).toBeLessThanOrEqual(JS_BUDGET);
      // What the resident typed never left the phone, in any form.
      const secrets = [RESIDENT_FULL.id, RESIDENT_FULL.name, encodeURIComponent(RESIDENT_FULL.name), RESIDENT_KEY, RESIDENT_FULL.id.slice(6, 14)];
      for (const secret of secrets) expect(watch.requests.filter((r) => r.includes(secret)), secret).toEqual([]);
      expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
    } finally {
      await context.close();
    }
  });
});

describe('journalist', () => {
  const o = needs('/', prevOverview);
  it.skipIf(o.skip)(`opens the county overview and switches to the previous coverage year${o.why}`, async () => {
    const { context, page, watch } = await phone({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(session.server.origin + '/', { waitUntil: 'networkidle' });
      expect(await page.locator('h1').innerText()).toContain(String(year));
      await page.getByRole('navigation', { name: '待遇年度' }).getByRole('link', { name: `${prevYear}年度` }).click();
      await page.waitForLoadState('networkidle');
      expect(new URL(page.url()).pathname).toBe(prevOverview);
      expect(await page.locator('h1').innerText()).toContain(String(prevYear));
      // The headline figures are the published ones of that year.
      const county = stats(prevYear, E2E.county.code);
      const figure = page.locator('main .figures li', { hasText: '已到账人数' }).first();
      expect(await figure.innerText()).toContain(formatCount(county.enrolled));
      await screenshot(page, 'journey-journalist-previous-year');
      expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
    } finally {
      await context.close();
    }
  });

  it.skipIf(o.skip)(`downloads each chart's CSV on the overview and finds the table's numbers in it${o.why}`, async () => {
    const { context, page, watch } = await phone({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    try {
      await page.goto(session.server.origin + prevOverview, { waitUntil: 'networkidle' });
      const charts = page.locator('main figure').filter({ has: page.locator('table') });
      const count = await charts.count();
      expect(count, 'charts with a data table on the overview').toBeGreaterThan(0);
      for (let i = 0; i < count; i++) {
        const chart = charts.nth(i);
        const title = (await chart.locator('figcaption').innerText()).trim();
        // Open the table and the downloads the way a reader does.
        for (const summary of await chart.locator('summary').all()) await summary.click();
        const table = await chart.locator('table').evaluate((t: HTMLTableElement) =>
          Array.from(t.tBodies[0]!.rows, (r) => Array.from(r.cells, (c) => c.textContent!.trim())));
        const [download] = await Promise.all([page.waitForEvent('download'), chart.getByRole('link', { name: /CSV/ }).click()]);
        const csvText = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
        const csv = Papa.parse<string[]>(csvText, { skipEmptyLines: true }).data;
        expect(csv.length - 1, `${title}: CSV rows`).toBeGreaterThanOrEqual(table.length);
        for (const row of table) {
          const found = csv.slice(1).some((c) => sameFigures(row, c));
          expect(found, `${title}: table row ${JSON.stringify(row)} not in the CSV`).toBe(true);
        }
      }
      expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
    } finally {
      await context.close();
    }
  });

  const s = needs('/search/');
  it.skipIf(s.skip)(`searches in Chinese for a village with a year filter${s.why}`, async () => {
    const { context, page, watch } = await phone();
    try {
      await page.goto(session.server.origin + '/search/', { waitUntil: 'networkidle' });
      await page.getByLabel('待遇年度').selectOption(String(year));
      const box = page.locator('main').getByRole('searchbox');
      await box.fill(E2E.big.name.slice(0, 3));
      await box.press('Enter');
      // Results come as an ordered list (the page also lists every village for readers without JavaScript).
      const results = page.locator('main ol li a[href]');
      await results.filter({ hasText: E2E.big.name }).first().waitFor({ state: 'visible' });
      const hrefs = await results.evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      expect(hrefs).toContain(bigNotice);
      const years = hrefs.map((h) => /^\/r\/\d{12}\/(\d{4})\//.exec(h)?.[1]).filter(Boolean);
      expect(years.length, 'notice results').toBeGreaterThan(0);
      expect(new Set(years), 'every notice found is of the chosen year').toEqual(new Set([String(year)]));
      await screenshot(page, 'journey-journalist-search');
      expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
      // The search script and index load on the first search: they count toward the page's JavaScript.
      await watch.settle();
      const w = weights(watch);
      recordWeight('/search/ (after a search)', w);
      expect(w.js).toBeLessThanOrEqual(JS_BUDGET);
    } finally {
      await context.close();
    }
  });
});

/**
 * Whether a CSV row holds the figures of a table row: every number shown in the table
 * row (12,345 → 12345; 35.2% → 0.352 or 35.2) is in the CSV row, in the same column.
 */
function sameFigures(table: string[], csv: string[]): boolean {
  if (csv.length < table.length) return false;
  return table.every((cell, j) => {
    const shown = cell.replace(/,/g, '');
    const m = /^(-?\d+(?:\.\d+)?)(%?)$/.exec(shown);
    if (!m) return true; // labels and dates are formatted for reading; the numbers are what must match
    const v = Number(m[1]);
    const raw = Number((csv[j] ?? '').replace(/,/g, '').replace(/%$/, ''));
    if (!Number.isFinite(raw) || (csv[j] ?? '').trim() === '') return false;
    const decimals = (m[1]!.split('.')[1] ?? '').length;
    const close = (x: number) => Math.abs(x - v) <= 0.5 * 10 ** -decimals + 1e-9;
    return m[2] ? close(raw) || close(raw * 100) : close(raw);
  });
}

describe('official', () => {
  const n = needs(notice);
  it.skipIf(n.skip)(`prints the village notice on A4: at most 2 sheets, the header, a QR code to the page${n.why}`, async () => {
    const { context, page, watch } = await phone();
    try {
      await page.goto(session.server.origin + notice, { waitUntil: 'networkidle' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      mkdirSync(RESULTS, { recursive: true });
      writeFileSync(join(RESULTS, 'notice-a4.pdf'), pdf);
      const doc = await openPdf(pdf);
      try {
        expect(doc.pages, 'a notice of 4 rows: head, totals, guidance and the rows on at most 2 sheets').toBeLessThanOrEqual(2);
        const size = await doc.size(1);
        expect(Math.round(size.width)).toBe(595);
        expect(Math.round(size.height)).toBe(842);
        const text = await doc.text(1);
        for (const phrase of [`${E2E.village.name} ${year}年度`, '公示', '顾家店镇人民政府', site!.meta.config.objection.phone, '公示期']) {
          expect(pdfTextHas(text, phrase), `printed header has "${phrase}"`).toBe(true);
        }
        const sheet = await doc.render(1, 3);
        mkdirSync(join(RESULTS, 'screenshots'), { recursive: true });
        writeFileSync(join(RESULTS, 'screenshots', 'print-notice-a4-p1.png'), sheet.png);
        expect(decodeQr(sheet)).toBe(`${E2E.baseUrl}${notice}`);
      } finally {
        await doc.close();
      }
      expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
    } finally {
      await context.close();
    }
  });

  const b = needs(bigNotice);
  it.skipIf(b.skip)(`prints the ${E2E.big.rows}-row notice with its title, link and page numbers on every sheet${b.why}`, { timeout: 240_000 }, async () => {
    const { context, page } = await phone();
    try {
      await page.goto(session.server.origin + bigNotice, { waitUntil: 'networkidle' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      // Officials mail and print this file. Row backgrounds drawn as gradients (kept in print by
      // print-color-adjust: exact) are rasterised row by row: tens of MB and a minute to print.
      expect(pdf.length, 'PDF bytes of the 1,000-row notice (patterned row backgrounds in print?)').toBeLessThanOrEqual(PDF_BUDGET);
      const doc = await openPdf(pdf);
      recordWeight(`${bigNotice} printed to A4 PDF`, { pdf: pdf.length, sheets: doc.pages });
      try {
        // A4 at 12 pt holds 25–40 rows a sheet, plus the head and totals on the first.
        expect(doc.pages).toBeGreaterThanOrEqual(Math.ceil(E2E.big.rows / 40));
        expect(doc.pages).toBeLessThanOrEqual(Math.ceil(E2E.big.rows / 25) + 2);
        const link = `${new URL(E2E.baseUrl).host}${bigNotice}`;
        for (let i = 1; i <= doc.pages; i++) {
          const text = await doc.text(i);
          expect(pdfTextHas(text, E2E.big.name), `sheet ${i}: title`).toBe(true);
          expect(text.replace(/\s+/g, ''), `sheet ${i}: link`).toContain(link);
          expect(pdfTextHas(text, `第${i}页/共${doc.pages}页`), `sheet ${i}: page number`).toBe(true);
        }
        const qr = decodeQr(await doc.render(1, 3));
        expect(qr).toBe(`${E2E.baseUrl}${bigNotice}`);
      } finally {
        await doc.close();
      }
    } finally {
      await context.close();
    }
  });
});
