/**
 * Daily series of a region-year: dates of the collection period, the cumulative
 * credited count through a date, and how much of the period the data covers.
 */
import { addDays, daysBetween, type RegionYearStats } from '../aggregate.ts';

/** The daily part of a region-year's statistics. */
export type Daily = RegionYearStats['daily'];

/** Dates of each period seen, by start and length: every region-year of a coverage year has the same. */
const datesCache = new Map<string, readonly string[]>();

/** ISO date of each day of the collection period (a fresh array: callers may change it). */
export function periodDates(daily: Daily): string[] {
  const key = `${daily.start}|${daily.counts.length}`;
  let dates = datesCache.get(key);
  if (!dates) datesCache.set(key, (dates = daily.counts.map((_, i) => addDays(daily.start, i))));
  return dates.slice();
}

/**
 * Days of the period the data covers: all of them once `asOf` is past the end, none
 * before the start. Days after `asOf` are not drawn: nothing is known about them yet.
 */
export function observedDays(daily: Daily, asOf: string): number {
  return Math.max(0, Math.min(daily.counts.length, daysBetween(daily.start, asOf) + 1));
}

/** Cumulative credited count at the end of each observed day (payments before the period included). */
export function cumulativeSeries(daily: Daily, asOf: string): number[] {
  const n = observedDays(daily, asOf);
  let sum = daily.before;
  return daily.counts.slice(0, n).map((c) => (sum += c));
}

/**
 * Credited count by the end of `date`. On or after the data's as-of date this is the
 * region's total (`enrolled`, which also counts payments credited after the period),
 * so the latest figures on every chart equal those in the API.
 */
export function enrolledAt(stats: Pick<RegionYearStats, 'daily' | 'enrolled'>, date: string, asOf: string): number {
  if (date >= asOf) return stats.enrolled;
  const d = stats.daily;
  const day = daysBetween(d.start, date);
  if (day < 0) return 0; // before the period: payments dated earlier are only known as a total
  let sum = d.before;
  for (let i = 0; i <= Math.min(day, d.counts.length - 1); i++) sum += d.counts[i]!;
  return sum;
}

/** enrolled ÷ shouldEnroll, or null without a denominator. Not capped: above 1 is shown and flagged. */
export function rateOf(enrolled: number, shouldEnroll: number | null): number | null {
  return shouldEnroll ? enrolled / shouldEnroll : null;
}

/** The ISO date of a config `MM-DD` in the collection period of a coverage year (year N-1). */
export function periodDate(year: number, monthDay: string): string {
  return `${year - 1}-${monthDay}`;
}
