/**
 * Aggregate stage: records → per-region, per-year summaries in a deterministic order.
 * Villages are accumulated while rows stream past; townships, counties and above are
 * sums of their villages. Pure: no files, no clock.
 */
import type { PaymentCells, Level, Status } from './contract.ts';
import { STATUSES, levelOf, parentOf } from './contract.ts';

/** Channel groups used in charts (labels in the export vary). */
export const CHANNEL_GROUPS = ['online', 'bank', 'counter', 'agent', 'other'] as const;
/** A channel group. */
export type ChannelGroup = (typeof CHANNEL_GROUPS)[number];
/** Chinese label of each channel group. */
export const CHANNEL_GROUP_LABELS: Record<ChannelGroup, string> = { online: '线上/手机', bank: '银行', counter: '窗口', agent: '村组代征', other: '其他' };

/** Sorts a free-text channel label into a group for the channel-mix chart. */
export function channelGroup(channel: string): ChannelGroup {
  if (/村|代征|代收|代缴|网格/.test(channel)) return 'agent';
  if (/线上|手机|网上|app|微信|支付宝|小程序|掌上|楚税通|云闪付|电子税务局/i.test(channel)) return 'online';
  if (/银行|农商|信用社|邮储|柜面|pos/i.test(channel)) return 'bank';
  if (/窗口|柜台|大厅|服务点|服务中心|便民|税务局|医保局/.test(channel)) return 'counter';
  return 'other';
}

/** Count and money (fen) for one payment status. */
export interface StatusTotals {
  count: number;
  amountFen: number;
}

/** Summary of one region in one coverage year. Every figure on a page comes from one of these. */
export interface RegionYearStats {
  code: string;
  year: number;
  /** 应参保人数, summed from villages; null when no village of the region has it. */
  shouldEnroll: number | null;
  /** Payment rows (persons × places; a 两头缴 person counts in each village). */
  rows: number;
  /** Rows with status 已到账: the enrolled count of the rate. */
  enrolled: number;
  /** enrolled ÷ shouldEnroll, unrounded; null without a denominator. May exceed 1. */
  rate: number | null;
  byStatus: Record<Status, StatusTotals>;
  /** Rows per channel label as exported, all statuses. */
  byChannel: Record<string, number>;
  /** Rows per channel group, all statuses. */
  byChannelGroup: Record<ChannelGroup, number>;
  /** Credited rows per subsidy category ('' = none). Aggregate only: never per person. */
  bySubsidy: Record<string, number>;
  /** Credited rows per age band ('' = not given). */
  byAgeBand: Record<string, number>;
  /** Credited rows per day of the collection period, plus those before and after it. */
  daily: { start: string; end: string; counts: number[]; before: number; after: number };
  /** Villages with rows or 应参保人数 under this region (1 for a village). */
  villages: number;
  /**
   * 已到账 rows that are part of a 两头缴: the same person (查询码) credited in another
   * village for the same year. Counted per row, so a person credited in two villages of
   * one township counts twice for the township. 0 when the export has no 查询码.
   */
  duplicates: number;
}

/** The collection period of a coverage year as ISO dates: `MM-DD` of year N-1. */
export function collectionPeriod(year: number, period: { start: string; end: string }): { start: string; end: string } {
  return { start: `${year - 1}-${period.start}`, end: `${year - 1}-${period.end}` };
}

const DAY_MS = 86_400_000;
/** Days from `from` to `to` (ISO dates), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / DAY_MS);
}

/** The ISO date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(date + 'T00:00:00Z') + days * DAY_MS).toISOString().slice(0, 10);
}

function emptyStats(code: string, year: number, period: { start: string; end: string }): RegionYearStats {
  const length = daysBetween(period.start, period.end) + 1;
  return {
    code, year, shouldEnroll: null, rows: 0, enrolled: 0, rate: null,
    byStatus: Object.fromEntries(STATUSES.map((s) => [s, { count: 0, amountFen: 0 }])) as Record<Status, StatusTotals>,
    byChannel: {}, byChannelGroup: Object.fromEntries(CHANNEL_GROUPS.map((g) => [g, 0])) as Record<ChannelGroup, number>,
    bySubsidy: {}, byAgeBand: {},
    daily: { start: period.start, end: period.end, counts: new Array<number>(Math.max(0, length)).fill(0), before: 0, after: 0 },
    villages: 0,
    duplicates: 0,
  };
}

/** Accumulates village-year statistics as payment records stream past. */
export class VillageAccumulator {
  private readonly stats = new Map<string, RegionYearStats>();
  private readonly dayIndex = new Map<string, number>();
  private readonly groupOf = new Map<string, ChannelGroup>();

  private readonly period: { start: string; end: string };

  constructor(period: { start: string; end: string }) {
    this.period = period;
  }

  private get(code: string, year: number): RegionYearStats {
    const key = `${year}:${code}`;
    let s = this.stats.get(key);
    if (!s) {
      s = emptyStats(code, year, collectionPeriod(year, this.period));
      s.villages = 1;
      this.stats.set(key, s);
    }
    return s;
  }

