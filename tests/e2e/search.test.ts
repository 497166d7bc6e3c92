/**
 * Search and archive in Chromium on a 390 px phone: the header box leads to results with
 * the place path, filters change the results and the address, hostile place names show
 * as text, the page works without JavaScript (a list of places), and the search page with
 * results, the archive and a year of the archive pass axe.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPages } from './page-types.ts';
import { axeProblems, buildE2eSite, chromiumAvailable, cleanReport, screenshot, siteSession, watchedContext, type Watch } from './browser.ts';
import { E2E } from './export.ts';

const ready = chromiumAvailable();
const site = ready ? buildE2eSite() : null;
const built = site?.has('/search/') && site.has('/archive/') ? site : null;

const session = siteSession(built);

async function open(path: string, opts: Parameters<typeof watchedContext>[2] = {}): Promise<{ context: BrowserContext; page: Page; watch: Watch }> {
  const { context, watch } = await watchedContext(session.browser, session.server.origin, opts);
  const page = await context.newPage();
  await page.goto(session.server.origin + path, { waitUntil: 'networkidle' });
  return { context, page, watch };
}

/** The links of the result list, once the search has answered. */
async function results(page: Page): Promise<Array<{ href: string; title: string; text: string }>> {
  await page.waitForFunction(() => /找到|没有/.test(document.getElementById('search-status')?.textContent ?? ''));
  return page.locator('#search-results > li').evaluateAll((lis) => lis.map((li) => ({
    href: li.querySelector('a')?.getAttribute('href') ?? '',
    title: li.querySelector('a')?.textContent ?? '',
    text: (li as HTMLElement).innerText,
  })));
}

describe.skipIf(!built)('search in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let watch: Watch;

  beforeAll(async () => {
    ({ context, page, watch } = await open('/'));
    await page.locator('#site-search-q').fill(E2E.village.name);
    await page.locator('#site-search-q').press('Enter');
    await page.waitForURL(/\/search\/\?q=/);
  });
  afterAll(async () => {
    await context?.close();
  });

  it('the header box opens the search page with the query, and the village comes first with its place path', async () => {
    const list = await results(page);
    expect(new URL(page.url()).searchParams.get('q')).toBe(E2E.village.name);
    expect(list[0]?.href).toMatch(new RegExp(`^/r/${E2E.village.code}/`));
    expect(list[0]?.text).toContain(`${E2E.county.name} › ${E2E.town.name} › ${E2E.village.name}`);
    await screenshot(page, 'phone-search-results');
  });

  it('loads everything from the site itself, with no console error', async () => {
    await watch.settle();
    expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
    expect(watch.loaded.some((l) => l.url.includes('/pagefind/'))).toBe(true);
  });

  it('has no serious or critical axe violation with results shown', async () => {
    expect(await axeProblems(page)).toEqual([]);
  });

  it('the year filter narrows the results and goes into the address', async () => {
    await page.locator('select[name="year"]').selectOption('2024');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('year') === '2024');
    const list = await results(page);
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((r) => r.href.includes('/2024/'))).toBe(true);
    expect(list[0]?.text).toContain('2024年度');
  });

  it('a two-character fragment and the pinyin find the village', async () => {
    await page.locator('select[name="year"]').selectOption('');
    for (const q of [Array.from(E2E.village.name).slice(0, 2).join(''), 'shaqiping']) {
      await page.locator('#search-q').fill(q);
      await page.locator('#search-q').press('Enter');
      await page.waitForFunction((want) => new URL(location.href).searchParams.get('q') === want, q);
      expect((await results(page))[0]?.href, q).toMatch(new RegExp(`^/r/${E2E.village.code}/`));
    }
  });

  it('a help word finds the help page', async () => {
    await page.locator('#search-q').fill('退费');
    await page.locator('#search-q').press('Enter');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === '退费');
    expect((await results(page))[0]?.href).toBe('/help/problem/');
  });

  it('hostile place names in results are shown as text and never run', async () => {
    const cases: Array<[query: string, name: string]> = [
      ['onerror', E2E.xssVillages[0]!.name],
      ['script', E2E.xssVillages[1]!.name],
      ['svg', E2E.xssTown.name],
    ];
    for (const [q, name] of cases) {
      await page.locator('#search-q').fill(q);
      await page.locator('#search-q').press('Enter');
      await page.waitForFunction((want) => new URL(location.href).searchParams.get('q') === want, q);
      const list = await results(page);
      expect(list.map((r) => r.title).some((t) => t.startsWith(name)), `${q}: a result titled ${name}`).toBe(true);
      expect(await page.locator('#search-results img, #search-results svg, #search-results script').count()).toBe(0);
    }
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });
});

describe.skipIf(!built)('search without JavaScript', () => {
  it('says so, and lists every township with its villages, linked to their pages', async () => {
    const { context, page } = await open(`/search/?q=${encodeURIComponent(E2E.village.name)}`, { javaScriptEnabled: false });
    try {
      const text = await page.locator('main').innerText();
      expect(text).toContain('搜索需要浏览器启用 JavaScript');
      const hrefs = await page.locator('.by-town a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs).toContain(`/r/${E2E.town.code}/`);
      expect(hrefs).toContain(`/r/${E2E.village.code}/`);
      for (const v of E2E.xssVillages) expect(hrefs).toContain(`/r/${v.code}/`);
    } finally {
      await context.close();
    }
  });
});

describe.skipIf(!built)('archive in Chromium', () => {
  for (const path of ['/archive/', `/archive/${Math.max(...E2E.years)}/`]) {
    it(`${path} passes axe and loads cleanly`, async () => {
      const { context, page, watch } = await open(path);
      try {
        await watch.settle();
        expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
        expect(await axeProblems(page)).toEqual([]);
        await screenshot(page, `phone-archive-${path.split('/').filter(Boolean).join('-')}`);
      } finally {
        await context.close();
      }
    });
  }

  it('every village notice of the build is linked from its year of the archive, and from /archive/', async () => {
    const notices = allPages(built!).filter((p) => /^\/r\/\d{12}\/\d{4}\/$/.test(p));
    const { context, page } = await open('/archive/');
    try {
      const fromIndex = new Set(await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))));
      for (const year of E2E.years) {
        await page.goto(`${session.server.origin}/archive/${year}/`);
        const fromYear = new Set(await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))));
        for (const n of notices.filter((p) => p.endsWith(`/${year}/`))) {
          expect(fromYear.has(n), `${n} on /archive/${year}/`).toBe(true);
          expect(fromIndex.has(n), `${n} on /archive/`).toBe(true);
        }
      }
    } finally {
      await context.close();
    }
  });
});
