/**
 * Draws the share image (public/og.png, 1200×630) that chat apps show under a shared
 * link: the site's name and what it is, on a notice-board motif. Run once when the
 * wording changes; the PNG is committed (a build does not need a browser).
 *
 *   node scripts/og-image.ts [--name 医保缴费公示]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({ options: { name: { type: 'string', default: '医保缴费公示' } } });
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const rows = Array.from({ length: 6 }, (_, i) => `<div class="row${i === 3 ? ' p' : ''}"><i></i><i></i><i></i><i></i></div>`).join('');
const html = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><style>
  body { margin: 0; width: 1200px; height: 630px; font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; background: #0b5cad; color: #fff; display: flex; align-items: center; }
  .text { flex: 1; padding: 0 0 0 80px; }
  h1 { font-size: 92px; margin: 0 0 24px; letter-spacing: 4px; }
  p { font-size: 36px; margin: 0; line-height: 1.5; color: #e3eefa; }
  .board { width: 360px; height: 440px; margin-right: 80px; background: #fff; border-radius: 12px; padding: 28px; box-sizing: border-box; }
  .board b { display: block; height: 26px; width: 70%; margin: 0 auto 26px; background: #1a1a1a; border-radius: 4px; }
  .row { display: flex; gap: 12px; padding: 14px 8px; border-bottom: 3px solid #c8c8c8; }
  .row i { height: 18px; background: #8a8a8a; border-radius: 3px; flex: 1; }
  .row i:first-child { flex: 0 0 30px; } .row i:nth-child(3) { flex: 2; }
  .row.p { background: repeating-linear-gradient(135deg, #fff4d6 0 10px, #fde9b0 10px 15px); }
  .row.p i { background: #6b4500; }
</style><body><div class="text"><h1>${esc(values.name!)}</h1><p>城乡居民医保缴费情况 张榜公示</p><p>查本村名单 · 查我的缴费</p><p>有误可在公示期内反映</p></div><div class="board"><b></b>${rows}</div></body></html>`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 630 } });
  await page.setContent(html);
  const out = resolve(import.meta.dirname, '../public/og.png');
  await page.screenshot({ path: out });
  console.log(`share image: ${out}`);
} finally {
  await browser.close();
}
