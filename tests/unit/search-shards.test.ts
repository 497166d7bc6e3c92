import { matchesGlob } from 'node:path';
import { describe, expect, it } from 'vitest';
import { levelOf, parentOf } from '../../src/lib/contract.ts';
import type { PublishedRegion } from '../../src/lib/publish.ts';
import { isSiteLevel, SITE_GLOB, shardGlob, shardIndex, unindexedRegionDirs, withoutPaymentTable } from '../../src/lib/search-shards.ts';
import { shareOut } from '../../scripts/search-index.ts';

/** Regions as regions.json has them (level and parent from the code). */
function regions(list: Array<[code: string, name: string]>): PublishedRegion[] {
  const codes = new Set(list.map(([c]) => c));
  return list.map(([code, name]) => {
    const parent = parentOf(code);
    return { code, name, level: levelOf(code), parent: parent && codes.has(parent) ? parent : null, children: list.map(([c]) => c).filter((c) => parentOf(c) === code), years: [2025] };
  });
}

const PROVINCE = regions([
  ['420000000000', '湖北省'],
  ['420500000000', '宜昌市'],
  ['420583000000', '枝江市'],
  ['420583100000', '顾家店镇'],
  ['420583100201', '沙碛坪村'],
  ['420583001000', '马家店街道'],
  ['420583001001', '团结路社区'],
  ['421000000000', '荆州市'],
  ['421002000000', '沙市区'],
  ['421002003000', '顾家店镇'], // a township name another county has too
  ['421002003201', '某村'],
]);

describe('shardIndex', () => {
  it('has one bundle per county, in code order, with its township names', () => {
    expect(shardIndex(PROVINCE)).toEqual({
      shards: [
        { code: '420583000000', county: '枝江市', townships: ['顾家店镇', '马家店街道'].sort() },
        { code: '421002000000', county: '沙市区', townships: ['顾家店镇'] },
      ],
    });
  });

  it('has a bundle for the county of a site of one township, which has no county page', () => {
    const town = regions([['420583100000', '顾家店镇'], ['420583100201', '沙碛坪村']]);
    expect(shardIndex(town).shards).toEqual([{ code: '420583000000', county: '', townships: ['顾家店镇'] }]);
  });
});

describe('globs: every place page is in exactly one bundle', () => {
  const site = shardIndex(PROVINCE);
  const globs = [SITE_GLOB, ...site.shards.map((s) => shardGlob(s.code))];
  const bundlesOf = (path: string): number[] => globs.flatMap((g, i) => (matchesGlob(path, g) ? [i] : []));

  it('province, city and county pages are in the site bundle; township and village pages in their county’s', () => {
    for (const r of PROVINCE) {
      const expected = isSiteLevel(r.code) ? 0 : 1 + site.shards.findIndex((s) => s.code.slice(0, 6) === r.code.slice(0, 6));
      expect(bundlesOf(`r/${r.code}/index.html`), r.name).toEqual([expected]);
      expect(bundlesOf(`r/${r.code}/2025/index.html`), `${r.name} 2025`).toEqual([expected]);
    }
  });

  it('a village with no township part (township digits 000) is still in its county’s bundle', () => {
    expect(bundlesOf('r/420583000123/index.html')).toEqual([1]);
  });

  it('articles and other pages are in the site bundle; later pages of a long notice in none', () => {
    for (const p of ['index.html', 'help/problem/index.html', 'about/data/index.html', 'charts/2025/index.html']) expect(bundlesOf(p), p).toEqual([0]);
    expect(bundlesOf('r/420583100201/2025/p/2/index.html')).toEqual([]);
    // Chart widgets: one per region, year and chart, none indexed and never read by Pagefind.
    expect(bundlesOf('embed/2025/420583100201/trend/index.html')).toEqual([]);
    expect(bundlesOf('embed/2025/420583000000/yoy/index.html')).toEqual([]);
    expect(bundlesOf('events/2025/index.html')).toEqual([0]);
    expect(bundlesOf('r/420583000000/2025/p/2/index.html')).toEqual([]);
  });

  it('isSiteLevel: six trailing zeros', () => {
    expect(['420000000000', '420500000000', '420583000000'].map(isSiteLevel)).toEqual([true, true, true]);
    expect(['420583100000', '420583100201', '420583000123'].map(isSiteLevel)).toEqual([false, false, false]);
  });
});

describe('unindexedRegionDirs', () => {
  it('lists folders of counties without a bundle, and nothing else', () => {
    const index = shardIndex(PROVINCE);
    expect(unindexedRegionDirs(PROVINCE.map((r) => r.code), index)).toEqual([]);
    expect(unindexedRegionDirs(['420583100201', '429004100201', '429004000000'], index)).toEqual(['429004100201']);
  });
});

describe('withoutPaymentTable', () => {
  it('cuts the payment table and nothing else', () => {
    const html = '<header data-pagefind-body><h1>沙碛坪村</h1></header><div class="tw" data-pagefind-ignore><table class="nt"><tbody><tr><td>张*</td><td>&lt;/table&gt;</td></tr></tbody></table><p class="empty">x</p></div><table class="tt"><tr><td>合计</td></tr></table>';
    expect(withoutPaymentTable(html)).toBe('<header data-pagefind-body><h1>沙碛坪村</h1></header><div class="tw" data-pagefind-ignore><p class="empty">x</p></div><table class="tt"><tr><td>合计</td></tr></table>');
  });

  it('leaves a page without one (or with an unclosed one) as it is', () => {
    expect(withoutPaymentTable('<table class="tt"></table>')).toBe('<table class="tt"></table>');
    expect(withoutPaymentTable('<table class="nt"><tr>')).toBe('<table class="nt"><tr>');
  });
});

describe('shareOut', () => {
  it('shares bundles out into groups of about equal pages, each in code order', () => {
    const bundles = [['420501', 900], ['420502', 100], ['420503', 500], ['420504', 450], ['420505', 50]].map(([code, weight]) => ({ code: code as string, weight: weight as number }));
    // Largest first, each to the lightest group: 900 → A; 500 → B; 450 → B (950); 100 → A (1000); 50 → B.
    expect(shareOut(bundles, 2)).toEqual([['420501', '420502'], ['420503', '420504', '420505']]);
    expect(shareOut(bundles, 1)).toEqual([bundles.map((b) => b.code)]);
    // More groups than bundles: no empty group.
    expect(shareOut(bundles.slice(0, 2), 4)).toEqual([['420501'], ['420502']]);
    expect(shareOut([], 2)).toEqual([]);
  });
});
