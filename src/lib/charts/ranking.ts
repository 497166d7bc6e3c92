/**
 * Where a region's places stand at a date: the ranking of its children (townships of
 * a county, villages of a township) by rate with the gap to the goal, and the
 * distribution of village rates ("best 96%, most around 80%, gap 42 points").
 */
import { scaleLinear } from 'd3-scale';
import { extent, max, median } from 'd3-array';
import { formatCount, formatDateZh, formatRate } from '../format.ts';
import { COLORS, WIDTH, emptySvg, niceTop, patternFill, percentTick, svgRoot, xAxis } from './frame.ts';
import type { CellValue, ChartFigure, ChartNote, Column } from './figure.ts';
import { h } from './svg.ts';
import { formatPoints, textWidth } from './text.ts';

/** A place's figures at the chart's date. */
export interface PlaceAtDate {
  code: string;
  name: string;
  enrolled: number;
  shouldEnroll: number | null;
}

/** What the place is compared with: the overall target, or a milestone on its date. */
export interface Goal {
  rate: number;
  /** "目标" or "11月20日节点". */
  label: string;
}

/** Common input of the ranking and distribution charts. */
export interface AtDateInput {
  uid: string;
  /** Chart id, e.g. `ranking` or `ranking-11-20`. */
  id: string;
  parentName: string;
  year: number;
  /** ISO date of the figures; null = latest (the as-of date). */
  date: string | null;
  places: readonly PlaceAtDate[];
  goal: Goal;
  asOf: string;
  source: string;
}

const rateOf = (p: PlaceAtDate): number | null => (p.shouldEnroll ? p.enrolled / p.shouldEnroll : null);
const byRateDesc = (a: PlaceAtDate, b: PlaceAtDate): number => {
  const ra = rateOf(a), rb = rateOf(b);
  if (ra === null || rb === null) return ra === null && rb === null ? cmp(a.code, b.code) : ra === null ? 1 : -1;
  return rb - ra || cmp(a.code, b.code);
};
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** "截至2025年11月20日": the chart's date, or the as-of date for the latest figures. */
export function dateLabel(date: string | null, asOf: string): string {
  return `截至${formatDateZh(date ?? asOf)}`;
}

/** Cuts a long name for a chart label (the table keeps it whole). */
export function shortName(name: string, maxChars = 6): string {
  const chars = Array.from(name);
  return chars.length <= maxChars ? name : chars.slice(0, maxChars - 1).join('') + '…';
}

function gapCell(rate: number | null, goal: number): CellValue {
  if (rate === null) return null;
  return rate >= goal ? '已达到' : (goal - rate) * 100;
}

function overNote(places: readonly PlaceAtDate[], notes: ChartNote[], flags: string[]): void {
  const over = places.filter((p) => (rateOf(p) ?? 0) > 1);
  if (!over.length) return;
  flags.push('rate-over-100');
  notes.push({ level: 'warn', text: `${over.map((p) => `${p.name} ${formatRate(rateOf(p))}`).join('、')}：参保率超过 100%，已到账人数多于应参保人数，应参保人数可能偏低或有重复缴费，请核实。图中如实画出，未截断。` });
}

const RANK = { rowHeight: 24, top: 34, bottom: 30, left: 84, right: 50 };

