/**
 * Search over the sample site (枝江市, `npm run build`): real Chinese queries through the
 * generated Pagefind bundle, run in Node exactly as the search page runs them. Expected
 * results are derived from the published data (regions.json, stats files), not typed in.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as pagefind from 'pagefind';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPagefind, type NodePagefind } from '../../scripts/pagefind-node.ts';
import { buildSearchIndex, SEARCH_LANGUAGE, shardFiles } from '../../scripts/search-index.ts';
import { SHARDS_FILE, shardPath, type ShardIndex } from '../../src/lib/search-client.ts';
import { shardGlob, withoutPaymentTable } from '../../src/lib/search-shards.ts';
import { tempDir, treeHash } from '../helpers.ts';
import type { PublishedRegion, StatsFile } from '../../src/lib/publish.ts';
import { FILTER, KIND_LABELS, META, SORT } from '../../src/lib/search-filters.ts';
import { nameSortValue } from '../../src/lib/search-terms.ts';
import { buildSampleSite, type SampleSite } from '../sample-site.ts';

let site: SampleSite;
let pf: NodePagefind;
let regions: PublishedRegion[];
let byName: Map<string, PublishedRegion[]>;

/** The one region with this name in the sample (fails loudly if the sample changed). */
function region(name: string): PublishedRegion {
  const found = byName.get(name) ?? [];
  expect(found, `${name} in the sample`).toHaveLength(1);
  return found[0]!;
}

const stats = (year: number, code: string) => JSON.parse(readFileSync(join(site.data, 'stats', String(year), `${code}.json`), 'utf8')) as StatsFile;

/** URLs of the results in rank order (data of the first `n`). */
async function urls(term: string | null, options: Parameters<NodePagefind['search']>[1] = {}, n = 10): Promise<string[]> {
  return (await pf.search(term, options, n)).hits.map((h) => h.url);
}

beforeAll(async () => {
  site = buildSampleSite();
  regions = JSON.parse(readFileSync(join(site.data, 'regions.json'), 'utf8')) as PublishedRegion[];
  byName = new Map();
  for (const r of regions) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  pf = await loadPagefind(join(site.dist, 'pagefind'));
});

describe('Chinese queries on the sample county find the expected page first', () => {
  const placeQueries: Array<[query: string, place: string]> = [
    ['沙碛坪村', '沙碛坪村'], // full village name
    ['沙碛', '沙碛坪村'], // 2-character fragment, start of the name
    ['碛坪', '沙碛坪村'], // 2-character fragment, middle of the name
    ['顾家店镇', '顾家店镇'], // township
    ['马家店街道', '马家店街道'], // a 街道
    ['百里洲', '百里洲镇'], // township without 镇
    ['枝江市', '枝江市'], // the county
    ['shaqiping', '沙碛坪村'], // pinyin, for a character that is hard to type
    ['sqpc', '沙碛坪村'], // pinyin initials
  ];
  for (const [query, place] of placeQueries) {
    it(`“${query}” → a page of ${place}`, async () => {
      const r = region(place);
      const [first] = await urls(query);
      expect(first, `first result for ${query}`).toMatch(new RegExp(`^/r/${r.code}/`));
    });
  }

  const articleQueries: Array<[string, string]> = [
    ['退费', '/help/problem/'],
    ['申请退费', '/help/problem/'],
    ['未到账', '/help/problem/'],
    ['如何缴费', '/help/pay/'],
    ['数据说明', '/about/data/'],
  ];
  for (const [query, url] of articleQueries) {
    it(`“${query}” → ${url}`, async () => {
      expect((await urls(query))[0]).toBe(url);
    });
  }

  it('“顾家店”, shared by 顾家店镇 and its seat 顾家店社区, finds both in the first results', async () => {
    const first = await urls('顾家店', {}, 8);
    for (const place of ['顾家店镇', '顾家店社区']) {
      expect(first.some((u) => u.startsWith(`/r/${region(place).code}/`)), place).toBe(true);
    }
  });

  it('“沙碛坪村” filtered by 年度 2025 → exactly its 2025 notice', async () => {
    const r = region('沙碛坪村');
    expect(await urls('沙碛坪村', { filters: { [FILTER.year]: '2025' } })).toEqual([`/r/${r.code}/2025/`]);
  });

  it('results carry the full place path and the year', async () => {
    const r = region('沙碛坪村');
    const { hits } = await pf.search('沙碛坪村', { filters: { [FILTER.year]: '2025' } });
    expect(hits[0]?.meta[META.path]).toBe(`枝江市 › 顾家店镇 › 沙碛坪村`);
    expect(hits[0]?.meta[META.year]).toBe('2025年度');
    expect(hits[0]?.meta[META.title]).toBe('沙碛坪村 2025年度城乡居民医保缴费情况公示');
    expect(hits[0]?.url).toBe(`/r/${r.code}/2025/`);
  });
});

