/**
 * Shared drawing pieces: sizes, colours, the SVG root with its title and description,
 * hatch patterns, axes and the empty-chart placeholder. Sizes are for a phone: a 360
 * unit wide chart shows 12-unit text at about 12 px on a 390 px screen.
 */
import { tickStep } from 'd3-array';
import { h, type SvgNode } from './svg.ts';

/** Width of every chart in SVG units. */
export const WIDTH = 360;
/** Font size of labels in SVG units. */
export const FONT = 12;

/** Colours, all at least 3:1 against white (WCAG non-text contrast); text colours at least 4.5:1. */
export const COLORS = {
  ink: '#1a1a1a',
  muted: '#555555',
  grid: '#d9d9d9',
  current: '#0b5cad',
  lastYear: '#6b6b6b',
  milestone: '#8a4b00',
  target: '#1d6b2f',
  over: '#a4161a',
  pending: '#8a5a00',
  refunded: '#1f3f8f',
} as const;

/** Font stack for a standalone SVG (inside a page the page's font applies). */
export const FONT_FAMILY = 'system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

/** Fill patterns: hatch and dots mark bars that need a second look without relying on colour. */
export type PatternName = 'over' | 'current' | 'pending' | 'refunded';

/** Ids of a chart's title, description and patterns, unique on a page. */
export function chartIds(uid: string) {
  return { title: `${uid}-title`, desc: `${uid}-desc`, pattern: (p: PatternName) => `${uid}-${p}` };
}

/** `fill` value that paints with a pattern of this chart. */
export function patternFill(uid: string, p: PatternName): string {
  return `url(#${chartIds(uid).pattern(p)})`;
}

function pattern(id: string, name: PatternName): SvgNode {
  if (name === 'refunded') {
    return h('pattern', { id, width: 5, height: 5, patternUnits: 'userSpaceOnUse' },
      h('rect', { width: 5, height: 5, fill: '#ffffff' }),
      h('circle', { cx: 2.5, cy: 2.5, r: 1.5, fill: COLORS.refunded }));
  }
  const color = name === 'over' ? COLORS.over : name === 'pending' ? COLORS.pending : COLORS.current;
  return h('pattern', { id, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    h('rect', { width: 6, height: 6, fill: '#ffffff' }),
    h('rect', { width: 3, height: 6, fill: color }));
}

/** The `<svg role="img">` root with `<title>`, `<desc>` and the patterns the chart uses. */
export function svgRoot(opts: { uid: string; height: number; title: string; desc: string; patterns?: PatternName[] }, ...children: Array<SvgNode | null | false>): SvgNode {
  const ids = chartIds(opts.uid);
  return h('svg', {
    viewBox: `0 0 ${WIDTH} ${opts.height}`, width: WIDTH, height: opts.height, role: 'img',
    'aria-labelledby': `${ids.title} ${ids.desc}`, 'font-family': FONT_FAMILY, 'font-size': FONT, class: 'chart-svg',
  },
  h('title', { id: ids.title }, opts.title),
  h('desc', { id: ids.desc }, opts.desc),
  opts.patterns?.length ? h('defs', {}, ...opts.patterns.map((p) => pattern(ids.pattern(p), p))) : null,
  ...children.filter((c): c is SvgNode => Boolean(c)));
}

/** A chart with nothing to draw: the frame and one sentence saying why. */
export function emptySvg(opts: { uid: string; title: string; desc: string; message: string }): SvgNode {
  const height = 80;
  return svgRoot({ uid: opts.uid, height, title: opts.title, desc: opts.desc },
    h('rect', { x: 0.5, y: 0.5, width: WIDTH - 1, height: height - 1, fill: 'none', stroke: COLORS.grid }),
    h('text', { x: WIDTH / 2, y: height / 2 + 4, 'text-anchor': 'middle', fill: COLORS.muted }, opts.message));
}

/** Tick label of a rate axis: 0%, 20%, 100%. */
export function percentTick(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}

/** Horizontal grid lines with labels on the left, for a vertical value axis. */
export function yAxis(opts: { ticks: number[]; y: (v: number) => number; left: number; right: number; label: (v: number) => string }): SvgNode {
  return h('g', { class: 'axis axis-y', 'aria-hidden': 'true' },
    ...opts.ticks.flatMap((t) => [
      h('line', { x1: opts.left, x2: opts.right, y1: opts.y(t), y2: opts.y(t), stroke: COLORS.grid, 'stroke-width': 1 }),
      h('text', { x: opts.left - 4, y: opts.y(t) + 4, 'text-anchor': 'end', fill: COLORS.muted }, opts.label(t)),
    ]));
}

/** Vertical grid lines with labels below, for a horizontal value axis. */
export function xAxis(opts: { ticks: number[]; x: (v: number) => number; top: number; bottom: number; label: (v: number) => string }): SvgNode {
  return h('g', { class: 'axis axis-x', 'aria-hidden': 'true' },
    ...opts.ticks.flatMap((t) => [
      h('line', { x1: opts.x(t), x2: opts.x(t), y1: opts.top, y2: opts.bottom, stroke: COLORS.grid, 'stroke-width': 1 }),
      h('text', { x: opts.x(t), y: opts.bottom + 15, 'text-anchor': 'middle', fill: COLORS.muted }, opts.label(t)),
    ]));
}

/** Top of a value axis from 0: `v` rounded up to a whole tick step, so the highest value always has a gridline above it. */
export function niceTop(v: number, count = 5): number {
  if (!(v > 0)) return 1;
  const step = tickStep(0, v, count);
  return Math.ceil(v / step - 1e-9) * step;
}