/** Ranking of the children of a region by rate at a date, best first, with the gap to the goal. */
export function rankingChart(input: AtDateInput & { childLabel: string }): ChartFigure {
  const places = [...input.places].sort(byRateDesc);
  const when = dateLabel(input.date, input.asOf);
  const title = `${input.parentName} ${input.year}年度各${input.childLabel}参保率排名（${when}）`;
  const columns: Column[] = [
    { key: 'rank', label: '名次', kind: 'count' },
    { key: 'code', label: '区划代码', kind: 'text' },
    { key: 'name', label: input.childLabel, kind: 'text' },
    { key: 'shouldEnroll', label: '应参保人数', kind: 'count' },
    { key: 'enrolled', label: '已到账人数', kind: 'count' },
    { key: 'rate', label: '参保率', kind: 'rate' },
    { key: 'gap', label: `距${input.goal.label}`, kind: 'points' },
  ];
  const rows = places.map((p, i): Record<string, CellValue> => ({
    rank: rateOf(p) === null ? null : i + 1, code: p.code, name: p.name, shouldEnroll: p.shouldEnroll, enrolled: p.enrolled, rate: rateOf(p), gap: gapCell(rateOf(p), input.goal.rate),
  }));
  const notes: ChartNote[] = [];
  const flags: string[] = [];
  overNote(places, notes, flags);
  const rated = places.filter((p) => rateOf(p) !== null);
  const below = rated.filter((p) => rateOf(p)! < input.goal.rate);
  const desc = rated.length
    ? `${title}：共 ${places.length} 个${input.childLabel}，最高 ${rated[0]!.name} ${formatRate(rateOf(rated[0]!))}，最低 ${rated.at(-1)!.name} ${formatRate(rateOf(rated.at(-1)!))}；${below.length} 个未达到${input.goal.label} ${formatRate(input.goal.rate)}。` +
      `依次为：${rated.map((p) => `${p.name} ${formatRate(rateOf(p))}`).join('，')}。${notes.filter((x) => x.level === 'warn').map((x) => x.text).join('')}`
    : `${title}：没有可计算参保率的${input.childLabel}。`;
  const base = { id: input.id, kind: 'ranking' as const, title, desc, asOf: input.asOf, source: input.source, columns, rows, notes, flags };
  if (!places.length) return { ...base, svg: emptySvg({ uid: input.uid, title, desc, message: '暂无数据' }), empty: true };

  const height = RANK.top + places.length * RANK.rowHeight + RANK.bottom;
  const top = Math.max(1, input.goal.rate, max(rated, (p) => rateOf(p)!) ?? 0);
  const x = scaleLinear().domain([0, niceTop(top)]).range([RANK.left, WIDTH - RANK.right]);
  const plotBottom = height - RANK.bottom;
  const anyOver = top > 1;
  const svg = svgRoot({ uid: input.uid, height, title, desc, patterns: anyOver ? ['over'] : [] },
    xAxis({ ticks: x.ticks(5), x, top: RANK.top - 4, bottom: plotBottom, label: percentTick }),
    // Reference lines first: the bars cover them, so they show in the gaps and never cross a value label.
    anyOver ? h('line', { x1: x(1), x2: x(1), y1: RANK.top - 4, y2: plotBottom, stroke: COLORS.over, 'stroke-width': 1.5 }) : null,
    h('g', { class: 'goal' },
      h('line', { x1: x(input.goal.rate), x2: x(input.goal.rate), y1: RANK.top - 10, y2: plotBottom, stroke: COLORS.target, 'stroke-width': 2, 'stroke-dasharray': '5 3' }),
      h('text', { x: x(input.goal.rate), y: RANK.top - 14, 'text-anchor': x(input.goal.rate) + textWidth(`${input.goal.label} ${percentTick(input.goal.rate)}`) / 2 > WIDTH ? 'end' : 'middle', fill: COLORS.target }, `${input.goal.label} ${percentTick(input.goal.rate)}`)),
    h('g', { class: 'bars' }, ...places.map((p, i) => {
      const r = rateOf(p);
      const cy = RANK.top + i * RANK.rowHeight + RANK.rowHeight / 2;
      const over = r !== null && r > 1;
      const label = r === null ? '无应参保人数' : formatRate(r);
      // The value sits inside the end of a long bar (white on dark blue, 6.6:1), after a short or hatched one.
      const inside = r !== null && !over && x(r) - x(0) > textWidth(label) + 10;
      return h('g', {},
        h('text', { x: RANK.left - 6, y: cy + 4, 'text-anchor': 'end', fill: COLORS.ink }, shortName(p.name)),
        r === null ? null : h('rect', { x: x(0), y: cy - 9, width: x(r) - x(0), height: 18, fill: over ? patternFill(input.uid, 'over') : COLORS.current, stroke: over ? COLORS.over : 'none' }),
        inside
          ? h('text', { x: x(r!) - 4, y: cy + 4, 'text-anchor': 'end', fill: '#ffffff' }, label)
          : h('text', { x: (r === null ? x(0) : x(r)) + 4, y: cy + 4, fill: over ? COLORS.over : COLORS.ink, 'font-weight': over ? 700 : 400 }, label));
    })),
  );
  return { ...base, svg, empty: false };
}

/** Rate bins of the distribution: 0–10%, …, 90–100%, then 100% and above. */
export const BIN_LABELS = ['0–10%', '10–20%', '20–30%', '30–40%', '40–50%', '50–60%', '60–70%', '70–80%', '80–90%', '90–100%', '≥100%'];

/** Bin index of a rate: tenths, with 100% and above together in the last bin. */
export function binOf(rate: number): number {
  return Math.min(10, Math.max(0, Math.floor(Math.round(rate * 1e9) / 1e8)));
}

const DIST = { height: 224, top: 30, bottom: 40, left: 30, right: 8 };

