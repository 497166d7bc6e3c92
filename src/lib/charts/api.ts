/**
 * The static JSON API: one document per region and coverage year
 * (`/api/{year}/{code}.json`). Every figure on the site's pages comes from the same
 * stats file, so page, API and a recomputation from the published CSV agree.
 * Subsidy categories and age bands are published only under the small-cell rule.
 */
import { CHANNEL_GROUPS, type ChannelGroup } from '../aggregate.ts';
import { levelOf, parentOf, STATUSES, type Level, type Status } from '../contract.ts';
import type { SiteMeta, StatsFile } from '../publish.ts';
import { sourceLine } from './catalog.ts';
import { cumulativeSeries, periodDates } from './series.ts';
import { protectSmallCells } from './small-cells.ts';

/** Version of the API's document shape; bumped when a field changes meaning. */
export const API_VERSION = 1;

/** One day of the cumulative series. */
export interface ApiDay {
  date: string;
  /** Credited persons by the end of the day (payments dated before the period included). */
  enrolled: number;
  /** enrolled ÷ shouldEnroll, or null without a denominator. */
  rate: number | null;
}

/** A category under the small-cell rule: `count` is null and `value` "<10" or "已隐藏" when hidden. */
export interface ApiProtectedCell {
  category: string;
  count: number | null;
  value: number | string;
}

/** `/api/{year}/{code}.json`. */
export interface RegionYearApi {
  apiVersion: number;
  code: string;
  name: string;
  level: Level;
  parent: string | null;
  year: number;
  asOf: string;
  collectionPeriod: { start: string; end: string };
  shouldEnroll: number | null;
  enrolled: number;
  rate: number | null;
  /** Credited amount (status 已到账), yuan. */
  amountYuan: number;
  /** Payment rows, all statuses. */
  payments: number;
  byStatus: Record<Status, { count: number; amountYuan: number }>;
  /** Payments per channel label as exported. */
  byChannel: Record<string, number>;
  byChannelGroup: Record<ChannelGroup, number>;
  byAgeBand: ApiProtectedCell[];
  bySubsidy: ApiProtectedCell[];
  /** Cumulative credited persons per day of the collection period, up to the as-of date. */
  daily: ApiDay[];
  /** Credited persons whose payment date is before / after the collection period. */
  enrolledBeforePeriod: number;
  enrolledAfterPeriod: number;
  villages: number;
  children: Array<{ code: string; name: string; shouldEnroll: number | null; enrolled: number; rate: number | null; pending: number; refunded: number }>;
  links: { page: string; csv: string | null; charts: string };
  source: string;
}

/** Money in fen as a yuan number with at most two decimals. */
function yuan(fen: number): number {
  return fen / 100;
}

/** Builds the API document of a region-year from its stats file. */
export function regionYearApi(s: StatsFile, meta: SiteMeta): RegionYearApi {
  const rate = (n: number): number | null => (s.shouldEnroll ? n / s.shouldEnroll : null);
  const dates = periodDates(s.daily);
  const village = levelOf(s.code) === 'village';
  return {
    apiVersion: API_VERSION,
    code: s.code,
    name: s.name,
    level: levelOf(s.code),
    parent: parentOf(s.code),
    year: s.year,
    asOf: meta.asOf,
    collectionPeriod: { start: s.daily.start, end: s.daily.end },
    shouldEnroll: s.shouldEnroll,
    enrolled: s.enrolled,
    rate: s.rate,
    amountYuan: yuan(s.byStatus['已到账'].amountFen),
    payments: s.rows,
    byStatus: Object.fromEntries(STATUSES.map((k) => [k, { count: s.byStatus[k].count, amountYuan: yuan(s.byStatus[k].amountFen) }])) as RegionYearApi['byStatus'],
    byChannel: s.byChannel,
    byChannelGroup: Object.fromEntries(CHANNEL_GROUPS.map((g) => [g, s.byChannelGroup[g]])) as Record<ChannelGroup, number>,
    byAgeBand: protectSmallCells(Object.entries(s.byAgeBand).map(([category, count]) => ({ category, count }))),
    bySubsidy: protectSmallCells(Object.entries(s.bySubsidy).map(([category, count]) => ({ category, count }))),
    daily: cumulativeSeries(s.daily, meta.asOf).map((enrolled, i) => ({ date: dates[i]!, enrolled, rate: rate(enrolled) })),
    enrolledBeforePeriod: s.daily.before,
    enrolledAfterPeriod: s.daily.after,
    villages: s.villages,
    children: s.children.map((c) => ({ code: c.code, name: c.name, shouldEnroll: c.shouldEnroll, enrolled: c.enrolled, rate: c.rate, pending: c.pending, refunded: c.refunded })),
    links: { page: `/r/${s.code}/${s.year}/`, csv: village ? `/api/${s.year}/${s.code}.csv` : null, charts: `/charts/${s.year}/${s.code}/` },
    source: sourceLine(meta),
  };
}
