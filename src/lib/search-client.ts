/**
 * The search page's use of Pagefind, shared with the Node harness of the tests and the
 * search benchmark (scripts/pagefind-node.ts), so both run the same code.
 *
 * The index comes in bundles (src/lib/search-shards.ts): the site bundle `/pagefind/`
 * (articles; province, city and county pages) and one bundle per county for its townships
 * and villages, under `/pagefind/county/{code}/`, listed in `/pagefind/shards.json`. A search loads the site
 * bundle and merges the county bundles its filters can match (all of them without a place
 * filter) with Pagefind's `mergeIndex`, which ranks results of all bundles by relevance.
 *
 * Pagefind orders merged results by relevance even when asked to sort, so a sorted search
 * runs one Pagefind instance per bundle, each sorted, and merges the sorted lists here by
 * the sort values each result carries as metadata ({@link SORT_META}).
 *
 * No dependencies beyond search-filters.ts: this is in the search page's browser bundle.
 */
import { FILTER, SORT_META } from './search-filters.ts';

/** One county bundle: where it is and which filter values its pages carry. */
export interface SearchShard {
  /** 12-digit county code; the bundle is at `{base}county/{code}/`. */
  code: string;
  /** County name: the value of the county filter on its pages. */
  county: string;
  /** Township names: values of the township filter on its pages. */
  townships: string[];
}

/** `/pagefind/shards.json`. */
export interface ShardIndex {
  shards: SearchShard[];
}

/** File name of the shard list, in the site bundle's folder. */
export const SHARDS_FILE = 'shards.json';

/** Folder of the county bundles, in the site bundle's. */
export const COUNTY_BUNDLES = 'county';

/** Folder of a county bundle, relative to the site bundle's. */
export function shardPath(code: string): string {
  return `${COUNTY_BUNDLES}/${code}/`;
}

/**
 * Above this many bundles a sorted search asks for a place filter instead: each bundle of a
 * sorted search is an instance of its own, with its own index files and WebAssembly.
 */
export const MAX_SORTED_BUNDLES = 8;

/**
 * Relevance weight of the county bundles against the site bundle. Pagefind ranks a word by
 * how rare it is in its own bundle, and the site bundle is small: an article that mentions a
 * place once (the help page's example 沙碛坪村, shaqiping) would otherwise outrank the
 * place's own page. Words common in articles (退费, 缴费) are on every page of a county's
 * bundle and score near zero there, so articles still come first for them.
 */
export const COUNTY_BUNDLE_WEIGHT = 2;

/** Filter values as Pagefind takes them. */
export type Filters = Record<string, string | string[]>;

const values = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The county bundles whose pages can match these filters (county and township filters narrow; others do not). */
export function shardsFor(index: ShardIndex, filters: Filters): SearchShard[] {
  const counties = values(filters[FILTER.county]);
  const towns = values(filters[FILTER.township]);
  return index.shards.filter((s) => (counties.length === 0 || counties.includes(s.county)) && (towns.length === 0 || towns.some((t) => s.townships.includes(t))));
}

/** What a result gives when its data is loaded (the parts the site uses). */
export interface ResultData {
  url: string;
  meta: Record<string, string>;
  excerpt: string;
  word_count: number;
}

/** The part of Pagefind's result objects used here. */
export interface PagefindResult {
  score: number;
  data(): Promise<ResultData>;
}

/** The part of a Pagefind instance (`createInstance`) used here. */
export interface PagefindInstance {
  options(o: Record<string, unknown>): Promise<void>;
  mergeIndex(path: string, o?: Record<string, unknown>): Promise<void>;
  search(term: string | null, o?: Record<string, unknown>): Promise<{ results: PagefindResult[] } | null>;
  filters(): Promise<Record<string, Record<string, number>>>;
}

/** The Pagefind module (`pagefind.js`). */
export interface PagefindModule {
  createInstance(o: { basePath: string } & Record<string, unknown>): PagefindInstance;
}

/** Results of one search, loaded a screenful at a time. */
export interface SearchResults {
  count: number;
  /** Data of the next `n` results in order (fewer at the end). */
  next(n: number): Promise<ResultData[]>;
}

/** A search that cannot run as asked: a sort over more bundles than {@link MAX_SORTED_BUNDLES}. */
export interface NeedsPlace {
  needsPlace: true;
}

export interface SearchOptions {
  filters?: Filters;
  sort?: Record<string, 'asc' | 'desc'>;
}

