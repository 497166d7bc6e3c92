/**
 * The ranking at any date a reader picks (`?date=` on a chart page), computed in the
 * browser from the static JSON API of each child: the page stays static, and the
 * pre-rendered rankings (latest, each passed milestone) need no JavaScript.
 */
import type { RegionYearApi } from './api.ts';
import type { Goal, PlaceAtDate } from './ranking.ts';
import { formatMonthDay } from '../format.ts';

/** What the page tells its script (data attributes of the date form). */
export interface AtDateConfig {
  year: number;
  code: string;
  parentName: string;
  childLabel: string;
  children: string[];
  asOf: string;
  /** First and last day a reader may pick: the period start, and the period end or the as-of date. */
  min: string;
  max: string;
  target: number;
  /** Milestones as ISO dates of the collection period. */
  milestones: Array<{ date: string; rate: number }>;
}

/** The picked date when it is a valid ISO date within [min, max], else null. */
export function pickedDate(raw: string | null, cfg: Pick<AtDateConfig, 'min' | 'max'>): string | null {
  if (!raw || !/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw + 'T00:00:00Z'))) return null;
  return raw >= cfg.min && raw <= cfg.max ? raw : null;
}

/** A child's figures at a date from its API document: the daily cumulative count, or the total from the as-of date on. */
export function placeAtDate(doc: RegionYearApi, date: string): PlaceAtDate {
  const enrolled = date >= doc.asOf ? doc.enrolled : (doc.daily.find((d) => d.date === date)?.enrolled ?? doc.daily.filter((d) => d.date <= date).at(-1)?.enrolled ?? 0);
  return { code: doc.code, name: doc.name, enrolled, shouldEnroll: doc.shouldEnroll };
}

/** The goal on a date: that day's milestone if there is one, else the target. */
export function goalAt(cfg: Pick<AtDateConfig, 'milestones' | 'target'>, date: string): Goal {
  const m = cfg.milestones.find((x) => x.date === date);
  return m ? { rate: m.rate, label: `${formatMonthDay(m.date)}节点` } : { rate: cfg.target, label: '目标' };
}
