/**
 * Cumulative enrollment rate through the collection period of one region and coverage
 * year, with the config's milestones, the target, and last year's curve on the same
 * days. A rate above 100% (应参保人数 too low) is drawn as it is and flagged.
 */
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { max } from 'd3-array';
import { daysBetween, type RegionYearStats } from '../aggregate.ts';
import { formatCount, formatMonthDay, formatRate } from '../format.ts';
import { COLORS, WIDTH, emptySvg, niceTop, percentTick, svgRoot, yAxis } from './frame.ts';
import type { CellValue, ChartFigure, ChartNote, Column } from './figure.ts';
import { cumulativeSeries, enrolledAt, periodDate, periodDates } from './series.ts';
import { h, type SvgNode } from './svg.ts';
import { textWidth } from './text.ts';

/** What the trend needs of a region-year. */
export type TrendStats = Pick<RegionYearStats, 'daily' | 'enrolled' | 'shouldEnroll'>;

/** Input of {@link trendChart}. */
export interface TrendInput {
  /** Unique on the page: prefixes the SVG's ids. */
  uid: string;
  name: string;
  year: number;
  stats: TrendStats;
  /** The same region's previous coverage year, or null. */
  lastYear: TrendStats | null;
  /** Config milestones, `MM-DD` in the collection period. */
  milestones: ReadonlyArray<{ date: string; rate: number }>;
  target: number;
  asOf: string;
  source: string;
}

const HEIGHT = 250;
const M = { top: 40, right: 14, bottom: 30, left: 42 };

/** Month-start ticks (day indexes) of the period; first and last day when it spans no month start. */
export function monthTicks(dates: readonly string[]): number[] {
  const ticks = dates.flatMap((d, i) => (d.endsWith('-01') ? [i] : []));
  if (ticks.length >= 2 || dates.length === 0) return ticks;
  return [...new Set([0, dates.length - 1])];
}

