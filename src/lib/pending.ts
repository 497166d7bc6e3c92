/**
 * 未到账 lists: the pending payments of a township's villages, one small CSV per
 * township and year (`pending/{year}/{township}.csv`), written by the data stage as rows
 * stream past so the township's list page never reads its villages' full notices. Pure.
 */
import Papa from 'papaparse';
import type { PaymentCells } from './contract.ts';
import { formatYuan, OWN_CSV } from './publish.ts';

/** Path of a township's 未到账 list page. */
export function pendingPath(township: string, year: number): string {
  return `/r/${township}/${year}/pending/`;
}

/** Header of a pending-list CSV. */
export const PENDING_HEADERS = ['区划代码', '序号', '姓名', '身份证号', '缴费金额', '缴费日期', '缴费渠道'] as const;

/** One 未到账 payment of a township's list. */
export interface PendingRow {
  /** Village code. */
  code: string;
  /** 序号 on the village's notice. */
  row: number;
  name: string;
  idNumber: string;
  amount: string;
  paidOn: string;
  channel: string;
}

/** The cells of a pending payment (masked name and ID, as on the notice). */
export function pendingCells(p: PaymentCells, row: number): string[] {
  return [p.region_code, String(row), p.name, p.id_number, formatYuan(p.amount), p.paid_on, p.channel];
}

/** CSV text of pending rows, with the header when `withHeader`. */
export function pendingCsv(rows: string[][], withHeader: boolean): string {
  const head = withHeader ? PENDING_HEADERS.join(',') + '\n' : '';
  return head + (rows.length ? Papa.unparse(rows, { header: false, newline: '\n' }) + '\n' : '');
}

/** Parses a pending-list CSV, ordered by village then 序号. */
export function parsePendingCsv(text: string): PendingRow[] {
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: true, ...OWN_CSV });
  return parsed.data.slice(1)
    .map((c) => ({ code: c[0] ?? '', row: Number(c[1]), name: c[2] ?? '', idNumber: c[3] ?? '', amount: c[4] ?? '', paidOn: c[5] ?? '', channel: c[6] ?? '' }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.row - b.row));
}