  /** Adds one validated payment. */
  add(p: PaymentCells): void {
    const s = this.get(p.region_code, p.coverage_year);
    s.rows++;
    const st = s.byStatus[p.status];
    st.count++;
    st.amountFen += p.amount;
    s.byChannel[p.channel] = (s.byChannel[p.channel] ?? 0) + 1;
    let group = this.groupOf.get(p.channel);
    if (!group) this.groupOf.set(p.channel, (group = channelGroup(p.channel)));
    s.byChannelGroup[group]++;
    if (p.status !== '已到账') return;
    s.enrolled++;
    const subsidy = p.subsidy ?? '';
    s.bySubsidy[subsidy] = (s.bySubsidy[subsidy] ?? 0) + 1;
    const band = p.age_band ?? '';
    s.byAgeBand[band] = (s.byAgeBand[band] ?? 0) + 1;
    const dayKey = `${s.daily.start}|${p.paid_on}`;
    let day = this.dayIndex.get(dayKey);
    if (day === undefined) this.dayIndex.set(dayKey, (day = daysBetween(s.daily.start, p.paid_on)));
    if (day < 0) s.daily.before++;
    else if (day >= s.daily.counts.length) s.daily.after++;
    else s.daily.counts[day]!++;
  }

  /** Records how many of a village-year's rows are part of a 两头缴 (found after all rows streamed past). */
  setDuplicates(code: string, year: number, rows: number): void {
    this.get(code, year).duplicates = rows;
  }

  /** Records 应参保人数 of a village-year (creating it when it has no payments). */
  setShouldEnroll(code: string, year: number, shouldEnroll: number): void {
    this.get(code, year).shouldEnroll = shouldEnroll;
  }

  /** Village-year statistics sorted by year then code, rates filled in. */
  villages(): RegionYearStats[] {
    return [...this.stats.values()].map(withRate).sort(byYearCode);
  }
}

function byYearCode(a: RegionYearStats, b: RegionYearStats): number {
  return a.year - b.year || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

function withRate(s: RegionYearStats): RegionYearStats {
  s.rate = s.shouldEnroll ? s.enrolled / s.shouldEnroll : null;
  return s;
}

function addInto(target: RegionYearStats, s: RegionYearStats): void {
  if (s.shouldEnroll !== null) target.shouldEnroll = (target.shouldEnroll ?? 0) + s.shouldEnroll;
  target.rows += s.rows;
  target.enrolled += s.enrolled;
  target.villages += s.villages;
  target.duplicates += s.duplicates;
  for (const k of STATUSES) {
    target.byStatus[k].count += s.byStatus[k].count;
    target.byStatus[k].amountFen += s.byStatus[k].amountFen;
  }
  for (const g of CHANNEL_GROUPS) target.byChannelGroup[g] += s.byChannelGroup[g];
  for (const [k, v] of Object.entries(s.byChannel)) target.byChannel[k] = (target.byChannel[k] ?? 0) + v;
  for (const [k, v] of Object.entries(s.bySubsidy)) target.bySubsidy[k] = (target.bySubsidy[k] ?? 0) + v;
  for (const [k, v] of Object.entries(s.byAgeBand)) target.byAgeBand[k] = (target.byAgeBand[k] ?? 0) + v;
  const d = target.daily;
  d.before += s.daily.before;
  d.after += s.daily.after;
  s.daily.counts.forEach((c, i) => (d.counts[i]! += c));
}

/**
 * Rolls village statistics up the hierarchy (township, county, city, province) for
 * each year. Returns every level, sorted by year then code; maps get sorted keys.
 */
export function rollUp(villages: readonly RegionYearStats[], period: { start: string; end: string }): RegionYearStats[] {
  const out = new Map<string, RegionYearStats>();
  for (const v of villages) {
    out.set(`${v.year}:${v.code}`, v);
    for (let code = parentOf(v.code); code !== null; code = parentOf(code)) {
      const key = `${v.year}:${code}`;
      let s = out.get(key);
      if (!s) out.set(key, (s = emptyStats(code, v.year, collectionPeriod(v.year, period))));
      addInto(s, v);
    }
  }
  return [...out.values()].map((s) => sortMaps(withRate(s))).sort(byYearCode);
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sortMaps(s: RegionYearStats): RegionYearStats {
  s.byChannel = sortKeys(s.byChannel);
  s.bySubsidy = sortKeys(s.bySubsidy);
  s.byAgeBand = sortKeys(s.byAgeBand);
  return s;
}

/** Cumulative credited count per day of the collection period (before-period payments included). */
export function cumulative(daily: RegionYearStats['daily']): number[] {
  let sum = daily.before;
  return daily.counts.map((c) => (sum += c));
}

/** Level of a stats row, for grouping. */
export function levelOfStats(s: RegionYearStats): Level {
  return levelOf(s.code);
}
