import { describe, expect, it } from 'vitest';
import { initialsOf, nameSortValue, pinyinOf, placePath, placeTerms, rateSortValue, searchAttributes } from '../../src/lib/search-terms.ts';
import { FILTER, KIND_LABELS, META, SORT, SORT_META } from '../../src/lib/search-filters.ts';
import type { PublishedRegion } from '../../src/lib/publish.ts';
import { fixtureRegions } from '../helpers.ts';

const regions = fixtureRegions();
const published = new Map<string, PublishedRegion>([...regions].map(([code, r]) => [code, { ...r, years: [2024, 2025] }]));

describe('pinyin terms', () => {
  it('pinyinOf spells a place name without tones or spaces, rare characters included', () => {
    expect(pinyinOf('沙碛坪村')).toBe('shaqipingcun');
    expect(pinyinOf('绿水村')).toBe('lvshuicun');
  });

  it('initialsOf gives the first letters people type on a phone keyboard', () => {
    expect(initialsOf('沙碛坪村')).toBe('sqpc');
    expect(initialsOf('顾家店镇')).toBe('gjdz');
  });

  it('placeTerms keeps only letters and digits, so hostile names add no markup', () => {
    expect(placeTerms('沙碛坪村')).toBe('shaqipingcun sqpc');
    expect(placeTerms('<img src=x onerror=1>')).toMatch(/^[a-z0-9 ]*$/);
    expect(placeTerms('')).toBe('');
  });
});

describe('sort and path values', () => {
  it('rateSortValue has fixed decimals so Pagefind sorts rates numerically', () => {
    expect(rateSortValue(0.93125)).toBe('0.9313');
    expect(rateSortValue(1.05)).toBe('1.0500');
  });

  it('nameSortValue orders Chinese names by pinyin, then by the tie-breaker', () => {
    const names = ['沙碛坪村', '青龙湖村', '安福寺镇'];
    const sorted = [...names].sort((a, b) => (nameSortValue(a) < nameSortValue(b) ? -1 : 1));
    expect(sorted).toEqual(['安福寺镇', '青龙湖村', '沙碛坪村']);
    expect(nameSortValue('沙碛坪村', '420583103201')).toBe('shaqipingcun 420583103201');
  });

  it('placePath joins names as the breadcrumbs do', () => {
    expect(placePath([{ name: '枝江市' }, { name: '顾家店镇' }, { name: '沙碛坪村' }])).toBe('枝江市 › 顾家店镇 › 沙碛坪村');
  });
});

describe('searchAttributes', () => {
  it('a village notice gets kind, county, township and year filters, the place path and pinyin', () => {
    const a = searchAttributes({ kind: 'notice', code: '420583103201', regions: published, year: 2025, rate: 0.9312 });
    expect(a.filters).toEqual([
      [FILTER.kind, KIND_LABELS.notice],
      [FILTER.county, '枝江市'],
      [FILTER.township, '顾家店镇'],
      [FILTER.year, '2025'],
    ]);
    expect(Object.fromEntries(a.meta)).toMatchObject({ [META.path]: '枝江市 › 顾家店镇 › 沙碛坪村', [META.year]: '2025年度', [META.rate]: '93.1%' });
    expect(Object.fromEntries(a.sorts)).toEqual({ [SORT.name]: 'shaqipingcun 420583103201', [SORT.rate]: '0.9312' });
    // The sort values again as metadata, for merging sorted results of several bundles.
    expect(Object.fromEntries(a.meta)).toMatchObject({ [SORT_META[SORT.name]!]: 'shaqipingcun 420583103201', [SORT_META[SORT.rate]!]: '0.9312' });
    expect(a.terms).toBe('shaqipingcun sqpc');
  });

  it('a region page without a rate has no rate sort key (it drops out of rate-sorted results)', () => {
    const a = searchAttributes({ kind: 'region', code: '420583103000', regions: published, rate: null });
    expect(a.sorts.map(([k]) => k)).toEqual([SORT.name]);
    expect(a.filters).toEqual([[FILTER.kind, KIND_LABELS.region], [FILTER.county, '枝江市'], [FILTER.township, '顾家店镇']]);
    expect(a.meta.find(([k]) => k === META.year)).toBeUndefined();
  });

  it('an article has only the kind filter, its title and a name sort key', () => {
    const a = searchAttributes({ kind: 'article', title: '发现问题怎么办' });
    expect(a.filters).toEqual([[FILTER.kind, KIND_LABELS.article]]);
    expect(Object.fromEntries(a.meta)).toEqual({ [META.kind]: KIND_LABELS.article, [META.title]: '发现问题怎么办', [SORT_META[SORT.name]!]: 'faxianwentizenmeban' });
    expect(a.terms).toBe('');
  });

  it('throws for a region the publication does not have', () => {
    expect(() => searchAttributes({ kind: 'region', code: '420583999999', regions: published })).toThrow(/420583999999/);
  });
});
