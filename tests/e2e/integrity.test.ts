/**
 * The pages of the integrity work in Chromium on a 390 px phone, built from the two
 * hand-made publications (tests/fixtures/publications): a corrected notice with its
 * corrections, an earlier version, /changes/ and /about/verify/. Each loads cleanly (no
 * console error, no CSP violation, nothing broken), fits the screen and passes axe with no
 * serious or critical violation; the notice's hash and version also print.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, chromiumAvailable, cleanReport, launchBrowser, ROOT, screenshot, serveStatic, watchedContext, type StaticServer } from './browser.ts';
import { fixture, tempDir } from '../helpers.ts';

const ready = chromiumAvailable();
const PAGES = ['/r/420583103201/2025/', '/r/420583103201/2025/v/1/', '/r/420583104001/2024/v/1/', '/changes/', '/about/verify/'];

describe.skipIf(!ready)('integrity pages in Chromium at 390 px', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    const out = tempDir('gongshi-e2e-integrity-');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.ts')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: fixture('publications'), DIST_DIR: join(out, 'dist'), SITE_DATA_DIR: join(out, 'data') },
    });
    if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
    server = await serveStatic(join(out, 'dist'));
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const path of PAGES) {
    it(`${path} loads cleanly, fits the phone and passes axe`, async () => {
      const { context, watch } = await watchedContext(browser, server.origin);
      const page = await context.newPage();
      const res = await page.goto(server.origin + path, { waitUntil: 'networkidle' });
      await watch.settle();
      expect(res?.status()).toBe(200);
      expect(cleanReport(watch)).toEqual({ foreign: [], errors: [], broken: [], dialogs: [] });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      await screenshot(page, `integrity${path.replace(/\/+/g, '-').replace(/-$/, '')}`);
      expect(width).toBeLessThanOrEqual(390);
      expect(await axeProblems(page)).toEqual([]);
      await context.close();
    });
  }

  it('prints the version, the as-of date, the content hash and the corrections of a notice', async () => {
    const { context } = await watchedContext(browser, server.origin);
    const page = await context.newPage();
    await page.goto(server.origin + '/r/420583103201/2025/', { waitUntil: 'networkidle' });
    await page.emulateMedia({ media: 'print' });
    const visible = async (sel: string) => page.locator(sel).first().isVisible();
    expect(await visible('#content-hash')).toBe(true);
    expect(await visible('#corrections')).toBe(true);
    const footer = await page.locator('.integrity').innerText();
    expect(footer).toMatch(/第 2 版，2025年2月15日发布，数据截至2025年2月14日/);
    expect(footer).toMatch(/[0-9a-f]{64}/);
    await context.close();
  });
});
