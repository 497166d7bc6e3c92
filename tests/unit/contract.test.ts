import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { levelOf, normalizeHeader, parentOf, parseDate } from '../../src/lib/contract.ts';
import { renderDataReadme } from '../../src/lib/data-docs.ts';

describe('data contract', () => {
  it('data/README.md is generated from the current schema (run npm run docs:data)', () => {
    expect(readFileSync(resolve(import.meta.dirname, '../../data/README.md'), 'utf8')).toBe(renderDataReadme());
  });

  it('parseDate accepts the three documented forms and rejects impossible dates', () => {
    expect(parseDate('2024-10-20')).toBe('2024-10-20');
    expect(parseDate('2024/9/5')).toBe('2024-09-05');
    expect(parseDate('20241020')).toBe('2024-10-20');
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('2023-02-29')).toBeNull();
    expect(parseDate('2024-13-01')).toBeNull();
    expect(parseDate('10/20/2024')).toBeNull();
  });

  it('levelOf and parentOf follow the 12-digit statistical codes', () => {
    expect(levelOf('420583103201')).toBe('village');
    expect(parentOf('420583103201')).toBe('420583103000');
    expect(levelOf('420583103000')).toBe('township');
    expect(parentOf('420583103000')).toBe('420583000000');
    expect(levelOf('420583000000')).toBe('county');
    expect(parentOf('420583000000')).toBe('420500000000');
    expect(levelOf('420000000000')).toBe('province');
    expect(parentOf('420000000000')).toBeNull();
  });

  it('normalizeHeader ignores width, spaces and unit brackets', () => {
    expect(normalizeHeader('\uFEFF缴费金额（元）')).toBe(normalizeHeader('缴费金额(元)'));
    expect(normalizeHeader(' Coverage_Year ')).toBe('coverageyear');
  });
});
