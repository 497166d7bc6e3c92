/**
 * Which charts a region-year has, and how each is built from the data stage's files.
 * Files are read through the loaders passed in (pages pass `site-data.ts`; tests pass
 * fakes), one small stats file per place: never all rows.
 */
import type { PublishedRegion, SiteMeta, StatsFile } from '../publish.ts';
import { levelOf } from '../contract.ts';
import { formatMonthDay } from '../format.ts';
import type { ChartFigure } from './figure.ts';
import { ageChart, channelsChart, hasBreakdown, statusChart, subsidyChart, type MixInput } from './mix.ts';
import { distributionChart, rankingChart, type Goal, type PlaceAtDate } from './ranking.ts';
import { enrolledAt, periodDate } from './series.ts';
import { trendChart } from './trend.ts';
import { yearOverYearChart } from './year-over-year.ts';

/** Where charts get their data. */
export interface ChartSource {
  meta: SiteMeta;
  region: (code: string) => PublishedRegion | undefined;
  /** A region-year's stats file, or null when it has none. */
  stats: (year: number, code: string) => StatsFile | null;
}

/** The source line printed under every chart and in every download. */
export function sourceLine(meta: SiteMeta): string {
  return `来源：${meta.siteName}，按各村（社区）公示的缴费明细汇总；区划代码：国家统计局统计用区划代码（2023）。`;
}

/** A milestone that has passed by the as-of date, as a date of the collection period. */
export interface PassedMilestone {
  /** ISO date. */
  date: string;
  /** `MM-DD`, used in chart ids (`ranking-11-20`). */
  monthDay: string;
  rate: number;
}

/** Milestones of a coverage year that fall in its collection period and before the as-of date. */
export function passedMilestones(meta: SiteMeta, year: number): PassedMilestone[] {
  const start = periodDate(year, meta.config.collection.start);
  const end = periodDate(year, meta.config.collection.end);
  return meta.config.milestones
    .map((m) => ({ date: periodDate(year, m.date), monthDay: m.date, rate: m.rate }))
    .filter((m) => m.date >= start && m.date <= end && m.date < meta.asOf)
    .sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** Chart ids of a region-year, in page order. Villages get the trend and the year-over-year chart. */
export function chartIds(src: ChartSource, code: string, year: number): string[] {
  const region = src.region(code);
  const stats = region?.years.includes(year) ? src.stats(year, code) : null;
  if (!region || !stats) return [];
  const ids = ['trend', 'yoy'];
  if (levelOf(code) === 'village') return ids;
  if (region.children.length) {
    ids.push('ranking', 'distribution');
    for (const m of passedMilestones(src.meta, year)) ids.push(`ranking-${m.monthDay}`, `distribution-${m.monthDay}`);
  }
  ids.push('channels', 'status');
  if (hasBreakdown(stats.byAgeBand)) ids.push('age');
  if (hasBreakdown(stats.bySubsidy)) ids.push('subsidy');
  return ids;
}

/** Label of the children of a region in chart titles. */
export function childLabel(code: string): string {
  const level = levelOf(code);
  return level === 'township' ? '村（社区）' : level === 'county' ? '乡镇（街道）' : level === 'city' ? '县（市、区）' : level === 'province' ? '市（州）' : '下级区划';
}

/** Village codes under a region with figures in `year` (the region itself when it is a village). */
export function villagesUnder(src: ChartSource, code: string, year: number): string[] {
  const region = src.region(code);
  if (!region) return [];
  if (levelOf(code) === 'village') return region.years.includes(year) ? [code] : [];
  return region.children.flatMap((c) => villagesUnder(src, c, year));
}

function placesAt(src: ChartSource, codes: readonly string[], year: number, date: string | null): PlaceAtDate[] {
  return codes.flatMap((c) => {
    const s = src.region(c)?.years.includes(year) ? src.stats(year, c) : null;
    if (!s) return [];
    return [{ code: c, name: s.name, shouldEnroll: s.shouldEnroll, enrolled: date === null ? s.enrolled : enrolledAt(s, date, src.meta.asOf) }];
  });
}

/** Builds one chart of a region-year by id, or null when the region-year has no such chart. */
export function buildChart(src: ChartSource, code: string, year: number, id: string, uid = `c${year}-${code}-${id}`): ChartFigure | null {
  if (!chartIds(src, code, year).includes(id)) return null;
  const { meta } = src;
  const stats = src.stats(year, code)!;
  const region = src.region(code)!;
  const source = sourceLine(meta);
  const common = { uid, asOf: meta.asOf, source };
  const [kind, monthDay] = id.split(/-(.+)/) as [string, string | undefined];
  switch (kind) {
    case 'trend': {
      const last = region.years.includes(year - 1) ? src.stats(year - 1, code) : null;
      return trendChart({ ...common, name: stats.name, year, stats, lastYear: last, milestones: meta.config.milestones, target: meta.config.target });
    }
    case 'yoy':
      return yearOverYearChart({
        ...common, name: stats.name, target: meta.config.target,
        years: region.years.flatMap((y) => {
          const s = y === year ? stats : src.stats(y, code);
          return s ? [{ year: y, shouldEnroll: s.shouldEnroll, enrolled: s.enrolled, complete: meta.asOf > periodDate(y, meta.config.collection.end) }] : [];
        }),
      });
    case 'ranking':
    case 'distribution': {
      const m = monthDay ? passedMilestones(meta, year).find((x) => x.monthDay === monthDay) : undefined;
      if (monthDay && !m) return null;
      const date = m?.date ?? null;
      const goal: Goal = m ? { rate: m.rate, label: `${formatMonthDay(m.date)}节点` } : { rate: meta.config.target, label: '目标' };
      const input = { ...common, id, parentName: stats.name, year, date, goal };
      return kind === 'ranking'
        ? rankingChart({ ...input, places: placesAt(src, region.children, year, date), childLabel: childLabel(code) })
        : distributionChart({ ...input, places: placesAt(src, villagesUnder(src, code, year), year, date) });
    }
    default: {
      const input: MixInput = { ...common, name: stats.name, year, stats };
      if (kind === 'channels') return channelsChart(input);
      if (kind === 'status') return statusChart(input);
      if (kind === 'age') return ageChart(input);
      if (kind === 'subsidy') return subsidyChart(input);
      return null;
    }
  }
}

/** Every region-year with figures, walking down from the site's top regions (codes in tree order). */
export function regionYears(src: ChartSource): Array<{ code: string; year: number }> {
  const out: Array<{ code: string; year: number }> = [];
  const walk = (code: string): void => {
    const r = src.region(code);
    if (!r) return;
    for (const year of r.years) out.push({ code, year });
    for (const c of r.children) walk(c);
  };
  for (const top of src.meta.tops) walk(top);
  return out;
}
