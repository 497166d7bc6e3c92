/**
 * Every page type, opened in Chromium on a 390 px phone: it loads cleanly (no console
 * error, nothing broken, no other host), fits the screen, is Chinese, passes axe with no
 * serious or critical violation, works with the keyboard, stays within the JavaScript
 * budget and reads without JavaScript. Screenshots go to test-results/screenshots/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, buildE2eSite, chineseFonts, chromiumAvailable, cleanReport, PHONE, recordWeight, screenshot, siteSession, tabThrough, watchedContext, weights, type Watch } from './browser.ts';
import { E2E } from './export.ts';
import { allPageTypes } from './page-types.ts';

const ready = chromiumAvailable();
const site = ready ? buildE2eSite() : null;
const types = site ? allPageTypes(site) : [];
const year = Math.max(...E2E.years);

const KB = 1024;
/** Budgets of the issue: what a cheap phone on a slow rural network can take. */
const BUDGET = { noticeHtmlCss: 30 * KB, js: 50 * KB };

const session = siteSession(site);

/** Opens a path in a fresh watched phone context and waits until the network is quiet. */
async function open(path: string, opts: Parameters<typeof watchedContext>[2] = {}): Promise<{ context: BrowserContext; page: Page; watch: Watch; status: number }> {
  const { context, watch } = await watchedContext(session.browser, session.server.origin, opts);
  const page = await context.newPage();
  // Without scripts nothing loads after the load event; with them, wait for late requests and errors.
  const res = await page.goto(session.server.origin + path, { waitUntil: opts.javaScriptEnabled === false ? 'load' : 'networkidle' });
  await watch.settle();
  return { context, page, watch, status: res?.status() ?? 0 };
}

