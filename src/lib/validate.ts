/**
 * Validate stage: rows of strings → typed records, collecting every problem with its
 * file, line and column. Pure: the caller decides what to do with records and issues.
 */
import { type FieldSpec, isProblem, normalizeHeader, problemOf } from './contract.ts';
import { makeIssue, type Issue } from './issues.ts';
import { FULL_ID_IN_TEXT, isMaskedName, maskName, mayHoldPersonalNumber, MOBILE_IN_TEXT } from './mask.ts';

/** Where each contract field sits in a file, by header. */
export interface ColumnMap {
  /** Field key → column index in the file. */
  index: Map<string, number>;
  /** Headers exactly as written in the file. */
  headers: string[];
}

/** Matches the header row against a file's fields; reports missing, duplicate and unknown columns. */
export function mapColumns(file: string, headers: string[], fields: readonly FieldSpec[]): { columns: ColumnMap; issues: Issue[] } {
  const issues: Issue[] = [];
  const byName = new Map<string, FieldSpec>();
  for (const f of fields) for (const name of [f.key, f.label, ...f.aliases]) byName.set(normalizeHeader(name), f);
  const index = new Map<string, number>();
  headers.forEach((h, i) => {
    const field = byName.get(normalizeHeader(h));
    if (!field) {
      if (normalizeHeader(h) === '') return;
      issues.push(makeIssue({ file, line: 1, column: h, problem: '表头不在数据约定中，该列将被忽略、不会发布', expected: fields.map((f) => f.label).join('、'), fix: '如该列含电话、住址等个人信息，请在导出前删除该列', severity: 'warning' }));
      return;
    }
    if (index.has(field.key)) {
      issues.push(makeIssue({ file, line: 1, column: h, problem: `表头重复：与第 ${index.get(field.key)! + 1} 列「${headers[index.get(field.key)!]}」是同一字段`, expected: '每个字段只出现一列', fix: '删除重复的列' }));
      return;
    }
    index.set(field.key, i);
  });
  for (const f of fields) {
    if (f.required && !index.has(f.key)) {
      issues.push(makeIssue({ file, line: 1, column: f.label, problem: `缺少必填列「${f.label}」（${f.key}）`, expected: `表头包含 ${fields.filter((x) => x.required).map((x) => x.label).join('、')}`, fix: `在第一行加上「${f.label}」列；现有表头为：${headers.join('、') || '（空）'}` }));
    }
  }
  return { columns: { index, headers }, issues };
}

/** A checker of rows of one file, built once the header is known. */
export interface RowValidator<T> {
  /** Validates one row; returns the record, or null after reporting its issues. */
  validate(fields: string[], line: number, report: (issue: Issue) => void): T | null;
}

/**
 * Builds a row validator: column count, personal data in any cell (mobile numbers,
 * full ID numbers), then the contract schema, then `check` for cross-field rules.
 */
export function createRowValidator<T>(
  file: string,
  columns: ColumnMap,
  fields: readonly FieldSpec[],
  check: (record: T, line: number, columnOf: (key: string) => string) => Issue[] = () => [],
): RowValidator<T> {
  const width = columns.headers.length;
  const entries = fields.filter((f) => columns.index.has(f.key)).map((f) => [f.key, columns.index.get(f.key)!, f.cell.check] as const);
  const missingRequired = fields.filter((f) => f.required && !columns.index.has(f.key));
  const columnOf = (key: string): string => {
    const i = columns.index.get(key);
    return i === undefined ? (fields.find((f) => f.key === key)?.label ?? key) : columns.headers[i]!;
  };
  const idColumn = columns.index.get('id_number');

  return {
    validate(cells, line, report) {
      let ok = true;
      if (cells.length !== width) {
        ok = false;
        report(makeIssue({ file, line, column: '', problem: `本行有 ${cells.length} 列，表头有 ${width} 列`, expected: `每行 ${width} 列，与表头一致`, fix: '检查该行是否多了或少了逗号；含逗号的内容要用英文双引号括起来' }));
      }
      // Columns already reported as personal data (rare: allocated only then).
      let flagged = null as Set<number> | null; // set inside the callback below
      if (cells.some(mayHoldPersonalNumber)) {
        cells.forEach((cell, i) => {
          MOBILE_IN_TEXT.lastIndex = 0;
          FULL_ID_IN_TEXT.lastIndex = 0;
          const mobile = MOBILE_IN_TEXT.test(cell);
          const fullId = i !== idColumn && FULL_ID_IN_TEXT.test(cell);
          if (!mobile && !fullId) return;
          (flagged ??= new Set()).add(i);
          ok = false;
          report(makeIssue({
            file, line, column: columns.headers[i] ?? `第 ${i + 1} 列`, value: cell,
            problem: mobile ? '含手机号码（个人信息不得公示）' : '含完整身份证号（个人信息不得公示）',
            expected: '公示数据中不出现手机号码和完整身份证号', fix: '删除该内容，或先用 npm run anonymize 处理原始导出',
          }));
        });
      }
      // A ragged row's cells are shifted: checking them one by one would only add noise.
      if (cells.length !== width) return null;
      // The contract's cell checks (the same functions the zod schema wraps; see contract.ts).
      const record: Record<string, unknown> = {};
      for (const [key, i, check] of entries) {
        const raw = (cells[i] ?? '').trim();
        const result = check(raw);
        if (!isProblem(result)) {
          record[key] = result;
          continue;
        }
        ok = false;
        if (flagged?.has(i)) continue;
        const p = problemOf(result);
        // An unmasked name is personal data: the report shows it masked, like the site would.
        const shown = key === 'name' && !isMaskedName(raw) ? maskName(raw) : raw;
        report(makeIssue({ file, line, column: columns.headers[i]!, value: shown, problem: p.problem, expected: p.expected, fix: p.fix }));
      }
      if (missingRequired.length) return null;
      if (!ok) return null;
      const extra = check(record as T, line, columnOf);
      for (const issue of extra) report(issue);
      return extra.some((x) => x.severity === 'error') ? null : (record as T);
    },
  };
}
