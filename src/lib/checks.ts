/**
 * Cross-field and cross-file rules, run after the schema has coerced a row: region
 * codes must be villages of regions.csv, payment dates must fit the coverage year,
 * 应参保人数 must not be given twice. Pure.
 */
import type { EnrollmentCells, PaymentCells } from './contract.ts';
import { FILES } from './contract.ts';
import { makeIssue, type Issue } from './issues.ts';
import type { Region } from './regions.ts';

type ColumnOf = (key: string) => string;

function unknownVillage(regions: ReadonlyMap<string, Region>, code: string, file: string, line: number, column: string): Issue[] {
  return regions.get(code)?.level === 'village' ? [] : [makeIssue({ file, line, column, value: code, problem: '区划代码不在 regions.csv 的村（社区）中', expected: 'regions.csv 中列出的村（社区）代码', fix: '核对代码是否录错；若是新设村（社区），在 regions.csv 中加上它' })];
}

/** Rules for payments.csv rows. */
export function checkPayment(regions: ReadonlyMap<string, Region>): (p: PaymentCells, line: number, col: ColumnOf) => Issue[] {
  const file = FILES.payments.file;
  return (p, line, col) => {
    const issues = unknownVillage(regions, p.region_code, file, line, col('region_code'));
    const from = `${p.coverage_year - 1}-01-01`;
    const to = `${p.coverage_year}-12-31`;
    if (p.paid_on < from || p.paid_on > to) {
      issues.push(makeIssue({ file, line, column: col('paid_on'), value: p.paid_on, problem: `缴费日期与待遇年度 ${p.coverage_year} 不符`, expected: `${from} 至 ${to} 之间（${p.coverage_year} 年度的保费在 ${p.coverage_year - 1} 年征缴）`, fix: '核对待遇年度和缴费日期是否填反或录错' }));
    }
    return issues;
  };
}

/** Rules for enrollment.csv rows (keeps the lines seen, to report duplicates). */
export function checkEnrollment(regions: ReadonlyMap<string, Region>): (r: EnrollmentCells, line: number, col: ColumnOf) => Issue[] {
  const file = FILES.enrollment.file;
  const seen = new Map<string, number>();
  return (r, line, col) => {
    const key = `${r.coverage_year}:${r.region_code}`;
    const first = seen.get(key);
    if (first !== undefined) return [makeIssue({ file, line, column: col('region_code'), value: r.region_code, problem: `同一村同一年度重复（第 ${first} 行已有）`, expected: '每村每年度一行', fix: '删除重复行，保留正确的人数' })];
    seen.set(key, line);
    return unknownVillage(regions, r.region_code, file, line, col('region_code'));
  };
}
