/**
 * Problems found in an export, collected (never thrown one at a time) so an official
 * gets the whole list in one run. Every printed value goes through `redact()`.
 */
import { redact } from './mask.ts';

/** One problem in an input file, located precisely enough to fix the export. */
export interface Issue {
  /** File name as given by the official, e.g. `payments.csv`. */
  file: string;
  /** 1-based line in the file; 0 for problems of the whole file. */
  line: number;
  /** Column header as written in the file, or '' for row- or file-level problems. */
  column: string;
  /** The value found, already masked for printing; null when no single cell is at fault. */
  value: string | null;
  /** What is wrong, in Chinese. */
  problem: string;
  /** What was expected, in Chinese. */
  expected: string;
  /** How to fix the export, in Chinese. */
  fix: string;
  /** `error` stops the publication; `warning` is printed and the build goes on. */
  severity: 'error' | 'warning';
}

/** Builds an issue, masking any ID or mobile number in the value. */
export function makeIssue(fields: Omit<Issue, 'severity' | 'value'> & { value?: string | null; severity?: Issue['severity'] }): Issue {
  return {
    ...fields,
    value: fields.value == null ? null : redact(truncate(fields.value, 60)),
    severity: fields.severity ?? 'error',
  };
}

function truncate(text: string, max: number): string {
  const c = Array.from(text);
  return c.length > max ? c.slice(0, max).join('') + '…' : text;
}

/** Formats an issue as one line an official can act on: `payments.csv:12 列「缴费日期」…`. */
export function formatIssue(issue: Issue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  const column = issue.column ? ` 列「${issue.column}」` : '';
  const value = issue.value === null ? '' : issue.value !== '' ? ` 值「${issue.value}」` : ' 值为空';
  const tag = issue.severity === 'error' ? '错误' : '提示';
  return `${tag} ${where}${column}${value}：${issue.problem}；应为：${issue.expected}；修改方法：${issue.fix}`;
}

/** Orders issues by file, line, then column, so reports are stable. */
export function compareIssues(a: Issue, b: Issue): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.column < b.column ? -1 : a.column > b.column ? 1 : 0);
}