/** Compares two sort values as Pagefind does for the site's keys: numbers as numbers, else as strings. */
function compareSortValues(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const x = Number(a);
  const y = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Results already in order. */
function inOrder(results: PagefindResult[]): SearchResults {
  let at = 0;
  return {
    count: results.length,
    async next(n) {
      const page = results.slice(at, at + n);
      at += page.length;
      return Promise.all(page.map((r) => r.data()));
    },
  };
}

/**
 * Lists each sorted by `key`, merged into one order: the next result is the smallest head
 * (the largest for 'desc'); ties keep the order of the lists. Loads a result's data only
 * when it is a head, so a screenful costs the shown results plus one per list.
 */
export function mergeSorted(lists: PagefindResult[][], key: string, direction: 'asc' | 'desc'): SearchResults {
  const metaKey = SORT_META[key] ?? key;
  const at = lists.map(() => 0);
  const heads = new Map<number, Promise<ResultData>>();
  const head = (i: number): Promise<ResultData> | null => {
    if (at[i]! >= lists[i]!.length) return null;
    let h = heads.get(i);
    if (!h) {
      h = lists[i]![at[i]!]!.data();
      heads.set(i, h);
    }
    return h;
  };
  const sign = direction === 'desc' ? -1 : 1;
  return {
    count: lists.reduce((s, l) => s + l.length, 0),
    async next(n) {
      const out: ResultData[] = [];
      while (out.length < n) {
        const candidates = await Promise.all(lists.map((_, i) => head(i)));
        let best = -1;
        for (let i = 0; i < candidates.length; i++) {
          const c = candidates[i];
          if (!c) continue;
          if (best === -1) best = i;
          else {
            const a = c.meta[metaKey];
            const b = candidates[best]!.meta[metaKey];
            // A result without the value (never expected) goes last in either direction.
            const cmp = a === undefined || b === undefined ? compareSortValues(a, b) : sign * compareSortValues(a, b);
            if (cmp < 0) best = i;
          }
        }
        if (best === -1) break;
        out.push(candidates[best]!);
        heads.delete(best);
        at[best]!++;
      }
      return out;
    },
  };
}

/**
 * The site's search over its bundles. `base` is the site bundle's URL (`/pagefind/`, or a
 * file: URL in Node); `options` are passed to every Pagefind instance.
 */
export class SiteSearch {
  private shardIndex: Promise<ShardIndex> | null = null;
  private relevance: { pf: PagefindInstance; ready: Promise<void> } | null = null;
  /** County bundles merged into the relevance instance, by code. */
  private readonly merged = new Map<string, Promise<void>>();
  private readonly sorted = new Map<string, Promise<PagefindInstance>>();

  private readonly pagefind: PagefindModule;
  private readonly base: string;
  private readonly options: Record<string, unknown>;

  constructor(pagefind: PagefindModule, base: string, options: Record<string, unknown> = {}) {
    this.pagefind = pagefind;
    this.base = base;
    this.options = options;
  }

  /** The list of county bundles (fetched once). */
  shards(): Promise<ShardIndex> {
    if (!this.shardIndex) {
      const loading = fetch(`${this.base}${SHARDS_FILE}`).then(async (r) => {
        if (!r.ok) throw new Error(`${SHARDS_FILE}: HTTP ${r.status}`);
        return (await r.json()) as ShardIndex;
      });
      // A failed load is tried again by the next search.
      loading.catch(() => {
        if (this.shardIndex === loading) this.shardIndex = null;
      });
      this.shardIndex = loading;
    }
    return this.shardIndex;
  }

  private async instance(basePath: string): Promise<PagefindInstance> {
    const pf = this.pagefind.createInstance({ basePath });
    await pf.options(this.options);
    return pf;
  }

  /** The relevance instance with these county bundles merged in (bundles stay merged: filters keep results in place). */
  private async relevanceWith(shards: SearchShard[]): Promise<PagefindInstance> {
    if (!this.relevance) {
      const pf = this.pagefind.createInstance({ basePath: this.base });
      this.relevance = { pf, ready: pf.options(this.options) };
    }
    const { pf, ready } = this.relevance;
    await ready;
    for (const s of shards) {
      if (!this.merged.has(s.code)) this.merged.set(s.code, pf.mergeIndex(`${this.base}${shardPath(s.code)}`, { ...this.options, indexWeight: COUNTY_BUNDLE_WEIGHT }));
    }
    await Promise.all(this.merged.values());
    return pf;
  }

  private sortedInstance(basePath: string): Promise<PagefindInstance> {
    let p = this.sorted.get(basePath);
    if (!p) {
      p = this.instance(basePath);
      this.sorted.set(basePath, p);
    }
    return p;
  }

  /** Searches the bundles the filters can match; a sort over more than {@link MAX_SORTED_BUNDLES} bundles returns {@link NeedsPlace}. */
  async search(term: string | null, { filters = {}, sort }: SearchOptions = {}): Promise<SearchResults | NeedsPlace> {
    const shards = shardsFor(await this.shards(), filters);
    const sortKey = sort ? Object.keys(sort)[0] : undefined;
    if (!sort || sortKey === undefined) {
      const pf = await this.relevanceWith(shards);
      return inOrder((await pf.search(term, { filters }))?.results ?? []);
    }
    const bundles = [this.base, ...shards.map((s) => `${this.base}${shardPath(s.code)}`)];
    if (bundles.length > MAX_SORTED_BUNDLES) return { needsPlace: true };
    const lists = await Promise.all(
      bundles.map(async (b) => ((await (await this.sortedInstance(b)).search(term, { filters, sort }))?.results ?? [])),
    );
    return mergeSorted(lists, sortKey, sort[sortKey]!);
  }

  /** Filter values and counts over the whole site (every bundle merged). */
  async filters(): Promise<Record<string, Record<string, number>>> {
    return (await this.relevanceWith((await this.shards()).shards)).filters();
  }
}