describe.skipIf(!ready)('every page type in Chromium at 390 px', () => {
  it('has a Chinese font, so screenshots and printed PDFs show the text (apt-get install -y fonts-noto-cjk)', () => {
    expect(chineseFonts().length).toBeGreaterThan(0);
  });

  it('the build has the county overview at least', () => {
    expect(types.find((t) => t.name === 'overview')?.path).toBe('/');
  });

  for (const t of types) {
    const missing = t.path === null;
    const title = missing ? `${t.label} ${t.pattern}: SKIPPED, no such page is built yet` : `${t.label} ${t.path}`;
    describe.skipIf(missing)(title, () => {
      const path = t.name === 'not-found' ? '/no-such-page/' : t.path!;
      let context: BrowserContext;
      let page: Page;
      let watch: Watch;
      let status: number;

      beforeAll(async () => {
        ({ context, page, watch, status } = await open(path));
      });
      afterAll(async () => {
        await context?.close();
      });

      it(t.name === 'not-found' ? 'answers 404 with the site’s own page' : 'answers 200', () => {
        expect(status).toBe(t.name === 'not-found' ? 404 : 200);
      });

      it('logs no console error, loads nothing broken, asks no other host, opens no dialog', () => {
        const report = cleanReport(watch);
        if (t.name === 'not-found') {
          // The page itself answers 404 by design; Chromium logs that status as a console error.
          report.broken = report.broken.filter((b) => !b.endsWith(path));
          const own404 = 'console.error: Failed to load resource: the server responded with a status of 404 (Not Found)';
          const i = report.errors.indexOf(own404);
          if (i !== -1) report.errors.splice(i, 1);
        }
        expect(report).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
      });

      it('fits a 390 px phone without sideways scrolling (screenshot saved)', async () => {
        await screenshot(page, `phone-${t.name}`);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width).toBeLessThanOrEqual(PHONE.width);
      });

      it('is Simplified Chinese with a title and one h1', async () => {
        const facts = await page.evaluate(() => ({
          lang: document.documentElement.lang,
          title: document.title,
          h1: document.querySelectorAll('h1').length,
        }));
        expect(facts.lang).toBe('zh-CN');
        expect(facts.title).toMatch(/[\u4e00-\u9fff]/);
        expect(facts.h1).toBe(1);
      });

      it('has no serious or critical axe violation', async () => {
        expect(await axeProblems(page)).toEqual([]);
      });

      it('works with the keyboard: Tab reaches the skip link, the navigation and the content, with a visible focus', async () => {
        const navHrefs = await page.locator('header nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        const mainFocusable = await page.locator('main').locator('a[href], button, input, select, textarea, summary, [tabindex="0"]').count();
        const hasSkipLink = (await page.locator('a[href="#main"]').count()) > 0;
        const stops = await tabThrough(page, navHrefs.length + 12);
        expect(stops.length, 'Tab moves the focus').toBeGreaterThan(0);
        if (hasSkipLink) expect(stops[0]?.href, 'first Tab: the skip link').toBe('#main');
        for (const href of navHrefs) expect(stops.map((s) => s.href), `nav link ${href}`).toContain(href);
        if (mainFocusable > 0) expect(stops.some((s) => s.inMain), 'a link or control in <main>').toBe(true);
        expect(stops.filter((s) => !s.visible), 'stops without a visible focus').toEqual([]);
      });

      it(`loads at most ${BUDGET.js / KB} KB of JavaScript (gzip)`, () => {
        const w = weights(watch);
        recordWeight(t.path!, w);
        expect(w.js).toBeLessThanOrEqual(BUDGET.js);
      });

      it('reads without JavaScript: the heading and main content are there', async () => {
        const noJs = await open(path, { javaScriptEnabled: false });
        try {
          const h1 = await noJs.page.locator('h1').innerText();
          expect(h1.trim().length).toBeGreaterThan(0);
          const text = await noJs.page.locator('main').innerText();
          expect(text.trim().length).toBeGreaterThan(h1.trim().length);
        } finally {
          await noJs.context.close();
        }
      });
    });
  }

  const notice = types.find((t) => t.name === 'notice')?.path ?? null;
  describe.skipIf(!notice)(`status colours on the village notice${notice ? '' : ': SKIPPED, notice pages are not built yet'}`, () => {
    it('keep at least 4.5:1 contrast against every colour of their background, patterns included', async () => {
      const { context, page } = await open(notice!);
      try {
        const samples = await page.evaluate(() => {
          const STATUS = /^[\s▲↩✓]*(已到账|未到账|已退费)\s*$/;
          const rgb = (c: string) => Array.from(c.matchAll(/rgba?\(([^)]+)\)/g), (m) => m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number));
          const out: Array<{ status: string; text: number[]; backgrounds: number[][] }> = [];
          for (const el of Array.from(document.querySelectorAll('main *'))) {
            const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join('');
            const m = STATUS.exec(own);
            if (!m || (el as HTMLElement).offsetParent === null) continue;
            // The first ancestor that paints a background decides what the text sits on.
            let bgs: number[][] = [];
            for (let a: Element | null = el; a && bgs.length === 0; a = a.parentElement) {
              const cs = getComputedStyle(a);
              const colours = [...rgb(cs.backgroundColor), ...rgb(cs.backgroundImage)].filter((c) => (c[3] ?? 1) > 0);
              bgs = colours;
            }
            out.push({ status: m[1]!, text: rgb(getComputedStyle(el).color)[0]!, backgrounds: bgs.length ? bgs : [[255, 255, 255]] });
          }
          return out;
        });
        expect(new Set(samples.map((x) => x.status)), 'all three statuses are on the notice').toEqual(new Set(['已到账', '未到账', '已退费']));
        const lum = ([r, g, b]: number[]) => {
          const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
          return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
        };
        const ratio = (a: number[], b: number[]) => {
          const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
          return (hi + 0.05) / (lo + 0.05);
        };
        const low = samples.flatMap((x) => x.backgrounds.map((bg) => ({ status: x.status, text: x.text, bg, ratio: Math.round(ratio(x.text, bg) * 100) / 100 })))
          .filter((x) => x.ratio < 4.5);
        expect(low).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });

  const bigNotice = site?.has(`/r/${E2E.big.code}/${year}/`) ? `/r/${E2E.big.code}/${year}/` : null;
  describe.skipIf(!bigNotice)(`the notice of a village with ${E2E.big.rows} rows${bigNotice ? '' : ': SKIPPED, notice pages are not built yet'}`, () => {
    it(`weighs at most ${BUDGET.noticeHtmlCss / KB} KB gzip of HTML + CSS`, async () => {
      const { context, page, watch } = await open(bigNotice!);
      try {
        const w = weights(watch);
        recordWeight(`${bigNotice} (${E2E.big.rows} rows)`, w);
        await screenshot(page, 'phone-notice-1000-rows');
        expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
        expect(w.html + w.css).toBeLessThanOrEqual(BUDGET.noticeHtmlCss);
        expect(w.js).toBeLessThanOrEqual(BUDGET.js);
      } finally {
        await context.close();
      }
    });
  });
});
