/**
 * What every chart is made of, whatever its kind: a title and text alternative, the
 * figures as a table (the same rows feed the HTML table, the CSV and the JSON download),
 * notes that flag doubtful data, and the SVG tree. Pure.
 */
import Papa from 'papaparse';
import { formatCount, formatMonthDay, formatRate } from '../format.ts';
import type { SvgNode } from './svg.ts';

/** A table cell: a number, a text, "<10" for a suppressed small cell, or null (no value). */
export type CellValue = number | string | null;

/** How a column's values read: rates are fractions (0.352), yuan are numbers of yuan, dates ISO. */
export type ColumnKind = 'text' | 'date' | 'count' | 'rate' | 'points' | 'yuan';

/** One column of a chart's figures. */
export interface Column {
  key: string;
  label: string;
  kind: ColumnKind;
}

/** A note under a chart: `warn` marks data a reader should doubt (e.g. a rate above 100%). */
export interface ChartNote {
  level: 'warn' | 'info';
  text: string;
}

/** The kinds of chart the site draws. */
export type ChartKind = 'trend' | 'yoy' | 'ranking' | 'distribution' | 'channels' | 'status' | 'age' | 'subsidy';

/** A chart, ready to print: SVG, text alternative and figures. */
export interface ChartFigure {
  /** Stable id within a region-year, used in file names: `trend`, `ranking-11-20`… */
  id: string;
  kind: ChartKind;
  title: string;
  /** Text alternative: what the chart shows, in sentences (SVG `<desc>`). */
  desc: string;
  /** One-line reading of the chart shown above the table, e.g. the distribution's spread. */
  summary?: string;
  /** Date the data is as of (ISO). */
  asOf: string;
  source: string;
  columns: Column[];
  rows: Array<Record<string, CellValue>>;
  /** Indexes of rows shown in the page's table when the full table is long (all in downloads). */
  tableRows?: number[];
  notes: ChartNote[];
  /** Machine-readable flags, e.g. `rate-over-100`. */
  flags: string[];
  svg: SvgNode;
  empty: boolean;
}

/** Reading form of a cell: 35.2%, 10月20日, 12,345; "<10" and texts as they are; null → "—". */
export function displayCell(value: CellValue, kind: ColumnKind): string {
  if (value === null) return '—';
  if (typeof value === 'string') return kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatMonthDay(value) : value;
  switch (kind) {
    case 'rate': return formatRate(value);
    case 'count': return formatCount(value);
    case 'points': return (Math.round(value * 10) / 10).toFixed(1);
    case 'yuan': return formatYuanNumber(value);
    default: return String(value);
  }
}

function formatYuanNumber(yuan: number): string {
  const fen = Math.round(yuan * 100);
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${formatCount(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

/** Header of a CSV column: rates are written as percentages, so the header says so. */
function csvLabel(c: Column): string {
  return c.kind === 'rate' ? `${c.label}（%）` : c.kind === 'yuan' ? `${c.label}（元）` : c.kind === 'points' ? `${c.label}（百分点）` : c.label;
}

function csvCell(value: CellValue, kind: ColumnKind): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (kind === 'rate') return (Math.round(value * 1000) / 10).toFixed(1);
  if (kind === 'points') return (Math.round(value * 10) / 10).toFixed(1);
  if (kind === 'yuan') return (Math.round(value * 100) / 100).toFixed(2);
  return String(value);
}

/** The figures of a chart as CSV (UTF-8 with BOM so Excel opens Chinese headers correctly). */
export function figureCsv(f: ChartFigure): string {
  const rows = [f.columns.map(csvLabel), ...f.rows.map((r) => f.columns.map((c) => csvCell(r[c.key] ?? null, c.kind)))];
  return '\uFEFF' + Papa.unparse(rows, { newline: '\n', escapeFormulae: true }) + '\n';
}

/** The figures of a chart as a JSON document (rates as unrounded fractions). */
export function figureJson(f: ChartFigure, extra: { code: string; name: string; year: number }): string {
  return JSON.stringify({
    code: extra.code, name: extra.name, year: extra.year, chart: f.id, title: f.title, description: f.desc,
    asOf: f.asOf, source: f.source, notes: f.notes, flags: f.flags,
    columns: f.columns, rows: f.rows,
  }, null, 1) + '\n';
}
