/**
 * Plain facts about this publication for the help and about pages (who publishes it,
 * the objection phone, the collection period), taken from the export's site.json so
 * the pages never hard-code one county's details. Pure.
 */
import type { SiteMeta } from './publish.ts';
import type { Region } from './regions.ts';
import { formatRate } from './format.ts';

/** What the MDX pages say about this publication. */
export interface SiteFacts {
  siteName: string;
  /** Names of the site's top regions (usually one county): 枝江市. */
  places: string;
  /** Issuing units from site.json, top first; empty when site.json names none. */
  issuers: string[];
  objectionPhone: string;
  objectionAddress: string;
  objectionDays: number;
  /** Whether some counties or townships have an objection contact of their own (shown on their notices). */
  localObjections: boolean;
  /** "9月1日至12月31日". */
  collectionPeriod: string;
  latestYear: number;
  /** "95.0%". */
  target: string;
  asOf: string;
}

function monthDayZh(mmdd: string): string {
  const [m, d] = mmdd.split('-');
  return `${Number(m)}月${Number(d)}日`;
}

/** Facts for the MDX pages from meta.json and the regions. */
export function siteFacts(meta: SiteMeta, regions: ReadonlyMap<string, Region>): SiteFacts {
  const c = meta.config;
  const issuers = Object.entries(c.issuer)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, name]) => name);
  return {
    siteName: meta.siteName,
    places: meta.tops.map((code) => regions.get(code)?.name ?? code).join('、'),
    issuers: [...new Set(issuers)],
    objectionPhone: c.objection.phone,
    objectionAddress: c.objection.address,
    objectionDays: c.objection.days,
    localObjections: Object.keys(c.objection.byRegion).length > 0,
    collectionPeriod: `${monthDayZh(c.collection.start)}至${monthDayZh(c.collection.end)}`,
    latestYear: meta.years.at(-1) ?? 0,
    target: formatRate(c.target),
    asOf: meta.asOf,
  };
}
