/**
 * What changed in a village-year's notice between two publications: rows added, rows
 * removed, rows changed (and which fields). Pure: the caller reads the two files (one
 * village pair at a time, so memory is bounded by the biggest village, not the year).
 *
 * A row is identified by its masked name and masked ID number, plus its 查询码 when the
 * export has one. Rows with the same identity are matched first where every field is equal,
 * then by fewest differing fields (ties: by 序号), so a person's corrected row is "changed",
 * never a removal plus an addition. A row whose identity has fewer rows than before is always
 * reported as removed: nothing disappears silently.
 */
import type { PublicRow } from './publish.ts';

/** Fields compared between two rows of the same person (name and ID number are the identity). */
export const COMPARED_FIELDS = ['amount', 'paidOn', 'channel', 'status'] as const;
/** A compared field. */
export type ComparedField = (typeof COMPARED_FIELDS)[number];
/** Labels of the compared fields, as the notice's column headers. */
export const FIELD_LABELS: Record<ComparedField, string> = { amount: '缴费金额', paidOn: '缴费日期', channel: '缴费渠道', status: '到账状态' };

/** A row of a notice with its 序号 (1-based position in that publication's notice). */
export interface RowRef extends PublicRow {
  row: number;
}

/** One field of a changed row. */
export interface FieldChange {
  field: ComparedField;
  from: string;
  to: string;
}

/** A row present in both publications with different values. */
export interface ChangedRow {
  before: RowRef;
  after: RowRef;
  fields: FieldChange[];
}

/** The difference between two publications of one notice. */
export interface NoticeDiff {
  /** Rows only in the newer publication, by 序号 there. */
  added: RowRef[];
  /** Rows only in the older publication, by 序号 there. */
  removed: RowRef[];
  /** Rows of the same person with changed fields, by 序号 in the newer publication. */
  changed: ChangedRow[];
  /** Rows equal in both. */
  unchanged: number;
  /** True when unchanged rows appear in a different relative order (their 序号 changed). */
  reordered: boolean;
}

/** Optional 查询码 of each row, in row order (from a private file of the data stage; never published). */
export interface RowKeys {
  before?: readonly string[];
  after?: readonly string[];
}

/** Counts of a diff, as stored in histories and feeds. */
export interface DiffCounts {
  added: number;
  removed: number;
  changed: number;
  /** How many changed rows changed each field. */
  fields: Partial<Record<ComparedField, number>>;
  /** Changed rows by status transition, e.g. { "未到账→已到账": 3 }. */
  statuses: Record<string, number>;
  reordered: boolean;
}

/** Groups of rows larger than this are paired in 序号 order instead of by fewest differences (bounded work). */
const MAX_PAIRING_GROUP = 64;

function identity(r: PublicRow, key: string | undefined): string {
  return key ? `${r.name}\u0000${r.idNumber}\u0000${key}` : `${r.name}\u0000${r.idNumber}`;
}

function content(r: PublicRow): string {
  return `${r.amount}\u0000${r.paidOn}\u0000${r.channel}\u0000${r.status}`;
}

function fieldChanges(a: PublicRow, b: PublicRow): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of COMPARED_FIELDS) if (a[f] !== b[f]) out.push({ field: f, from: a[f], to: b[f] });
  return out;
}

function differing(a: PublicRow, b: PublicRow): number {
  let n = 0;
  for (const f of COMPARED_FIELDS) if (a[f] !== b[f]) n++;
  return n;
}

function groupBy(rows: readonly PublicRow[], keys: readonly string[] | undefined): Map<string, number[]> {
  const m = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const id = identity(r, keys?.[i] || undefined);
    const list = m.get(id);
    if (list) list.push(i);
    else m.set(id, [i]);
  });
  return m;
}

const ref = (r: PublicRow, i: number): RowRef => ({ ...r, row: i + 1 });