describe('every place name of the sample is findable', () => {
  it('each village and township name finds one of its own pages first', async () => {
    const misses: string[] = [];
    for (const r of regions) {
      if ((byName.get(r.name) ?? []).length > 1) continue; // a shared name cannot pick one first
      const [first] = await urls(r.name, {}, 1);
      if (!first?.startsWith(`/r/${r.code}/`)) misses.push(`${r.name} → ${first}`);
    }
    expect(misses).toEqual([]);
  });

  it('each 2-character fragment of a village name finds that village among its results', async () => {
    const misses: string[] = [];
    let fragments = 0;
    for (const r of regions.filter((x) => x.level === 'village')) {
      const chars = Array.from(r.name);
      for (let i = 0; i + 1 < chars.length; i++) {
        const q = chars[i]! + chars[i + 1]!;
        fragments++;
        const { count, hits } = await pf.search(q, { filters: { [FILTER.kind]: KIND_LABELS.region } }, 1000);
        if (!hits.some((h) => h.url === `/r/${r.code}/`)) misses.push(`${q} (${r.name}, ${count} results)`);
      }
    }
    expect(fragments).toBeGreaterThan(500);
    expect(misses).toEqual([]);
  });

  it('a fragment that only one village has finds that village first', async () => {
    const villages = regions.filter((x) => x.level === 'village');
    const owners = new Map<string, Set<string>>();
    for (const r of regions) {
      const c = Array.from(r.name);
      for (let i = 0; i + 1 < c.length; i++) owners.set(c[i]! + c[i + 1]!, (owners.get(c[i]! + c[i + 1]!) ?? new Set()).add(r.code));
    }
    const misses: string[] = [];
    let tried = 0;
    for (const r of villages) {
      const c = Array.from(r.name);
      for (let i = 0; i + 1 < c.length; i++) {
        const q = c[i]! + c[i + 1]!;
        if (owners.get(q)!.size !== 1) continue;
        tried++;
        const [first] = await urls(q, {}, 1);
        if (!first?.startsWith(`/r/${r.code}/`)) misses.push(`${q} (${r.name}) → ${first}`);
      }
    }
    expect(tried).toBeGreaterThan(100);
    expect(misses).toEqual([]);
  });
});

