/**
 * Lists of places for browsing without search: every township under the site's top
 * regions with its villages (the search page's no-JavaScript list), and every
 * publication by coverage year (the archive). Pure: regions and figures are passed in.
 *
 * A site-wide page lists villages only when the site is one county. A wider site (a
 * province has about 26,000 villages: megabytes of links on one page) lists its counties
 * instead, and each county's own pages list its townships and villages.
 */
import type { ChildSummary, PublishedRegion } from './publish.ts';
import { ancestry } from './regions.ts';
import { placePath } from './search-terms.ts';

/** A township with the place path above it and its villages, in code order. */
export interface TownshipGroup {
  town: PublishedRegion;
  /** Names above the township: 枝江市 (or 宜昌市 › 枝江市 for a wider site). */
  above: string;
  villages: PublishedRegion[];
}

/** Every township (or other region whose children are villages) under the top regions, in code order. */
export function townshipsUnder(regions: ReadonlyMap<string, PublishedRegion>, tops: readonly string[]): TownshipGroup[] {
  const out: TownshipGroup[] = [];
  const visit = (code: string): void => {
    const r = regions.get(code);
    if (!r) return;
    if (r.level === 'township') {
      const chain = ancestry(regions, code);
      out.push({
        town: r,
        above: placePath(chain.slice(0, -1)),
        villages: r.children.map((c) => regions.get(c)).filter((v): v is PublishedRegion => v !== undefined),
      });
      return;
    }
    for (const c of r.children) visit(c);
  };
  for (const code of [...tops].sort()) visit(code);
  return out;
}

/** A county (or other region whose children are townships) with the place path above it. */
export interface CountyGroup {
  county: PublishedRegion;
  /** Names above the county: 宜昌市 (empty when the county is a top region). */
  above: string;
}

/** Every county under the top regions, in code order (the top regions themselves when they are counties). */
export function countiesUnder(regions: ReadonlyMap<string, PublishedRegion>, tops: readonly string[]): CountyGroup[] {
  const out: CountyGroup[] = [];
  const visit = (code: string): void => {
    const r = regions.get(code);
    if (!r || r.level === 'township' || r.level === 'village') return;
    if (r.level === 'county') {
      out.push({ county: r, above: placePath(ancestry(regions, code).slice(0, -1)) });
      return;
    }
    for (const c of r.children) visit(c);
  };
  for (const code of [...tops].sort()) visit(code);
  return out;
}

/** Whether site-wide pages list every village (a site of at most one county) or the counties. */
export function listsVillages(regions: ReadonlyMap<string, PublishedRegion>, tops: readonly string[]): boolean {
  return countiesUnder(regions, tops).length <= 1;
}

/** One coverage year of the archive. */
export interface ArchiveYear {
  year: number;
  /** The top regions (counties) with figures for this year. */
  tops: PublishedRegion[];
  towns: Array<{
    town: PublishedRegion;
    above: string;
    /** The township's headline for the year, when it has one. */
    summary: ChildSummary | null;
    /** Villages with a notice this year and their headlines (null when the township file lacks them). */
    villages: Array<{ village: PublishedRegion; summary: ChildSummary | null }>;
  }>;
  /** Number of village notices this year. */
  notices: number;
  /**
   * On a site of several counties: each county with notices this year, its headline and
   * its number of notices (`towns` is then empty; the county's year page lists the rest).
   */
  counties: Array<{ county: PublishedRegion; above: string; summary: ChildSummary | null; notices: number }> | null;
}

/** Looks up a region-year's children headlines (the township's stats file), or null when it has none. */
export type ChildrenOf = (year: number, code: string) => readonly ChildSummary[] | null;

/**
 * Every publication by coverage year, newest first: the top regions' year pages, each
 * township's, and each village notice. `childrenOf` reads a region-year's children
 * headlines (one small file per township-year), so village figures need no extra reads.
 */
export function archiveByYear(
  years: readonly number[],
  regions: ReadonlyMap<string, PublishedRegion>,
  tops: readonly string[],
  childrenOf: ChildrenOf,
): ArchiveYear[] {
  const groups = townshipsUnder(regions, tops);
  const counties = listsVillages(regions, tops) ? null : countiesUnder(regions, tops);
  const topRegions = [...tops].sort().map((c) => regions.get(c)).filter((r): r is PublishedRegion => r !== undefined);
  const headline = (year: number, r: PublishedRegion): ChildSummary | null =>
    r.parent && r.years.includes(year) ? (childrenOf(year, r.parent)?.find((c) => c.code === r.code) ?? null) : null;
  return [...years].sort((a, b) => b - a).map((year) => {
    const towns: ArchiveYear['towns'] = [];
    const perCounty = new Map<string, number>();
    let notices = 0;
    for (const g of groups) {
      const villages = g.villages.filter((v) => v.years.includes(year));
      if (!g.town.years.includes(year) && villages.length === 0) continue;
      notices += villages.length;
      if (counties) {
        if (g.town.parent) perCounty.set(g.town.parent, (perCounty.get(g.town.parent) ?? 0) + villages.length);
        continue;
      }
      const ownChildren = g.town.years.includes(year) ? childrenOf(year, g.town.code) : null;
      const byCode = new Map((ownChildren ?? []).map((c) => [c.code, c]));
      towns.push({
        town: g.town,
        above: g.above,
        summary: headline(year, g.town),
        villages: villages.map((v) => ({ village: v, summary: byCode.get(v.code) ?? null })),
      });
    }
    const countyList = counties
      ?.filter((c) => c.county.years.includes(year))
      .map((c) => ({ ...c, summary: headline(year, c.county), notices: perCounty.get(c.county.code) ?? 0 })) ?? null;
    return { year, tops: topRegions.filter((r) => r.years.includes(year)), towns, notices, counties: countyList };
  });
}
