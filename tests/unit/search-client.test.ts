import { describe, expect, it } from 'vitest';
import { FILTER, SORT, SORT_META } from '../../src/lib/search-filters.ts';
import {
  MAX_SORTED_BUNDLES, mergeSorted, shardPath, shardsFor, SiteSearch,
  type PagefindInstance, type PagefindModule, type PagefindResult, type ResultData, type ShardIndex,
} from '../../src/lib/search-client.ts';

const INDEX: ShardIndex = {
  shards: [
    { code: '420583000000', county: '枝江市', townships: ['顾家店镇', '马家店街道'] },
    { code: '421002000000', county: '沙市区', townships: ['顾家店镇', '解放街道'] },
    { code: '421003000000', county: '荆州区', townships: ['郢城镇'] },
  ],
};
const codes = (list: Array<{ code: string }>) => list.map((s) => s.code);

describe('shardsFor', () => {
  it('every county without a place filter; the year and kind filters do not narrow', () => {
    expect(codes(shardsFor(INDEX, {}))).toEqual(codes(INDEX.shards));
    expect(codes(shardsFor(INDEX, { [FILTER.year]: '2025', [FILTER.kind]: '公示' }))).toEqual(codes(INDEX.shards));
  });

  it('a county filter picks its bundle; a township name picks every county that has it', () => {
    expect(codes(shardsFor(INDEX, { [FILTER.county]: '沙市区' }))).toEqual(['421002000000']);
    expect(codes(shardsFor(INDEX, { [FILTER.township]: '顾家店镇' }))).toEqual(['420583000000', '421002000000']);
    expect(codes(shardsFor(INDEX, { [FILTER.township]: '顾家店镇', [FILTER.county]: '枝江市' }))).toEqual(['420583000000']);
    expect(codes(shardsFor(INDEX, { [FILTER.county]: ['枝江市', '荆州区'] }))).toEqual(['420583000000', '421003000000']);
    expect(shardsFor(INDEX, { [FILTER.township]: '不存在' })).toEqual([]);
  });
});

/** A fake result whose data() is counted. */
function result(url: string, meta: Record<string, string>, loads: string[], score = 1): PagefindResult {
  return { score, data: async (): Promise<ResultData> => (loads.push(url), { url, meta, excerpt: '', word_count: 1 }) };
}
const rated = (url: string, rate: string, loads: string[]) => result(url, { [SORT_META[SORT.rate]!]: rate }, loads);

describe('mergeSorted', () => {
  it('merges lists each sorted by rate into one order, numbers compared as numbers', async () => {
    const loads: string[] = [];
    const a = [rated('a1', '0.0950', loads), rated('a2', '0.9000', loads), rated('a3', '1.2000', loads)];
    const b = [rated('b1', '0.5000', loads), rated('b2', '0.9500', loads)];
    const asc = mergeSorted([a, b], SORT.rate, 'asc');
    expect(asc.count).toBe(5);
    expect((await asc.next(2)).map((d) => d.url)).toEqual(['a1', 'b1']);
    expect((await asc.next(10)).map((d) => d.url)).toEqual(['a2', 'b2', 'a3']);
    expect(await asc.next(10)).toEqual([]);
  });

  it('descending: lists sorted descending merge into one descending order', async () => {
    const loads: string[] = [];
    const a = [rated('a1', '1.2000', loads), rated('a2', '0.0950', loads)];
    const b = [rated('b1', '0.9500', loads), rated('b2', '0.5000', loads)];
    expect((await mergeSorted([a, b], SORT.rate, 'desc').next(10)).map((d) => d.url)).toEqual(['a1', 'b1', 'b2', 'a2']);
  });

  it('names compare as strings (pinyin); ties keep the order of the lists', async () => {
    const loads: string[] = [];
    const key = SORT_META[SORT.name]!;
    const a = [result('a1', { [key]: 'baili' }, loads), result('a2', { [key]: 'zhijiang' }, loads)];
    const b = [result('b1', { [key]: 'baili' }, loads), result('b2', { [key]: 'gujiadian' }, loads)];
    expect((await mergeSorted([a, b], SORT.name, 'asc').next(10)).map((d) => d.url)).toEqual(['a1', 'b1', 'b2', 'a2']);
  });

  it('loads a result only when it is at the head of its list: a screenful costs the shown results plus one per list', async () => {
    const loads: string[] = [];
    const lists = [0, 1, 2].map((l) => Array.from({ length: 50 }, (_, i) => rated(`${l}-${i}`, (i / 100 + l / 1000).toFixed(4), loads)));
    const merged = mergeSorted(lists, SORT.rate, 'asc');
    const first = await merged.next(10);
    expect(first.map((d) => d.url)).toEqual(['0-0', '1-0', '2-0', '0-1', '1-1', '2-1', '0-2', '1-2', '2-2', '0-3']);
    expect(new Set(loads).size).toBeLessThanOrEqual(10 + 3);
    expect(loads.length).toBe(new Set(loads).size); // no result loaded twice
  });
});

