import { describe, expect, it } from 'vitest';
import { ingestPayments } from '../helpers.ts';
import { formatIssue } from '../../src/lib/issues.ts';

describe('ingest of payments.csv', () => {
  it('reports a bad date with file, line, column, value and a fix', async () => {
    const { errors, report } = await ingestPayments('bad-date.csv');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'bad-date.csv', line: 2, column: '缴费日期', value: '2024-13-05', problem: '缴费日期不是有效日期' });
    expect(errors[0]!.fix).not.toBe('');
    expect(report).toMatchObject({ read: 1, valid: 0, rejected: 1 });
  });

  it('reports every bad amount, not only the first', async () => {
    const { errors } = await ingestPayments('bad-amount.csv');
    expect(errors.map((e) => [e.line, e.column, e.value])).toEqual([[2, '缴费金额', '4OO'], [3, '缴费金额', '400.123']]);
  });

  it('rejects a region code that is not a village of regions.csv', async () => {
    const { errors } = await ingestPayments('unknown-region.csv');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2, column: '区划代码', value: '420583199999' });
    expect(errors[0]!.problem).toContain('regions.csv');
  });

  it('names a missing required column and rejects the rows under it', async () => {
    const { errors, report } = await ingestPayments('missing-column.csv');
    expect(errors.some((e) => e.line === 1 && e.column === '缴费金额' && e.problem.includes('缺少必填列'))).toBe(true);
    expect(report).toMatchObject({ read: 1, valid: 0, rejected: 1 });
  });

  it('rejects ragged rows with the column counts', async () => {
    const { errors, report } = await ingestPayments('ragged-row.csv');
    expect(errors.map((e) => [e.line, e.problem])).toEqual([[2, '本行有 7 列，表头有 8 列'], [3, '本行有 9 列，表头有 8 列']]);
    expect(report.rejected).toBe(2);
  });

  it('refuses an unmasked name and prints it masked', async () => {
    const { errors } = await ingestPayments('unmasked-name.csv');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ column: '姓名', value: '张**' });
    expect(formatIssue(errors[0]!)).not.toContain('三丰');
  });

  it('refuses a full ID number and never prints it', async () => {
    const { errors } = await ingestPayments('full-id.csv');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.problem).toContain('身份证号未脱敏');
    expect(formatIssue(errors[0]!)).not.toMatch(/\d{17}[\dX]/);
    expect(errors[0]!.value).toBe('420583********000X');
  });

  it('refuses a mobile number in any column and prints it masked', async () => {
    const { errors } = await ingestPayments('phone-number.csv');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ column: '缴费渠道', problem: '含手机号码（个人信息不得公示）' });
    expect(formatIssue(errors[0]!)).not.toMatch(/1[3-9]\d{9}/);
  });

  it('detects GB18030 and decodes Chinese text', async () => {
    const { records, errors, report } = await ingestPayments('gb18030.csv');
    expect(errors).toEqual([]);
    expect(report.encoding).toBe('gb18030');
    expect(records.map((r) => [r.name, r.channel, r.status])).toEqual([['张*', '村组代征', '已到账'], ['欧阳**', '线上/手机', '未到账']]);
  });

  it('accepts a UTF-8 BOM without treating it as part of the first header', async () => {
    const { records, errors, report } = await ingestPayments('bom.csv');
    expect(errors).toEqual([]);
    expect(report.encoding).toBe('utf-8-bom');
    expect(records[0]!.coverage_year).toBe(2025);
  });

  it('accepts CRLF line ends, quoted line breaks and the other date forms', async () => {
    const { records, errors } = await ingestPayments('crlf.csv');
    expect(errors).toEqual([]);
    expect(records.map((r) => [r.paid_on, r.channel])).toEqual([['2024-09-05', '线上/手机'], ['2024-10-20', '银行\r\n柜面']]);
  });

  it('maps English headers and English status names to the same fields', async () => {
    const { records, errors } = await ingestPayments('english-headers.csv');
    expect(errors).toEqual([]);
    expect(records[0]).toMatchObject({ coverage_year: 2025, amount: 40000, status: '已到账' });
  });

  it('accepts full-width digits and header punctuation', async () => {
    const { records, errors } = await ingestPayments('fullwidth.csv');
    expect(errors).toEqual([]);
    expect(records[0]).toMatchObject({ coverage_year: 2025, amount: 40000 });
  });

  it('reconciles: rows read = valid + rejected, for every fixture', async () => {
    for (const name of ['bad-date.csv', 'bad-amount.csv', 'ragged-row.csv', 'crlf.csv', 'gb18030.csv', 'full-id.csv']) {
      const { report, records } = await ingestPayments(name);
      expect(report.read).toBe(report.valid + report.rejected);
      expect(records).toHaveLength(report.valid);
    }
  });
});