describe('filters and sorting', () => {
  it('offers year, county, township and kind filters with the sample’s values', async () => {
    const f = await pf.filters();
    expect(Object.keys(f[FILTER.year] ?? {}).sort()).toEqual(['2024', '2025', '2026']);
    expect(Object.keys(f[FILTER.county] ?? {})).toEqual(['枝江市']);
    expect(Object.keys(f[FILTER.township] ?? {}).sort()).toEqual(regions.filter((r) => r.level === 'township').map((r) => r.name).sort());
    expect(Object.keys(f[FILTER.kind] ?? {}).sort()).toEqual(Object.values(KIND_LABELS).sort());
  });

  it('counts one notice per village and year, and one region page per region', async () => {
    const f = await pf.filters();
    const villageYears = regions.filter((r) => r.level === 'village').reduce((s, r) => s + r.years.length, 0);
    const otherYears = regions.filter((r) => r.level !== 'village').reduce((s, r) => s + r.years.length, 0);
    expect(f[FILTER.kind]?.[KIND_LABELS.notice]).toBe(villageYears + otherYears);
    expect(f[FILTER.kind]?.[KIND_LABELS.region]).toBe(regions.length);
  });

  it('the later pages of a long notice are not indexed (one result per notice)', async () => {
    const big = regions.filter((r) => r.level === 'village').map((r) => ({ r, rows: stats(2025, r.code).rows })).sort((a, b) => b.rows - a.rows)[0]!;
    expect(big.rows, 'the sample has a notice of several pages').toBeGreaterThan(1000);
    const { count, hits } = await pf.search(big.r.name, {}, 100);
    expect(hits.filter((h) => h.url.includes('/p/'))).toEqual([]);
    expect(count).toBeLessThanOrEqual(big.r.years.length + 1 + 1); // its notices, its region page, maybe an article
  });

  it('a township’s 2025 notices sorted by rate start with its lowest village, as in the stats file', async () => {
    const town = region('顾家店镇');
    const children = stats(2025, town.code).children.filter((c) => c.rate !== null);
    const lowest = [...children].sort((a, b) => a.rate! - b.rate! || (a.code < b.code ? -1 : 1))[0]!;
    const filters = { [FILTER.year]: '2025', [FILTER.township]: town.name, [FILTER.kind]: KIND_LABELS.notice };
    const asc = await pf.search(null, { filters, sort: { [SORT.rate]: 'asc' } }, 1000);
    expect(asc.count).toBe(children.length + 1); // the villages and the township's own year page
    expect(asc.hits[0]?.url).toBe(`/r/${lowest.code}/2025/`);
    const rates = asc.hits.map((h) => Number.parseFloat(h.meta[META.rate] ?? 'NaN'));
    expect(rates).toEqual([...rates].sort((a, b) => a - b));
  });

  it('sorting by name follows pinyin', async () => {
    const town = region('顾家店镇');
    const filters = { [FILTER.kind]: KIND_LABELS.region, [FILTER.township]: town.name };
    const { hits } = await pf.search(null, { filters, sort: { [SORT.name]: 'asc' } }, 1000);
    const expected = regions
      .filter((r) => r.code === town.code || r.parent === town.code)
      .sort((a, b) => (nameSortValue(a.name, a.code) < nameSortValue(b.name, b.code) ? -1 : 1))
      .map((r) => `/r/${r.code}/`);
    expect(expected.length).toBeGreaterThan(5);
    expect(hits.map((h) => h.url)).toEqual(expected);
  });

  it('the 文章 filter lists the help and about pages, and no place', async () => {
    const found = await urls(null, { filters: { [FILTER.kind]: KIND_LABELS.article } }, 100);
    for (const url of ['/about/', '/about/data/', '/help/pay/', '/help/check/', '/help/problem/']) expect(found).toContain(url);
    expect(found.filter((u) => u.startsWith('/r/'))).toEqual([]);
  });
});