/** A fake Pagefind module: each bundle returns the results it was given, and calls are recorded. */
function fakePagefind(byBundle: Record<string, PagefindResult[]>) {
  const calls: string[] = [];
  const module: PagefindModule = {
    createInstance({ basePath }) {
      const bundles = [basePath];
      const instance: PagefindInstance = {
        options: async () => {},
        mergeIndex: async (path) => {
          calls.push(`merge ${path}`);
          bundles.push(path);
        },
        search: async (_term, o) => {
          calls.push(`search ${bundles.join(' + ')}${o?.sort ? ' sorted' : ''}`);
          return { results: bundles.flatMap((b) => byBundle[b] ?? []).sort((x, y) => y.score - x.score) };
        },
        filters: async () => ({}),
      };
      calls.push(`instance ${basePath}`);
      return instance;
    },
  };
  return { module, calls };
}

describe('SiteSearch', () => {
  const base = '/pagefind/';
  const bundle = (code: string) => `${base}${shardPath(code)}`;
  const realFetch = globalThis.fetch;
  const withShards = async <T>(index: ShardIndex, fn: () => Promise<T>): Promise<T> => {
    globalThis.fetch = (async (url: string) => {
      expect(url).toBe('/pagefind/shards.json');
      return new Response(JSON.stringify(index));
    }) as typeof fetch;
    try {
      return await fn();
    } finally {
      globalThis.fetch = realFetch;
    }
  };

  it('a relevance search merges only the county bundles its filters can match, each once', async () => {
    const { module, calls } = fakePagefind({});
    const site = new SiteSearch(module, base);
    await withShards(INDEX, async () => {
      await site.search('沙碛', { filters: { [FILTER.county]: '枝江市' } });
      await site.search('沙碛', { filters: { [FILTER.county]: '枝江市' } });
      await site.search('沙碛', {});
    });
    expect(calls).toEqual([
      `instance ${base}`,
      `merge ${bundle('420583000000')}`,
      `search ${base} + ${bundle('420583000000')}`,
      `search ${base} + ${bundle('420583000000')}`,
      `merge ${bundle('421002000000')}`,
      `merge ${bundle('421003000000')}`,
      `search ${base} + ${bundle('420583000000')} + ${bundle('421002000000')} + ${bundle('421003000000')}`,
    ]);
  });

  it('a sorted search runs one instance per bundle and merges their sorted lists', async () => {
    const loads: string[] = [];
    const { module, calls } = fakePagefind({
      [base]: [rated('/r/420583000000/2025/', '0.9000', loads)],
      [bundle('420583000000')]: [rated('/r/420583100201/2025/', '0.5000', loads), rated('/r/420583100202/2025/', '0.9500', loads)],
    });
    const site = new SiteSearch(module, base);
    const r = await withShards(INDEX, () => site.search(null, { filters: { [FILTER.county]: '枝江市' }, sort: { [SORT.rate]: 'asc' } }));
    if ('needsPlace' in r) throw new Error('expected results');
    expect(r.count).toBe(3);
    expect((await r.next(10)).map((d) => d.url)).toEqual(['/r/420583100201/2025/', '/r/420583000000/2025/', '/r/420583100202/2025/']);
    expect(calls.filter((c) => c.startsWith('merge'))).toEqual([]);
  });

  it(`a sorted search over more than ${MAX_SORTED_BUNDLES} bundles asks for a place instead`, async () => {
    const many: ShardIndex = { shards: Array.from({ length: MAX_SORTED_BUNDLES }, (_, i) => ({ code: `42${String(i + 10).padStart(4, '0')}000000`, county: `县${i}`, townships: [] })) };
    const { module, calls } = fakePagefind({});
    const site = new SiteSearch(module, base);
    const r = await withShards(many, () => site.search('村', { sort: { [SORT.name]: 'asc' } }));
    expect(r).toEqual({ needsPlace: true });
    expect(calls).toEqual([]);
    // With a county chosen, the same sort runs.
    const one = await withShards(many, () => site.search('村', { filters: { [FILTER.county]: '县3' }, sort: { [SORT.name]: 'asc' } }));
    expect('needsPlace' in one).toBe(false);
  });
});
