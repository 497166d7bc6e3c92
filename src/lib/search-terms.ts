/**
 * What the search index knows about a place or a page beyond its visible text: the
 * full place path, filter values, sort keys, and pinyin so that a name with a rare
 * character (沙碛坪村: 碛 is hard to type) can be found as `shaqiping` or `sqp`.
 * Pure: pages pass regions in, and get plain strings out.
 */
import { pinyin } from 'pinyin-pro';
import type { Level } from './contract.ts';
import { formatRate } from './format.ts';
import { ancestry, type Region } from './regions.ts';
import { FILTER, KIND_LABELS, META, PATH_SEPARATOR, SORT, SORT_META, type SearchKind } from './search-filters.ts';

/** Pinyin of a text without tones or spaces, lower case: 沙碛坪村 → "shaqipingcun"; other characters are kept. */
export function pinyinOf(text: string): string {
  return pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }).join('').toLowerCase().replace(/\s+/g, '');
}

/** First letters of the pinyin: 沙碛坪村 → "sqpc" (how people type names on a phone keyboard). */
export function initialsOf(text: string): string {
  return pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'removed', v: true }).join('').toLowerCase();
}

/** Extra indexed words for a place name: its pinyin and initials ("shaqipingcun sqpc"). */
export function placeTerms(name: string): string {
  const full = pinyinOf(name).replace(/[^a-z0-9]/g, '');
  const initials = initialsOf(name).replace(/[^a-z0-9]/g, '');
  return [...new Set([full, initials].filter((t) => t.length > 0))].join(' ');
}

/** Names of a place from the top of the site down: 枝江市 › 顾家店镇 › 沙碛坪村. */
export function placePath(chain: readonly Pick<Region, 'name'>[]): string {
  return chain.map((r) => r.name).join(PATH_SEPARATOR);
}

/** A rate as a Pagefind sort value: numeric, fixed decimals, so sorting is numeric and stable. */
export function rateSortValue(rate: number): string {
  return rate.toFixed(4);
}

/** Sort key by name: pinyin (dictionary order for Chinese readers), then a tie-breaker. */
export function nameSortValue(name: string, tieBreaker = ''): string {
  return `${pinyinOf(name)} ${tieBreaker}`.trim();
}

/** What a page tells the index: filters, sort keys, result metadata and extra indexed words. */
export interface SearchAttributes {
  filters: Array<[key: string, value: string]>;
  sorts: Array<[key: string, value: string]>;
  meta: Array<[key: string, value: string]>;
  /** Extra words indexed with the page (pinyin of the place name). */
  terms: string;
}

/** Input of {@link searchAttributes}: a place page (region or notice) or an article. */
export type SearchSubject =
  | { kind: 'region' | 'notice'; code: string; regions: ReadonlyMap<string, Region>; year?: number; rate?: number | null; title?: string }
  | { kind: 'article'; title: string };

const FILTER_LEVELS: Partial<Record<Level, string>> = { county: FILTER.county, township: FILTER.township };

/**
 * The sort values again as metadata: Pagefind returns a result's metadata, not its sort
 * values, and a sorted search over several bundles is merged by them (search-client.ts).
 */
function sortMeta(sorts: Array<[string, string]>): Array<[string, string]> {
  return sorts.map(([k, v]) => [SORT_META[k] ?? k, v]);
}

/** The search attributes of a page; throws for a region code the publication does not have. */
export function searchAttributes(subject: SearchSubject): SearchAttributes {
  const kind: SearchKind = subject.kind;
  const filters: Array<[string, string]> = [[FILTER.kind, KIND_LABELS[kind]]];
  const sorts: Array<[string, string]> = [];
  const meta: Array<[string, string]> = [[META.kind, KIND_LABELS[kind]]];
  if (subject.kind === 'article') {
    sorts.push([SORT.name, nameSortValue(subject.title)]);
    meta.push([META.title, subject.title]);
    return { filters, sorts, meta: [...meta, ...sortMeta(sorts)], terms: '' };
  }
  const region = subject.regions.get(subject.code);
  if (!region) throw new Error(`search attributes: region ${subject.code} is not in regions.json`);
  const chain = ancestry(subject.regions, subject.code);
  for (const r of chain) {
    const key = FILTER_LEVELS[r.level];
    if (key) filters.push([key, r.name]);
  }
  if (subject.year !== undefined) {
    filters.push([FILTER.year, String(subject.year)]);
    meta.push([META.year, `${subject.year}年度`]);
  }
  sorts.push([SORT.name, nameSortValue(region.name, region.code)]);
  if (subject.rate !== undefined && subject.rate !== null && Number.isFinite(subject.rate)) {
    sorts.push([SORT.rate, rateSortValue(subject.rate)]);
    meta.push([META.rate, formatRate(subject.rate)]);
  }
  meta.push([META.path, placePath(chain)]);
  if (subject.title) meta.push([META.title, subject.title]);
  return { filters, sorts, meta: [...meta, ...sortMeta(sorts)], terms: placeTerms(region.name) };
}