describe('bundles', () => {
  it('shards.json lists the sample’s county with its townships', () => {
    const index = JSON.parse(readFileSync(join(site.dist, 'pagefind', SHARDS_FILE), 'utf8')) as ShardIndex;
    const county = regions.find((r) => r.level === 'county')!;
    expect(index.shards).toEqual([{ code: county.code, county: county.name, townships: regions.filter((r) => r.level === 'township').map((r) => r.name).sort() }]);
  });

  it('the county bundle, built from pages without their payment tables, has the same pages and texts as Pagefind reading the pages itself', async () => {
    const county = regions.find((r) => r.level === 'county')!;
    const built = join(site.dist, 'pagefind', shardPath(county.code));
    const out = join(tempDir('pagefind-glob'), 'bundle');
    const { index } = await pagefind.createIndex({ forceLanguage: SEARCH_LANGUAGE });
    try {
      const { page_count } = await index!.addDirectory({ path: site.dist, glob: shardGlob(county.code) });
      await index!.writeFiles({ outputPath: out });
      // A fragment file is named by a hash of the page's indexed text, filters and metadata.
      const fragments = (dir: string) => readdirSync(join(dir, 'fragment')).sort();
      expect(fragments(built)).toEqual(fragments(out));
      expect(fragments(built)).toHaveLength(page_count);
    } finally {
      await pagefind.close();
    }
    // And the tables were cut: every village-year notice had one.
    const files = shardFiles(site.dist, readdirSync(join(site.dist, 'r')), county.code);
    const cut = files.filter((f) => { const html = readFileSync(join(site.dist, f), 'utf8'); return withoutPaymentTable(html).length < html.length; });
    expect(cut.length).toBe(regions.filter((r) => r.level === 'village').reduce((s, r) => s + r.years.length, 0));
  });
});

describe('county bundles built at once', () => {
  it('are the same bytes whether built one after the other or in two processes at once', async () => {
    // A site of two counties: the sample's, and a copy of its townships and villages under a
    // second county code.
    const work = tempDir('gongshi-search-jobs-');
    const siteDir = join(work, 'one');
    const dataDir = join(work, 'data');
    mkdirSync(join(siteDir, 'r'), { recursive: true });
    mkdirSync(dataDir);
    const other = (code: string): string => `420582${code.slice(6)}`;
    for (const dir of readdirSync(join(site.dist, 'r'))) {
      cpSync(join(site.dist, 'r', dir), join(siteDir, 'r', dir), { recursive: true });
      if (!dir.endsWith('000000')) cpSync(join(site.dist, 'r', dir), join(siteDir, 'r', other(dir)), { recursive: true });
    }
    const copies = regions.filter((r) => !r.code.endsWith('000000')).map((r) => ({ ...r, code: other(r.code), parent: r.parent && !r.parent.endsWith('000000') ? other(r.parent) : '420582000000' }));
    const county = { ...regions.find((r) => r.level === 'county')!, code: '420582000000', name: '当阳市', children: [] };
    writeFileSync(join(dataDir, 'regions.json'), JSON.stringify([...regions, county, ...copies]));
    const twoDir = join(work, 'two');
    cpSync(siteDir, twoDir, { recursive: true });
    const one = await buildSearchIndex({ siteDir, dataDir, jobs: 1 });
    const two = await buildSearchIndex({ siteDir: twoDir, dataDir, jobs: 2 });
    expect(two.bundles).toBe(3);
    expect(two.pages).toBe(one.pages);
    const [a, b] = [treeHash(join(siteDir, 'pagefind')), treeHash(join(twoDir, 'pagefind'))];
    expect(Object.keys(a).some((f) => f.startsWith('/county/420582000000/'))).toBe(true);
    expect(Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k])).toEqual([]);
  }, 120_000);
});

describe('what is not indexed', () => {
  it('payment tables are left out: the longest notice indexes its header and totals only', async () => {
    const big = regions.filter((r) => r.level === 'village').map((r) => ({ r, rows: stats(2025, r.code).rows })).sort((a, b) => b.rows - a.rows)[0]!;
    const { hits } = await pf.search(big.r.name, { filters: { [FILTER.year]: '2025' } }, 1);
    expect(hits[0]?.url).toBe(`/r/${big.r.code}/2025/`);
    // Each row has a name, an ID, an amount, a date, a channel and a status: indexed, the
    // rows alone would be thousands of words.
    expect(hits[0]!.word_count).toBeLessThan(400);
  });

  it('the search, archive and home pages are not results', async () => {
    const all = await urls(null, {}, 5000);
    expect(all.length).toBeGreaterThan(900);
    expect(all.filter((u) => u === '/' || u.startsWith('/search/') || u.startsWith('/archive/'))).toEqual([]);
  });
});
