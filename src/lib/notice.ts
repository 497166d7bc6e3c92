/**
 * Pure helpers of the notice pages (公示) and region pages: URLs and pagination (from
 * urls.ts), the surname index, the notice period, the issuing unit, totals and
 * rankings for display. No files, no clock: pages pass in what they read.
 */
import { addDays } from './aggregate.ts';
import { parentOf, STATUSES, type SiteConfig, type Status } from './contract.ts';
import type { ChildSummary, PublicRow, StatsFile } from './publish.ts';
import { PAGE_SIZE, pageOfRow } from './urls.ts';

export { PAGE_SIZE, csvPath, pageCount, pageOfRow, pageRange, regionPath, yearPath } from './urls.ts';

/** The surname a masked name shows: 张* → 张, 欧阳** → 欧阳. */
export function surnameOf(maskedName: string): string {
  return maskedName.replace(/\*+$/, '');
}

/** One surname of a village's notice: how many rows and on which pages. */
export interface SurnameEntry {
  surname: string;
  count: number;
  pages: number[];
}

/**
 * The surname index of a village-year, so a resident can find their page without
 * JavaScript: most common surnames first, then by code point (stable).
 */
export function surnameIndex(rows: readonly Pick<PublicRow, 'name'>[], pageSize = PAGE_SIZE): SurnameEntry[] {
  const map = new Map<string, SurnameEntry>();
  rows.forEach((row, i) => {
    const surname = surnameOf(row.name);
    let e = map.get(surname);
    if (!e) map.set(surname, (e = { surname, count: 0, pages: [] }));
    e.count++;
    const page = pageOfRow(i, pageSize);
    if (e.pages.at(-1) !== page) e.pages.push(page);
  });
  return [...map.values()].sort((a, b) => b.count - a.count || (a.surname < b.surname ? -1 : a.surname > b.surname ? 1 : 0));
}

/** The notice period (公示期): from the data's as-of date, `days` days inclusive; objections are due by `end`. */
export function noticePeriod(asOf: string, days: number): { start: string; end: string; days: number } {
  return { start: asOf, end: addDays(asOf, days - 1), days };
}

/**
 * The issuing unit of a region's notice: the configured unit of the region itself or
 * of the nearest region above it (village → township → county…), or null.
 */
export function issuerFor(code: string, issuers: Readonly<Record<string, string>>): string | null {
  for (let c: string | null = code; c !== null; c = parentOf(c)) {
    const name = issuers[c];
    if (name) return name;
  }
  return null;
}

/** Where residents take an objection: a phone number and, when known, a place to go. */
export interface ObjectionContact {
  phone: string;
  address: string;
}

/**
 * The objection contact of a region: each of phone and address from the nearest region up
 * the hierarchy that site.json's `objection.byRegion` gives it for, else the site's own.
 */
export function objectionFor(code: string, objection: Readonly<SiteConfig['objection']>): ObjectionContact {
  let phone: string | undefined;
  let address: string | undefined;
  for (let c: string | null = code; c !== null && (phone === undefined || address === undefined); c = parentOf(c)) {
    const own = objection.byRegion[c];
    phone ??= own?.phone;
    address ??= own?.address;
  }
  return { phone: phone ?? objection.phone, address: address ?? objection.address };
}

/** A `tel:` link for a phone number as site.json writes it (0717-4211234 → tel:07174211234). */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/** Title of a village's notice: 「沙碛坪村 2025年度城乡居民医保缴费情况公示」. */
export function noticeTitle(name: string, year: number): string {
  return `${name} ${year}年度城乡居民医保缴费情况公示`;
}

/** Title of a township's or county's year page. */
export function summaryTitle(name: string, year: number): string {
  return `${name} ${year}年度城乡居民医保缴费情况`;
}

/** How a rate compares with the target: above 100% is flagged (never clipped), null without a denominator. */
export type RateFlag = 'over' | 'met' | 'under' | null;

/** Classifies a rate against the target. */
export function rateFlag(rate: number | null, target: number): RateFlag {
  if (rate === null) return null;
  if (rate > 1) return 'over';
  return rate >= target ? 'met' : 'under';
}

/** One line of the totals by status. */
export interface StatusLine {
  status: Status;
  count: number;
  amountFen: number;
}

/** Totals by status in the order of the contract (已到账, 未到账, 已退费), plus their sum. */
export function statusLines(stats: Pick<StatsFile, 'byStatus'>): { lines: StatusLine[]; total: { count: number; amountFen: number } } {
  const lines = STATUSES.map((status) => ({ status, count: stats.byStatus[status].count, amountFen: stats.byStatus[status].amountFen }));
  return { lines, total: { count: lines.reduce((n, l) => n + l.count, 0), amountFen: lines.reduce((n, l) => n + l.amountFen, 0) } };
}

/** Rows per channel, most used first, then by name (stable). */
export function channelLines(stats: Pick<StatsFile, 'byChannel'>): Array<{ channel: string; count: number }> {
  return Object.entries(stats.byChannel)
    .map(([channel, count]) => ({ channel, count }))
    .sort((a, b) => b.count - a.count || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
}

/** Children ranked by enrollment rate, highest first; those without a rate last; ties by code. */
export function rankChildren<T extends Pick<ChildSummary, 'code' | 'rate'>>(children: readonly T[]): T[] {
  return [...children].sort((a, b) => {
    if (a.rate === null || b.rate === null) return a.rate === b.rate ? cmp(a.code, b.code) : a.rate === null ? 1 : -1;
    return b.rate - a.rate || cmp(a.code, b.code);
  });
}

/** Competition ranks of an already ranked list (equal rates share a rank: 1, 1, 3); null without a rate. */
export function ranksOf(ranked: readonly Pick<ChildSummary, 'rate'>[]): Array<number | null> {
  return ranked.map((c, i) => {
    if (c.rate === null) return null;
    let j = i;
    while (j > 0 && ranked[j - 1]!.rate === c.rate) j--;
    return j + 1;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The short form of a page's public URL for print and the copy-link line: no scheme, no trailing slash noise. */
export function shortUrl(url: string): string {
  return url.replace(/^https?:\/\//, '');
}
