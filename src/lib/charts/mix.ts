/**
 * Breakdowns of a region-year as labelled horizontal bars: payment channels, payment
 * status, and, where the export has them, age bands and subsidy categories of the
 * credited persons. The last two are sensitive: aggregate only, small cells shown "<10".
 */
import { CHANNEL_GROUPS, CHANNEL_GROUP_LABELS, type RegionYearStats } from '../aggregate.ts';
import { STATUSES } from '../contract.ts';
import { formatCount, formatRate } from '../format.ts';
import { COLORS, WIDTH, emptySvg, patternFill, svgRoot, type PatternName } from './frame.ts';
import type { CellValue, ChartFigure, ChartKind, ChartNote, Column } from './figure.ts';
import { protectSmallCells, SMALL_CELL_THRESHOLD } from './small-cells.ts';
import { h, type SvgNode } from './svg.ts';

/** Common input of the breakdown charts. */
export interface MixInput {
  uid: string;
  name: string;
  year: number;
  stats: Pick<RegionYearStats, 'byChannelGroup' | 'byStatus' | 'byAgeBand' | 'bySubsidy' | 'rows' | 'enrolled'>;
  asOf: string;
  source: string;
}

interface Bar {
  label: string;
  /** null = hidden small cell. */
  count: number | null;
  /** Shown instead of the count for a hidden cell. */
  shown: string;
  share: number | null;
  fill: string;
  stroke?: string;
}

const ROW = 30;
const M = { top: 8, bottom: 8, left: 92, right: 8 };

/** Horizontal bars, each labelled with its category, count and share (no meaning carried by colour alone). */
function bars(uid: string, title: string, desc: string, list: Bar[], patterns: PatternName[]): SvgNode {
  const height = M.top + list.length * ROW + M.bottom;
  const maxCount = Math.max(1, ...list.map((b) => b.count ?? 0));
  const plot = WIDTH - M.left - M.right - 96; // room for "12,345 · 93.0%"
  return svgRoot({ uid, height, title, desc, patterns },
    ...list.map((b, i) => {
      const cy = M.top + i * ROW + ROW / 2;
      const w = b.count === null ? 0 : (b.count / maxCount) * plot;
      return h('g', {},
        h('text', { x: M.left - 6, y: cy + 4, 'text-anchor': 'end', fill: COLORS.ink }, b.label),
        w > 0 ? h('rect', { x: M.left, y: cy - 9, width: Math.max(w, 1), height: 18, fill: b.fill, stroke: b.stroke ?? 'none' }) : null,
        h('text', { x: M.left + w + 5, y: cy + 4, fill: COLORS.ink }, b.count === null ? b.shown : `${formatCount(b.count)} · ${formatRate(b.share)}`));
    }));
}

function figure(kind: ChartKind, input: MixInput, title: string, what: string, list: Bar[], columns: Column[], rows: Array<Record<string, CellValue>>, notes: ChartNote[], patterns: PatternName[] = []): ChartFigure {
  const total = list.reduce((n, b) => n + (b.count ?? 0), 0);
  const parts = list.map((b) => `${b.label} ${b.count === null ? b.shown : `${formatCount(b.count)}（${formatRate(b.share)}）`}`);
  const desc = list.length ? `${title}：${parts.join('，')}。${notes.map((n) => n.text).join('')}` : `${title}：暂无数据。`;
  const base = { id: kind, kind, title, desc, asOf: input.asOf, source: input.source, columns, rows, notes, flags: [] as string[] };
  if (!list.length || (total === 0 && list.every((b) => b.count !== null))) {
    return { ...base, svg: emptySvg({ uid: input.uid, title, desc, message: `暂无${what}数据` }), empty: true };
  }
  return { ...base, svg: bars(input.uid, title, desc, list, patterns), empty: false };
}

/** Payment channels (all statuses), grouped: online, bank, counter, village agent, other. */
export function channelsChart(input: MixInput): ChartFigure {
  const total = input.stats.rows;
  const groups = CHANNEL_GROUPS.filter((g) => g !== 'other' || input.stats.byChannelGroup.other > 0);
  const list: Bar[] = total ? groups.map((g) => ({ label: CHANNEL_GROUP_LABELS[g], count: input.stats.byChannelGroup[g], shown: '', share: input.stats.byChannelGroup[g] / total, fill: COLORS.current })) : [];
  const columns: Column[] = [{ key: 'channel', label: '缴费渠道', kind: 'text' }, { key: 'payments', label: '笔数', kind: 'count' }, { key: 'share', label: '占比', kind: 'rate' }];
  const rows = list.map((b) => ({ channel: b.label, payments: b.count, share: b.share }));
  return figure('channels', input, `${input.name} ${input.year}年度缴费渠道`, '缴费', list, columns, rows, [{ level: 'info', text: '按缴费笔数统计，含未到账和已退费。' }]);
}

