import { describe, expect, it } from 'vitest';
import { archiveByYear, countiesUnder, listsVillages, townshipsUnder } from '../../src/lib/place-lists.ts';
import type { ChildSummary, PublishedRegion } from '../../src/lib/publish.ts';
import { buildRegions } from '../../src/lib/regions.ts';

const rows = [
  ['420583000000', '枝江市'], ['420583101000', '安福寺镇'], ['420583101201', '桑树河村'],
  ['420583103000', '顾家店镇'], ['420583103201', '沙碛坪村'], ['420583103202', '青龙湖村'],
].map(([code, name], i) => ({ code: code!, name: name!, line: i + 2 }));
const years: Record<string, number[]> = {
  '420583000000': [2024, 2025], '420583101000': [2025], '420583101201': [2025],
  '420583103000': [2024, 2025], '420583103201': [2024, 2025], '420583103202': [2025],
};
const regions = new Map<string, PublishedRegion>(buildRegions('regions.csv', rows).regions.map((r) => [r.code, { ...r, years: years[r.code]! }]));

const summary = (code: string, rate: number): ChildSummary => ({ code, name: code, shouldEnroll: 100, enrolled: rate * 100, rate, rows: 100, pending: 0, refunded: 0, duplicates: 0 });
const children: Record<string, ChildSummary[]> = {
  '2025/420583000000': [summary('420583101000', 0.9), summary('420583103000', 0.8)],
  '2025/420583103000': [summary('420583103201', 0.85), summary('420583103202', 0.75)],
  '2025/420583101000': [summary('420583101201', 0.9)],
  '2024/420583000000': [summary('420583103000', 0.7)],
  '2024/420583103000': [summary('420583103201', 0.7)],
};
const childrenOf = (year: number, code: string) => children[`${year}/${code}`] ?? null;

describe('townshipsUnder', () => {
  it('lists every township under the top regions in code order, with its villages and the path above it', () => {
    const groups = townshipsUnder(regions, ['420583000000']);
    expect(groups.map((g) => [g.town.name, g.above, g.villages.map((v) => v.name)])).toEqual([
      ['安福寺镇', '枝江市', ['桑树河村']],
      ['顾家店镇', '枝江市', ['沙碛坪村', '青龙湖村']],
    ]);
  });

  it('a township-level site lists just that township', () => {
    expect(townshipsUnder(regions, ['420583103000']).map((g) => g.town.code)).toEqual(['420583103000']);
  });
});

describe('archiveByYear', () => {
  const archive = archiveByYear([2024, 2025], regions, ['420583000000'], childrenOf);

  it('lists years newest first, and only the places published in each year', () => {
    expect(archive.map((y) => y.year)).toEqual([2025, 2024]);
    expect(archive[1]!.towns.map((t) => t.town.name)).toEqual(['顾家店镇']);
    expect(archive[1]!.towns[0]!.villages.map((v) => v.village.name)).toEqual(['沙碛坪村']);
  });

  it('counts every village notice of a year exactly once', () => {
    expect(archive.map((y) => y.notices)).toEqual([3, 1]);
  });

  it('takes township and village headlines from the parent files', () => {
    const gujia = archive[0]!.towns.find((t) => t.town.code === '420583103000')!;
    expect(gujia.summary?.rate).toBe(0.8);
    expect(gujia.villages.map((v) => v.summary?.rate)).toEqual([0.85, 0.75]);
  });
});

describe('sites wider than one county', () => {
  // 宜昌市 with two counties: 枝江市 (two townships) and 当阳市 (one).
  const wideRows = [
    ['420500000000', '宜昌市'],
    ['420582000000', '当阳市'], ['420582100000', '玉阳街道'], ['420582100201', '长坂坡社区'],
    ...rows.map((r) => [r.code, r.name]),
  ].map(([code, name], i) => ({ code: code!, name: name!, line: i + 2 }));
  const wide = new Map<string, PublishedRegion>(buildRegions('regions.csv', wideRows).regions.map((r) => [r.code, { ...r, years: years[r.code] ?? [2025] }]));
  const wideChildren: Record<string, ChildSummary[]> = { ...children, '2025/420500000000': [summary('420582000000', 0.95), summary('420583000000', 0.85)] };
  const wideArchive = archiveByYear([2024, 2025], wide, ['420500000000'], (y, c) => wideChildren[`${y}/${c}`] ?? null);

  it('finds the counties under the top region, with the path above them', () => {
    expect(countiesUnder(wide, ['420500000000']).map((c) => [c.county.name, c.above])).toEqual([['当阳市', '宜昌市'], ['枝江市', '宜昌市']]);
    expect(countiesUnder(regions, ['420583000000']).map((c) => [c.county.name, c.above])).toEqual([['枝江市', '']]);
  });

  it('lists villages on site-wide pages only for a one-county site', () => {
    expect(listsVillages(regions, ['420583000000'])).toBe(true);
    expect(listsVillages(regions, ['420583103000'])).toBe(true);
    expect(listsVillages(wide, ['420500000000'])).toBe(false);
    expect(listsVillages(wide, ['420582000000', '420583000000'])).toBe(false);
  });

  it('archives a wide site by county: headline and notice count each, no village list', () => {
    expect(wideArchive[0]!.towns).toEqual([]);
    expect(wideArchive[0]!.counties!.map((c) => [c.county.name, c.summary?.rate, c.notices])).toEqual([['当阳市', 0.95, 1], ['枝江市', 0.85, 3]]);
    expect(wideArchive[0]!.notices).toBe(4);
    // 2024: only 枝江市 published, one notice.
    expect(wideArchive[1]!.counties!.map((c) => [c.county.name, c.notices])).toEqual([['枝江市', 1]]);
    expect(archiveByYear([2025], regions, ['420583000000'], childrenOf)[0]!.counties).toBeNull();
  });
});