/** Distribution of village rates under a region at a date, with best, median, worst and the spread. */
export function distributionChart(input: AtDateInput): ChartFigure {
  const when = dateLabel(input.date, input.asOf);
  const title = `${input.parentName} ${input.year}年度各村（社区）参保率分布（${when}）`;
  const rated = input.places.filter((p) => rateOf(p) !== null).sort(byRateDesc);
  const rates = rated.map((p) => rateOf(p)!);
  const counts = new Array<number>(BIN_LABELS.length).fill(0);
  for (const r of rates) counts[binOf(r)]!++;
  const columns: Column[] = [
    { key: 'bin', label: '参保率区间', kind: 'text' },
    { key: 'villages', label: '村（社区）数', kind: 'count' },
    { key: 'share', label: '占比', kind: 'rate' },
  ];
  const rows = BIN_LABELS.map((bin, i): Record<string, CellValue> => ({ bin, villages: counts[i]!, share: rates.length ? counts[i]! / rates.length : null }));
  const notes: ChartNote[] = [];
  const flags: string[] = [];
  overNote(input.places, notes, flags);
  const unrated = input.places.length - rated.length;
  if (unrated) notes.push({ level: 'info', text: `${unrated} 个村（社区）没有应参保人数，未计入分布。` });
  let summary = '没有可计算参保率的村（社区）。';
  if (rates.length) {
    const [lo, hi] = extent(rates) as [number, number];
    const mode = counts.indexOf(Math.max(...counts));
    const below = rates.filter((r) => r < input.goal.rate).length;
    summary = `最高 ${formatRate(hi)}（${rated[0]!.name}），中位数 ${formatRate(median(rates)!)}，最低 ${formatRate(lo)}（${rated.at(-1)!.name}），最高与最低相差 ${formatPoints(hi - lo)}；` +
      `最多的是 ${BIN_LABELS[mode]}（${formatCount(counts[mode]!)} 个）；${formatCount(rates.length)} 个村（社区）中 ${formatCount(below)} 个低于${input.goal.label} ${formatRate(input.goal.rate)}。`;
  }
  const desc = `${title}。${summary}${notes.filter((x) => x.level === 'warn').map((x) => x.text).join('')}`;
  const base = { id: input.id, kind: 'distribution' as const, title, desc, summary, asOf: input.asOf, source: input.source, columns, rows, notes, flags };
  if (!rates.length) return { ...base, svg: emptySvg({ uid: input.uid, title, desc, message: '暂无可计算参保率的村（社区）' }), empty: true };

  const { height, top: mt, bottom: mb, left: ml, right: mr } = DIST;
  const y = scaleLinear().domain([0, Math.max(1, ...counts)]).nice().range([height - mb, mt]);
  const step = (WIDTH - ml - mr) / BIN_LABELS.length;
  const goalBin = input.goal.rate * 10;
  const anyOver = counts[10]! > 0 && rates.some((r) => r > 1);
  const svg = svgRoot({ uid: input.uid, height, title, desc, patterns: anyOver ? ['over'] : [] },
    h('g', { class: 'axis axis-y', 'aria-hidden': 'true' }, ...y.ticks(4).filter(Number.isInteger).flatMap((t) => [
      h('line', { x1: ml, x2: WIDTH - mr, y1: y(t), y2: y(t), stroke: COLORS.grid }),
      h('text', { x: ml - 4, y: y(t) + 4, 'text-anchor': 'end', fill: COLORS.muted }, String(t)),
    ])),
    h('text', { x: ml - 26, y: mt - 12, fill: COLORS.muted }, '村数'),
    h('g', { class: 'bars' }, ...counts.map((c, i) => {
      const x0 = ml + i * step + 2;
      const fill = i === 10 && anyOver ? patternFill(input.uid, 'over') : COLORS.current;
      return c ? h('rect', { x: x0, y: y(c), width: step - 4, height: y(0) - y(c), fill, stroke: i === 10 && anyOver ? COLORS.over : 'none' }) : null;
    })),
    // The goal runs over the bars with a white halo, so it stays visible inside the bin it falls in.
    h('g', { class: 'goal' },
      h('line', { x1: ml + goalBin * step, x2: ml + goalBin * step, y1: mt - 6, y2: height - mb, stroke: '#ffffff', 'stroke-width': 5 }),
      h('line', { x1: ml + goalBin * step, x2: ml + goalBin * step, y1: mt - 6, y2: height - mb, stroke: COLORS.target, 'stroke-width': 2, 'stroke-dasharray': '5 3' }),
      h('text', { x: ml + goalBin * step - 4, y: mt - 12, 'text-anchor': 'end', fill: COLORS.target }, `${input.goal.label} ${percentTick(input.goal.rate)}`)),
    // Counts last, haloed, so the goal line never hides a digit.
    h('g', { class: 'counts' }, ...counts.map((c, i) =>
      h('text', { x: ml + i * step + step / 2, y: y(c) - 4, 'text-anchor': 'middle', fill: COLORS.ink, 'font-size': 11, stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke' }, String(c)))),
    h('line', { x1: ml, x2: WIDTH - mr, y1: y(0), y2: y(0), stroke: COLORS.muted }),
    h('g', { class: 'axis axis-x', 'aria-hidden': 'true' }, ...[0, 2, 4, 6, 8, 10].map((i) =>
      h('text', { x: ml + i * step + (i === 10 ? step / 2 : 0), y: height - mb + 15, 'text-anchor': 'middle', fill: COLORS.muted }, i === 10 ? '≥100%' : `${i * 10}%`))),
    h('text', { x: WIDTH / 2, y: height - 6, 'text-anchor': 'middle', fill: COLORS.muted }, '参保率区间'),
  );
  return { ...base, svg, empty: false };
}
