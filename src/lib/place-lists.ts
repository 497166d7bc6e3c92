/**
 * Lists of places for browsing without search: every township under the site's top
 * regions with its villages (the search page's no-JavaScript list), and every
 * publication by coverage year (the archive). Pure: regions and figures are passed in.
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
  const topRegions = [...tops].sort().map((c) => regions.get(c)).filter((r): r is PublishedRegion => r !== undefined);
  return [...years].sort((a, b) => b - a).map((year) => {
    const towns: ArchiveYear['towns'] = [];
    let notices = 0;
    for (const g of groups) {
      const villages = g.villages.filter((v) => v.years.includes(year));
      if (!g.town.years.includes(year) && villages.length === 0) continue;
      const parentChildren = g.town.parent && g.town.years.includes(year) ? childrenOf(year, g.town.parent) : null;
      const ownChildren = g.town.years.includes(year) ? childrenOf(year, g.town.code) : null;
      const byCode = new Map((ownChildren ?? []).map((c) => [c.code, c]));
      notices += villages.length;
      towns.push({
        town: g.town,
        above: g.above,
        summary: parentChildren?.find((c) => c.code === g.town.code) ?? null,
        villages: villages.map((v) => ({ village: v, summary: byCode.get(v.code) ?? null })),
      });
    }
    return { year, tops: topRegions.filter((r) => r.years.includes(year)), towns, notices };
  });
}