/** Payment status: credited, not credited, refunded, with counts, shares and amounts. */
export function statusChart(input: MixInput): ChartFigure {
  const total = input.stats.rows;
  const style: Record<string, { fill: string; stroke?: string; pattern?: PatternName }> = {
    已到账: { fill: COLORS.current },
    未到账: { fill: patternFill(input.uid, 'pending'), stroke: COLORS.pending, pattern: 'pending' },
    已退费: { fill: patternFill(input.uid, 'refunded'), stroke: COLORS.refunded, pattern: 'refunded' },
  };
  const list: Bar[] = total ? STATUSES.map((s) => ({ label: s, count: input.stats.byStatus[s].count, shown: '', share: input.stats.byStatus[s].count / total, ...style[s]! })) : [];
  const columns: Column[] = [{ key: 'status', label: '到账状态', kind: 'text' }, { key: 'payments', label: '笔数', kind: 'count' }, { key: 'share', label: '占比', kind: 'rate' }, { key: 'amountYuan', label: '金额', kind: 'yuan' }];
  const rows = STATUSES.map((s) => ({ status: s, payments: input.stats.byStatus[s].count, share: total ? input.stats.byStatus[s].count / total : null, amountYuan: input.stats.byStatus[s].amountFen / 100 }));
  const notes: ChartNote[] = [];
  const pending = input.stats.byStatus['未到账'].count;
  const refunded = input.stats.byStatus['已退费'].count;
  if (pending) notes.push({ level: 'info', text: `${formatCount(pending)} 笔未到账：已缴费但医保系统尚未收到，请缴费人核对。` });
  if (refunded) notes.push({ level: 'info', text: `${formatCount(refunded)} 笔已退费，多为重复缴费后退回。` });
  return figure('status', input, `${input.name} ${input.year}年度到账状态`, '缴费', list, columns, rows, notes, ['pending', 'refunded']);
}

const AGE_ORDER = ['0-17', '18-44', '45-59', '60+'];

/** Sensitive breakdown under the small-cell rule. */
function protectedFigure(kind: 'age' | 'subsidy', input: MixInput, record: Record<string, number>, opts: { title: string; what: string; column: string; labelOf: (k: string) => string; order: (a: string, b: string) => number; notes: ChartNote[] }): ChartFigure {
  const keys = Object.keys(record).sort(opts.order);
  const total = input.stats.enrolled;
  const cells = protectSmallCells(keys.map((k) => ({ category: k, count: record[k]! })));
  const list: Bar[] = total ? cells.map((c) => ({ label: opts.labelOf(c.category), count: c.count, shown: String(c.value), share: c.count === null ? null : c.count / total, fill: COLORS.current })) : [];
  const columns: Column[] = [{ key: 'category', label: opts.column, kind: 'text' }, { key: 'persons', label: '已到账人数', kind: 'count' }, { key: 'share', label: '占比', kind: 'rate' }];
  const rows = list.map((b, i) => ({ category: b.label, persons: cells[i]!.value, share: b.share }));
  const notes = [...opts.notes];
  if (cells.some((c) => c.count === null)) notes.push({ level: 'info', text: `少于 ${SMALL_CELL_THRESHOLD} 人的类别显示为“<${SMALL_CELL_THRESHOLD}”，以免认出具体的人；为防止用合计反推，另有一类显示为“已隐藏”。` });
  return figure(kind, input, opts.title, opts.what, list, columns, rows, notes);
}

/** True when the export filled this optional column for some credited person. */
export function hasBreakdown(record: Record<string, number>): boolean {
  return Object.keys(record).some((k) => k !== '' && record[k]! > 0);
}

/** Age bands of the credited persons (aggregate only; no age-specific rate: the denominator has no ages). */
export function ageChart(input: MixInput): ChartFigure {
  const rank = (k: string): number => (k === '' ? 99 : AGE_ORDER.includes(k) ? AGE_ORDER.indexOf(k) : 50);
  return protectedFigure('age', input, input.stats.byAgeBand, {
    title: `${input.name} ${input.year}年度已到账人员年龄构成`, what: '年龄', column: '年龄段',
    labelOf: (k) => (k === '' ? '未填写' : /^\d/.test(k) ? `${k}岁` : k),
    order: (a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0),
    notes: [{ level: 'info', text: '应参保人数没有按年龄分开，因此只能看已到账人员的年龄构成，不能算各年龄段的参保率。' }],
  });
}

/** Subsidy categories of the credited persons (aggregate only: a person's category is never published). */
export function subsidyChart(input: MixInput): ChartFigure {
  const rank = (k: string): number => (k === '' ? 1 : 0);
  return protectedFigure('subsidy', input, input.stats.bySubsidy, {
    title: `${input.name} ${input.year}年度资助参保人员`, what: '资助类别', column: '资助类别',
    labelOf: (k) => (k === '' ? '无资助类别' : k),
    order: (a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0),
    notes: [{ level: 'info', text: '资助类别只按汇总公布，不公布到个人。' }],
  });
}
