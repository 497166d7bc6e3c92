/**
 * The region hierarchy (county › township › village) built from regions.csv.
 * Parents follow from the 12-digit codes. Pure.
 */
import { type Level, levelOf, parentOf, type RegionCells } from './contract.ts';
import { makeIssue, type Issue } from './issues.ts';

/** A region of the published hierarchy. */
export interface Region {
  code: string;
  name: string;
  level: Level;
  /** Parent code when the parent is in regions.csv, else null (the top of this site). */
  parent: string | null;
  /** Child codes, sorted. */
  children: string[];
}

/** Checks regions.csv as a whole (duplicates, orphans) and builds the tree, sorted by code. */
export function buildRegions(file: string, rows: ReadonlyArray<RegionCells & { line: number }>): { regions: Region[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const byCode = new Map<string, Region>();
  const lineOf = new Map<string, number>();
  for (const r of rows) {
    if (byCode.has(r.code)) {
      issues.push(makeIssue({ file, line: r.line, column: '区划代码', value: r.code, problem: `区划代码重复（第 ${lineOf.get(r.code)} 行已有）`, expected: '每个代码只出现一次', fix: '删除重复的行' }));
      continue;
    }
    lineOf.set(r.code, r.line);
    byCode.set(r.code, { code: r.code, name: r.name, level: levelOf(r.code), parent: null, children: [] });
  }
  for (const region of byCode.values()) {
    const parent = parentOf(region.code);
    if (parent && byCode.has(parent)) {
      region.parent = parent;
      byCode.get(parent)!.children.push(region.code);
    } else if (region.level === 'village' || region.level === 'township') {
      const needed = region.level === 'village' ? '所属乡镇（街道）' : '所属县（市、区）';
      issues.push(makeIssue({ file, line: lineOf.get(region.code)!, column: '区划代码', value: region.code, problem: `找不到${needed} ${parent}`, expected: `regions.csv 同时列出${needed}，代码 ${parent}`, fix: `加一行 ${parent},<名称>` }));
    }
  }
  const regions = [...byCode.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  for (const r of regions) r.children.sort();
  return { regions, issues };
}

/** Codes from `code` up to the top of the site, top first (for breadcrumbs). */
export function ancestry(byCode: ReadonlyMap<string, Region>, code: string): Region[] {
  const chain: Region[] = [];
  for (let r = byCode.get(code); r; r = r.parent ? byCode.get(r.parent) : undefined) chain.unshift(r);
  return chain;
}

/** Chinese name of a level, for headings. */
export const LEVEL_LABELS: Record<Level, string> = { province: '省', city: '市', county: '县（市、区）', township: '乡镇（街道）', village: '村（社区）' };
