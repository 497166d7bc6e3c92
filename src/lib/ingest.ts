/**
 * Runs the parse and validate stages over one export file: decoded text in, typed
 * records and issues out, plus the reconciliation counts. No filesystem access.
 */
import { parseCsv } from './csv.ts';
import type { FieldSpec } from './contract.ts';
import { type Encoding, EncodingError, decodeChunks } from './encoding.ts';
import { makeIssue, type Issue } from './issues.ts';
import { createRowValidator, mapColumns, type ColumnMap } from './validate.ts';

/** Reconciliation of one file: rows read = rows valid + rows rejected. */
export interface FileReport {
  file: string;
  encoding: Encoding | null;
  /** Data rows read (the header and blank lines excluded). */
  read: number;
  valid: number;
  rejected: number;
  errors: number;
  warnings: number;
}

/** Options of {@link ingestFile}. */
export interface IngestOptions<T> {
  file: string;
  bytes: AsyncIterable<Uint8Array>;
  fields: readonly FieldSpec[];
  /** Cross-field and cross-file rules, run on rows that passed the schema. */
  check?: (record: T, line: number, columnOf: (key: string) => string) => Issue[];
  onRecord: (record: T, line: number) => void;
  onIssue: (issue: Issue) => void;
  /**
   * When one file is read by several threads, each taking its share of the rows: only rows
   * this returns true for are counted, validated and passed on (`column` gives a field's
   * cell, empty when the file lacks the column).
   */
  take?: (column: (key: string) => string) => boolean;
  /** False in all but one of those threads: problems of the file as a whole (header, quoting, encoding) are reported once. */
  fileIssues?: boolean;
}

/** Streams one CSV file through parse and validate. Never throws on bad data: it reports. */
export async function ingestFile<T>(opts: IngestOptions<T>): Promise<FileReport> {
  const { file, fields, onRecord } = opts;
  const report: FileReport = { file, encoding: null, read: 0, valid: 0, rejected: 0, errors: 0, warnings: 0 };
  const onIssue = (issue: Issue): void => {
    if (issue.severity === 'error') report.errors++;
    else report.warnings++;
    opts.onIssue(issue);
  };
  let columns: ColumnMap | null = null;
  let validator: ReturnType<typeof createRowValidator<T>> | null = null;
  let headerOk = false;
  const fileIssue = opts.fileIssues === false ? () => {} : onIssue;
  const take = opts.take;
  let cells: string[] = [];
  const column = (key: string): string => {
    const i = (columns as ColumnMap | null)?.index.get(key);
    return i === undefined ? '' : (cells[i] ?? '');
  };
  try {
    const summary = await parseCsv(decodeChunks(opts.bytes, (e) => (report.encoding = e)), (rows) => {
      for (const row of rows) {
        if (!columns) {
          const mapped = mapColumns(file, row.fields, fields);
          columns = mapped.columns;
          mapped.issues.forEach(fileIssue);
          headerOk = !mapped.issues.some((i) => i.severity === 'error');
          validator = createRowValidator<T>(file, columns, fields, opts.check);
          continue;
        }
        if (take) {
          cells = row.fields;
          if (!take(column)) continue;
        }
        report.read++;
        if (!headerOk) {
          report.rejected++;
          continue;
        }
        const record = validator!.validate(row.fields, row.line, onIssue);
        if (record === null) report.rejected++;
        else {
          report.valid++;
          onRecord(record, row.line);
        }
      }
    });
    for (const p of summary.problems) {
      fileIssue(makeIssue({ file, line: p.line, column: '', problem: p.code === 'MissingQuotes' ? '引号没有闭合' : `CSV 格式错误（${p.code}）`, expected: '成对的英文双引号', fix: '检查该行的双引号：内容中的双引号要写成两个 ""' }));
    }
    if (!columns) {
      fileIssue(makeIssue({ file, line: 0, column: '', problem: '文件是空的', expected: `第一行为表头：${fields.filter((f) => f.required).map((f) => f.label).join(',')}`, fix: '重新导出该文件' }));
    } else if (!headerOk && report.read > 0) {
      fileIssue(makeIssue({ file, line: 0, column: '', problem: `表头有误，其下 ${report.read} 行均未检查`, expected: '表头正确', fix: '先改正表头，再重新运行' }));
    }
  } catch (err) {
    if (!(err instanceof EncodingError)) throw err;
    fileIssue(makeIssue({ file, line: 0, column: '', problem: err.message, expected: 'UTF-8 或 GB18030 编码的 CSV 文件', fix: '在 Excel 中“另存为”CSV UTF-8（逗号分隔）' }));
  }
  return report;
}
