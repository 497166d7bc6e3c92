/**
 * Enrollment rate of one region in every coverage year of the data, as bars. A year
 * whose collection is still running is hatched and labelled 征缴中; a rate above 100%
 * is drawn past the 100% line, hatched in red and flagged.
 */
import { scaleBand, scaleLinear } from 'd3-scale';
import { max } from 'd3-array';
import { formatRate } from '../format.ts';
import { COLORS, WIDTH, emptySvg, niceTop, patternFill, percentTick, svgRoot, yAxis, type PatternName } from './frame.ts';
import type { CellValue, ChartFigure, ChartNote, Column } from './figure.ts';
import { h } from './svg.ts';
import { formatPoints } from './text.ts';

/** One coverage year of a region. */
export interface YearFigures {
  year: number;
  shouldEnroll: number | null;
  enrolled: number;
  /** False while the collection period is not over at the as-of date. */
  complete: boolean;
}

/** Input of {@link yearOverYearChart}. */
export interface YearOverYearInput {
  uid: string;
  name: string;
  years: readonly YearFigures[];
  target: number;
  asOf: string;
  source: string;
}

const HEIGHT = 220;
const M = { top: 30, right: 10, bottom: 44, left: 42 };

/** Builds the year-over-year rate chart of one region. */
export function yearOverYearChart(input: YearOverYearInput): ChartFigure {
  const years = [...input.years].sort((a, b) => a.year - b.year);
  const rateOf = (y: YearFigures): number | null => (y.shouldEnroll ? y.enrolled / y.shouldEnroll : null);
  const title = `${input.name} 历年参保率`;
  const columns: Column[] = [
    { key: 'year', label: '待遇年度', kind: 'text' },
    { key: 'shouldEnroll', label: '应参保人数', kind: 'count' },
    { key: 'enrolled', label: '已到账人数', kind: 'count' },
    { key: 'rate', label: '参保率', kind: 'rate' },
    { key: 'state', label: '征缴', kind: 'text' },
  ];
  const rows: Array<Record<string, CellValue>> = years.map((y) => ({
    year: String(y.year), shouldEnroll: y.shouldEnroll, enrolled: y.enrolled, rate: rateOf(y), state: y.complete ? '已结束' : '征缴中',
  }));
  const notes: ChartNote[] = [];
  const flags: string[] = [];
  const over = years.filter((y) => (rateOf(y) ?? 0) > 1);
  if (over.length) {
    flags.push('rate-over-100');
    notes.push({ level: 'warn', text: `${over.map((y) => `${y.year}年度 ${formatRate(rateOf(y))}`).join('、')}：参保率超过 100%，应参保人数可能偏低或有重复缴费，请核实。图中如实画出，未截断。` });
  }
  if (years.some((y) => !y.complete)) notes.push({ level: 'info', text: '斜线柱为征缴尚未结束的年度，参保率还会上升，不宜与已结束的年度直接比较。' });
  const parts = years.map((y) => `${y.year}年度 ${formatRate(rateOf(y))}${y.complete ? '' : '（征缴中）'}`);
  const change = years.length >= 2 && rateOf(years.at(-1)!) !== null && rateOf(years.at(-2)!) !== null
    ? (() => {
        const d = rateOf(years.at(-1)!)! - rateOf(years.at(-2)!)!;
        return `${years.at(-1)!.year}年度比上年${d >= 0 ? '提高' : '下降'} ${formatPoints(d)}。`;
      })()
    : '';
  const desc = `${input.name}各待遇年度参保率：${parts.join('，')}。${change}目标 ${formatRate(input.target)}。${notes.filter((x) => x.level === 'warn').map((x) => x.text).join('')}`;
  const base = { id: 'yoy', kind: 'yoy' as const, title, desc, asOf: input.asOf, source: input.source, columns, rows, notes, flags };
  if (!years.length) return { ...base, svg: emptySvg({ uid: input.uid, title, desc, message: '暂无数据' }), empty: true };

  const top = Math.max(1, input.target, max(years, (y) => rateOf(y) ?? 0) ?? 0);
  const y = scaleLinear().domain([0, niceTop(top)]).range([HEIGHT - M.bottom, M.top]);
  const x = scaleBand<number>().domain(years.map((d) => d.year)).range([M.left, WIDTH - M.right]).paddingInner(0.35).paddingOuter(0.2);
  const bw = Math.min(x.bandwidth(), 64);
  const patterns: PatternName[] = [...(over.length ? ['over' as const] : []), ...(years.some((d) => !d.complete) ? ['current' as const] : [])];

  const svg = svgRoot({ uid: input.uid, height: HEIGHT, title, desc, patterns },
    yAxis({ ticks: y.ticks(5), y, left: M.left, right: WIDTH - M.right, label: percentTick }),
    top > 1 ? h('line', { x1: M.left, x2: WIDTH - M.right, y1: y(1), y2: y(1), stroke: COLORS.over, 'stroke-width': 1.5 }) : null,
    h('g', { class: 'target' },
      h('line', { x1: M.left, x2: WIDTH - M.right, y1: y(input.target), y2: y(input.target), stroke: COLORS.target, 'stroke-width': 1.5, 'stroke-dasharray': '6 3' }),
      h('text', { x: M.left, y: M.top - 16, fill: COLORS.target }, `虚线：目标 ${percentTick(input.target)}${top > 1 ? '　红线：100%' : ''}`)),
    h('g', { class: 'bars' }, ...years.map((d) => {
      const r = rateOf(d);
      const cx = x(d.year)! + x.bandwidth() / 2;
      const fill = r !== null && r > 1 ? patternFill(input.uid, 'over') : d.complete ? COLORS.current : patternFill(input.uid, 'current');
      const stroke = r !== null && r > 1 ? COLORS.over : COLORS.current;
      return h('g', {},
        r === null ? null : h('rect', { x: cx - bw / 2, y: y(r), width: bw, height: y(0) - y(r), fill, stroke, 'stroke-width': 1.5 }),
        // Inside the top of a tall solid bar (white on dark blue), above a short or hatched one.
        r !== null && d.complete && r <= 1 && y(0) - y(r) > 24
          ? h('text', { x: cx, y: y(r) + 16, 'text-anchor': 'middle', fill: '#ffffff', 'font-weight': 700 }, formatRate(r))
          : h('rect', { x: cx - bw / 2, y: (r === null ? y(0) : y(r)) - 19, width: bw, height: 16, fill: '#ffffff' }),
        r !== null && d.complete && r <= 1 && y(0) - y(r) > 24 ? null
          : h('text', { x: cx, y: (r === null ? y(0) : y(r)) - 6, 'text-anchor': 'middle', fill: r !== null && r > 1 ? COLORS.over : COLORS.ink, 'font-weight': 700 }, r === null ? '无应参保人数' : formatRate(r)),
        h('text', { x: cx, y: HEIGHT - M.bottom + 16, 'text-anchor': 'middle', fill: COLORS.ink }, `${d.year}年度`),
        d.complete ? null : h('text', { x: cx, y: HEIGHT - M.bottom + 32, 'text-anchor': 'middle', fill: COLORS.muted }, '征缴中'));
    })),
    h('line', { x1: M.left, x2: WIDTH - M.right, y1: y(0), y2: y(0), stroke: COLORS.muted }),
  );
  return { ...base, svg, empty: false };
}