/** Builds the cumulative-rate chart of one region-year. */
export function trendChart(input: TrendInput): ChartFigure {
  const { stats, year, asOf, name } = input;
  const dates = periodDates(stats.daily);
  const cum = cumulativeSeries(stats.daily, asOf);
  const n = cum.length;
  const byRate = (stats.shouldEnroll ?? 0) > 0;
  const value = (c: number): number => (byRate ? c / stats.shouldEnroll! : c);
  const last = input.lastYear && (!byRate || (input.lastYear.shouldEnroll ?? 0) > 0) ? input.lastYear : null;
  const lastCum = last ? cumulativeSeries(last.daily, asOf).slice(0, dates.length) : [];
  const lastValue = (c: number): number => (byRate ? c / last!.shouldEnroll! : c);
  const title = `${name} ${year}年度累计参保${byRate ? '率' : '人数'}`;
  const periodText = dates.length ? `${formatMonthDay(dates[0]!)}至${formatMonthDay(dates.at(-1)!)}` : '';

  const milestones = input.milestones
    .map((m) => ({ ...m, iso: periodDate(year, m.date), index: daysBetween(stats.daily.start, periodDate(year, m.date)) }))
    .filter((m) => m.index >= 0 && m.index < dates.length);

  // Figures: one row per observed day, plus the total when payments were credited after the period.
  const columns: Column[] = [
    { key: 'date', label: '日期', kind: 'date' },
    { key: 'enrolled', label: '累计已到账人数', kind: 'count' },
    ...(byRate ? [{ key: 'rate', label: '参保率', kind: 'rate' } as Column] : []),
    ...(last ? [byRate ? { key: 'lastYearRate', label: '上年同期参保率', kind: 'rate' } as Column : { key: 'lastYearEnrolled', label: '上年同期累计人数', kind: 'count' } as Column] : []),
    ...(byRate && milestones.length ? [{ key: 'milestone', label: '节点目标', kind: 'rate' } as Column] : []),
  ];
  const rows: Array<Record<string, CellValue>> = cum.map((c, i) => {
    const row: Record<string, CellValue> = { date: dates[i]!, enrolled: c };
    if (byRate) row.rate = value(c);
    if (last) row[byRate ? 'lastYearRate' : 'lastYearEnrolled'] = i < lastCum.length ? lastValue(lastCum[i]!) : null;
    if (byRate && milestones.length) row.milestone = milestones.find((m) => m.index === i)?.rate ?? null;
    return row;
  });
  const lateCredited = n === dates.length && asOf > dates.at(-1)! ? stats.enrolled - (cum.at(-1) ?? 0) : 0;
  if (lateCredited > 0) {
    const row: Record<string, CellValue> = { date: asOf, enrolled: stats.enrolled };
    if (byRate) row.rate = value(stats.enrolled);
    if (last) row[byRate ? 'lastYearRate' : 'lastYearEnrolled'] = null;
    if (byRate && milestones.length) row.milestone = null;
    rows.push(row);
  }
  const tableRows = [...new Set([...cum.flatMap((_, i) => (i % 7 === 0 ? [i] : [])), ...milestones.filter((m) => m.index < n).map((m) => m.index), n - 1, rows.length - 1])]
    .filter((i) => i >= 0 && i < rows.length).sort((a, b) => a - b);

  // Text alternative and notes.
  const notes: ChartNote[] = [];
  const flags: string[] = [];
  const latest = n ? value(lateCredited > 0 ? stats.enrolled : cum.at(-1)!) : null;
  const peak = byRate && n ? Math.max(...cum.map(value), value(stats.enrolled)) : 0;
  if (byRate && peak > 1) {
    flags.push('rate-over-100');
    notes.push({ level: 'warn', text: `参保率超过 100%（最高 ${formatRate(peak)}）：已到账人数多于应参保人数 ${formatCount(stats.shouldEnroll!)} 人。应参保人数可能偏低，或有重复缴费，请核实。图中如实画出，未截断。` });
  }
  if (!byRate) notes.push({ level: 'info', text: '没有应参保人数，无法计算参保率，图中为累计已到账人数。' });
  if (lateCredited > 0) notes.push({ level: 'info', text: `另有 ${formatCount(lateCredited)} 人在征缴期结束后到账，计入全年参保率，不在曲线中。` });
  const sentences: string[] = [`${name} ${year}年度保费于 ${year - 1} 年${periodText}集中征缴。`];
  if (n === 0) sentences.push(`征缴期从${formatMonthDay(dates[0] ?? asOf)}开始，截至${formatMonthDay(asOf)}尚无数据。`);
  else {
    const lastDate = lateCredited > 0 ? asOf : dates[n - 1]!;
    const enrolledNow = lateCredited > 0 ? stats.enrolled : cum.at(-1)!;
    sentences.push(byRate
      ? `截至${formatMonthDay(lastDate)}已到账 ${formatCount(enrolledNow)} 人，参保率 ${formatRate(latest)}（应参保 ${formatCount(stats.shouldEnroll!)} 人）。`
      : `截至${formatMonthDay(lastDate)}已到账 ${formatCount(enrolledNow)} 人。`);
    if (byRate) {
      for (const m of milestones) {
        if (m.index < n) {
          const r = value(enrolledAt(stats, m.iso, asOf));
          sentences.push(`${formatMonthDay(m.iso)}参保率 ${formatRate(r)}，节点目标 ${formatRate(m.rate)}，${r >= m.rate ? '已达到' : `未达到`}。`);
        } else sentences.push(`${formatMonthDay(m.iso)}的节点目标为 ${formatRate(m.rate)}。`);
      }
    }
    if (last && lastCum.length >= n) sentences.push(`上年同期参保${byRate ? `率 ${formatRate(lastValue(lastCum[n - 1]!))}` : `人数 ${formatCount(lastCum[n - 1]!)}`}。`);
  }
  const desc = sentences.join('') + notes.filter((x) => x.level === 'warn').map((x) => x.text).join('');

  const base = { id: 'trend', kind: 'trend' as const, title, desc, asOf, source: input.source, columns, rows, tableRows, notes, flags };
  if (n === 0 && !last) {
    return { ...base, svg: emptySvg({ uid: input.uid, title, desc, message: '征缴尚未开始，暂无数据' }), empty: true };
  }

  // Scales: day index across, value up. The domain grows past 100% rather than clipping.
  const values = [...cum.map(value), ...(lateCredited > 0 ? [value(stats.enrolled)] : []), ...lastCum.map(lastValue)];
  const top = byRate ? Math.max(1, max(values) ?? 0, input.target, ...milestones.map((m) => m.rate)) : Math.max(1, max(values) ?? 0);
  const y = scaleLinear().domain([0, niceTop(top)]).range([HEIGHT - M.bottom, M.top]);
  const x = scaleLinear().domain(dates.length > 1 ? [0, dates.length - 1] : [-1, 1]).range([M.left, WIDTH - M.right]);
  const yTicks = y.ticks(5);
  const xTicks = monthTicks(dates);
  const path = line<number>().x((_, i) => x(i)).y((v) => y(v)).digits(1);

  const legend: Array<[SvgNode, string]> = [
    [h('line', { x1: 0, x2: 18, y1: -4, y2: -4, stroke: COLORS.current, 'stroke-width': 2.5 }), `${year}年度`],
    ...(last ? [[h('line', { x1: 0, x2: 18, y1: -4, y2: -4, stroke: COLORS.lastYear, 'stroke-width': 1.5, 'stroke-dasharray': '4 3' }), `${year - 1}年度`] as [SvgNode, string]] : []),
    ...(byRate && milestones.length ? [[diamond(9, -4), '进度节点'] as [SvgNode, string]] : []),
    ...(byRate && top > 1 ? [[h('line', { x1: 0, x2: 18, y1: -4, y2: -4, stroke: COLORS.over, 'stroke-width': 1.5 }), '100%'] as [SvgNode, string]] : []),
  ];
  let lx = M.left - 30;
  const legendNodes = legend.map(([glyph, label]) => {
    const g = h('g', { transform: `translate(${lx},16)` }, glyph, h('text', { x: 22, y: 0, fill: COLORS.ink }, label));
    lx += 22 + textWidth(label) + 14;
    return g;
  });

  const end = n ? { x: x(n - 1), y: y(value(cum[n - 1]!)) } : null;
  const endLabel = latest === null ? '' : byRate ? formatRate(value(cum[n - 1]!)) : formatCount(cum[n - 1]!);
  const endAnchor = end && end.x > WIDTH - M.right - textWidth(endLabel) - 6 ? 'end' : 'start';
  // Above the dot, unless that is where the target line runs: then below it.
  const endDy = end && byRate && Math.abs(end.y - 6 - y(input.target)) < 12 ? 17 : -7;

  const svg = svgRoot({ uid: input.uid, height: HEIGHT, title, desc },
    h('g', { class: 'legend' }, ...legendNodes),
    yAxis({ ticks: yTicks, y, left: M.left, right: WIDTH - M.right, label: byRate ? percentTick : (v) => formatCount(v) }),
    h('g', { class: 'axis axis-x' },
      h('line', { x1: M.left, x2: WIDTH - M.right, y1: HEIGHT - M.bottom, y2: HEIGHT - M.bottom, stroke: COLORS.muted }),
      ...xTicks.flatMap((i) => [
        h('line', { x1: x(i), x2: x(i), y1: HEIGHT - M.bottom, y2: HEIGHT - M.bottom + 4, stroke: COLORS.muted }),
        h('text', { x: x(i), y: HEIGHT - M.bottom + 17, 'text-anchor': i === 0 ? 'start' : i === dates.length - 1 ? 'end' : 'middle', fill: COLORS.muted }, formatMonthDay(dates[i]!)),
      ])),
    byRate && top > 1 ? h('line', { class: 'over-100', x1: M.left, x2: WIDTH - M.right, y1: y(1), y2: y(1), stroke: COLORS.over, 'stroke-width': 1.5 }) : null,
    byRate ? h('g', { class: 'target' },
      h('line', { x1: M.left, x2: WIDTH - M.right, y1: y(input.target), y2: y(input.target), stroke: COLORS.target, 'stroke-width': 1.5, 'stroke-dasharray': '6 3' }),
      h('text', { x: M.left + 4, y: y(input.target) + (top > 1 ? 14 : -4), fill: COLORS.target }, `目标 ${percentTick(input.target)}`)) : null,
    last && lastCum.length ? h('path', { class: 'last-year', d: path(lastCum.map(lastValue)) ?? '', fill: 'none', stroke: COLORS.lastYear, 'stroke-width': 1.5, 'stroke-dasharray': '4 3' }) : null,
    n > 1 ? h('path', { class: 'current', d: path(cum.map(value)) ?? '', fill: 'none', stroke: COLORS.current, 'stroke-width': 2.5, 'stroke-linejoin': 'round' }) : null,
    end ? h('g', { class: 'latest' },
      h('circle', { cx: end.x, cy: end.y, r: 3.5, fill: COLORS.current }),
      h('text', { x: end.x + (endAnchor === 'end' ? -6 : 6), y: end.y + endDy, 'text-anchor': endAnchor, fill: COLORS.ink, 'font-weight': 700 }, endLabel)) : null,
    byRate && milestones.length ? h('g', { class: 'milestones' },
      ...milestones.map((m) => h('g', {},
        h('line', { x1: x(m.index), x2: x(m.index), y1: y(m.rate), y2: HEIGHT - M.bottom, stroke: COLORS.milestone, 'stroke-width': 1, 'stroke-dasharray': '2 2' }),
        diamond(x(m.index), y(m.rate)),
        h('text', { x: x(m.index) - 4, y: HEIGHT - M.bottom - 20, 'text-anchor': 'end', fill: COLORS.milestone }, formatMonthDay(m.iso)),
        h('text', { x: x(m.index) - 4, y: HEIGHT - M.bottom - 6, 'text-anchor': 'end', fill: COLORS.milestone }, `节点 ${percentTick(m.rate)}`)))) : null,
  );
  return { ...base, svg, empty: false };
}

function diamond(cx: number, cy: number): SvgNode {
  const r = 5;
  return h('path', { d: `M${Math.round(cx * 10) / 10},${Math.round((cy - r) * 10) / 10}l${r},${r}l${-r},${r}l${-r},${-r}z`, fill: COLORS.milestone, stroke: '#ffffff', 'stroke-width': 1 });
}
