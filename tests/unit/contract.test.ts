import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { levelOf, normalizeHeader, parentOf, parseDate, SiteConfigSchema } from '../../src/lib/contract.ts';
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

describe('the zod schema and the validator agree', () => {
  it('every cell check gives the same value or problem through zod as called directly', async () => {
    const { PAYMENT_FIELDS, isProblem, problemOf } = await import('../../src/lib/contract.ts');
    const samples = ['', '2025', '２０２５', '420583103201', '420583103000', '张*', '张三', '欧阳**', '420583********123X', '400', '400.5', '-1', '2024/9/5', '2024-02-30', '线上/手机', '已到账', 'refunded', 'x'.repeat(41), 'abc', '0123456789abcdef0123456789abcdef'];
    for (const f of PAYMENT_FIELDS) {
      for (const v of samples) {
        const direct = f.cell.check(v);
        const viaZod = f.cell.schema.safeParse(v);
        if (isProblem(direct)) {
          expect(viaZod.success, `${f.key} ${v}`).toBe(false);
          expect(viaZod.error!.issues[0]!.message).toBe(problemOf(direct).problem);
        } else {
          expect(viaZod.data, `${f.key} ${v}`).toEqual(direct);
        }
      }
    }
  });
});

describe('site.json', () => {
  it('says what is wrong in Chinese, where it is', () => {
    const r = SiteConfigSchema.safeParse({
      target: 3,
      issuer: { '420583': '枝江市医疗保障局' },
      objection: { days: '七', byRegion: { '420583000000': { tel: '0717-4211234' } } },
    });
    const issues = (r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual([
      ['issuer.420583', '键应为 12 位区划代码'],
      ['objection.days', expect.stringContaining('期望 数字')],
      ['objection.byRegion.420583000000', expect.stringContaining('未知的键(key): "tel"')],
      ['target', expect.stringContaining('数值过大')],
    ]);
  });

  it('refuses a mobile number as an objection phone, without repeating it', () => {
    const r = SiteConfigSchema.safeParse({ objection: { phone: '138 0000 1234', byRegion: { '420583000000': { phone: '13800001234' }, '420583103000': { phone: '0717-4211234' } } } });
    const issues = (r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]);
    expect(issues.map(([path]) => path)).toEqual(['objection.phone', 'objection.byRegion.420583000000.phone']);
    for (const [, message] of issues) {
      expect(message).toContain('不要填手机号码');
      expect(message).not.toMatch(/138/);
    }
    expect(SiteConfigSchema.safeParse({ objection: { phone: '12393', byRegion: { '420583000000': { phone: '0717-4211234' } } } }).success).toBe(true);
  });
});