/** Compares two publications of one notice (rows in 序号 order). */
export function diffNotices(before: readonly PublicRow[], after: readonly PublicRow[], keys: RowKeys = {}): NoticeDiff {
  const oldGroups = groupBy(before, keys.before);
  const newGroups = groupBy(after, keys.after);
  const added: RowRef[] = [];
  const removed: RowRef[] = [];
  const changed: ChangedRow[] = [];
  // Unchanged pairs as [old index, new index], to tell whether the order changed.
  const kept: Array<[number, number]> = [];

  for (const [id, olds] of oldGroups) {
    const news = newGroups.get(id) ?? [];
    newGroups.delete(id);
    // 1. Equal rows pair up first (a queue per content, in 序号 order).
    const byContent = new Map<string, number[]>();
    for (const j of news) {
      const c = content(after[j]!);
      const q = byContent.get(c);
      if (q) q.push(j);
      else byContent.set(c, [j]);
    }
    const restOld: number[] = [];
    const usedNew = new Set<number>();
    for (const i of olds) {
      const j = byContent.get(content(before[i]!))?.shift();
      if (j === undefined) restOld.push(i);
      else {
        usedNew.add(j);
        kept.push([i, j]);
      }
    }
    const restNew = news.filter((j) => !usedNew.has(j));
    // 2. The rest pair by fewest differing fields over all pairs (ties: by 序号), so each row
    //    finds its closest counterpart; big groups (bounded work) pair in 序号 order.
    const pairs: Array<[number, number, number]> = [];
    const small = restOld.length * restNew.length <= MAX_PAIRING_GROUP * MAX_PAIRING_GROUP;
    if (small) {
      for (const i of restOld) for (const j of restNew) pairs.push([differing(before[i]!, after[j]!), i, j]);
      pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    } else {
      for (let k = 0; k < Math.min(restOld.length, restNew.length); k++) pairs.push([0, restOld[k]!, restNew[k]!]);
    }
    const pairedOld = new Set<number>();
    const pairedNew = new Set<number>();
    for (const [, i, j] of pairs) {
      if (pairedOld.has(i) || pairedNew.has(j)) continue;
      pairedOld.add(i);
      pairedNew.add(j);
      changed.push({ before: ref(before[i]!, i), after: ref(after[j]!, j), fields: fieldChanges(before[i]!, after[j]!) });
    }
    for (const i of restOld) if (!pairedOld.has(i)) removed.push(ref(before[i]!, i));
    for (const j of restNew) if (!pairedNew.has(j)) added.push(ref(after[j]!, j));
  }
  for (const news of newGroups.values()) for (const j of news) added.push(ref(after[j]!, j));

  added.sort((a, b) => a.row - b.row);
  removed.sort((a, b) => a.row - b.row);
  changed.sort((a, b) => a.after.row - b.after.row);
  kept.sort((a, b) => a[0] - b[0]);
  let reordered = false;
  for (let k = 1; k < kept.length && !reordered; k++) if (kept[k]![1] < kept[k - 1]![1]) reordered = true;
  return { added, removed, changed, unchanged: kept.length, reordered };
}

/** True when the diff records no difference at all. */
export function isEmptyDiff(d: NoticeDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0 && !d.reordered;
}

/** The counts of a diff (what feeds and the /changes/ page summarise). */
export function diffCounts(d: NoticeDiff): DiffCounts {
  const fields: Partial<Record<ComparedField, number>> = {};
  const statuses: Record<string, number> = {};
  for (const c of d.changed) {
    for (const f of c.fields) {
      fields[f.field] = (fields[f.field] ?? 0) + 1;
      if (f.field === 'status') statuses[`${f.from}→${f.to}`] = (statuses[`${f.from}→${f.to}`] ?? 0) + 1;
    }
  }
  return { added: d.added.length, removed: d.removed.length, changed: d.changed.length, fields, statuses: sortRecord(statuses), reordered: d.reordered };
}

function sortRecord(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A one-line summary of a correction in Chinese: "新增 1 条，删除 1 条，修改 3 条（到账状态 3 条：未到账→已到账 3）". */
export function describeCounts(c: DiffCounts): string {
  const parts: string[] = [];
  if (c.added) parts.push(`新增 ${c.added} 条`);
  if (c.removed) parts.push(`删除 ${c.removed} 条`);
  if (c.changed) {
    const fields = COMPARED_FIELDS.filter((f) => c.fields[f]).map((f) => {
      const detail = f === 'status' ? `：${Object.entries(c.statuses).map(([k, n]) => `${k} ${n}`).join('，')}` : '';
      return `${FIELD_LABELS[f]} ${c.fields[f]} 条${detail}`;
    });
    parts.push(`修改 ${c.changed} 条（${fields.join('；')}）`);
  }
  if (c.reordered) parts.push('序号顺序有调整');
  return parts.length ? parts.join('，') : '内容无变化';
}
