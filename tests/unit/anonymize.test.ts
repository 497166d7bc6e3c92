import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageBandOf, completeRow, findSurvivingRawData, OUTPUT_HEADERS, planColumns, prepareRow, type PreparedRow } from '../../src/lib/anonymize.ts';
import { FILES, type PaymentCells } from '../../src/lib/contract.ts';
import { ingestFile } from '../../src/lib/ingest.ts';
import type { Issue } from '../../src/lib/issues.ts';
import { FULL_ID_IN_TEXT, MOBILE_IN_TEXT } from '../../src/lib/mask.ts';
import { deriveToken, idCheckChar, TOKEN_PATTERN } from '../../src/lib/token.ts';
import { runAnonymize, type AnonymizeResult } from '../../scripts/anonymize.ts';
import { fixture, tempDir } from '../helpers.ts';

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
/** ID numbers as exports hold them: valid or not, upper- or lower-case x. */
const anyId = fc.tuple(digits(17), fc.constantFrom('valid', 'invalid'), fc.boolean()).map(([d, kind, lower]) => {
  const check = idCheckChar(d);
  const last = kind === 'valid' ? check : '0123456789X'.replace(check, '')[Number(d[16]) % 10]!;
  const id = d + last;
  return { id: lower ? id.toLowerCase() : id, valid: kind === 'valid' };
});
const fullName = fc.tuple(fc.constantFrom('张', '李', '欧阳', '王', '司马'), fc.array(fc.constantFrom('伟', '芳', '秀', '英', '测', '一'), { minLength: 1, maxLength: 3 })).map(([s, g]) => s + g.join(''));
const mobile = fc.tuple(fc.constantFrom('3', '5', '8', '9'), digits(9)).map(([b, d]) => `1${b}${d}`);

const RAW_HEADERS = ['待遇年度', '区划代码', '姓名', '身份证号', '联系电话', '缴费金额', '缴费日期', '缴费渠道', '到账状态'];
const params = { salt: '00112233445566778899aabbccddeeff', iterations: 1000 };

async function anonymize(input: string, outDir: string): Promise<{ result: AnonymizeResult; log: string }> {
  const lines: string[] = [];
  const result = await runAnonymize({ input, outDir, reportFile: join(outDir, '..', `report-${Math.random().toString(36).slice(2)}.txt`), log: (l) => lines.push(l) });
  return { result, log: lines.join('\n') };
}

/** Ingests an anonymized payments.csv through the real data contract. */
async function ingest(path: string) {
  const records: PaymentCells[] = [];
  const issues: Issue[] = [];
  const report = await ingestFile<PaymentCells>({ file: 'payments.csv', bytes: createReadStream(path), fields: FILES.payments.fields, onRecord: (r) => records.push(r), onIssue: (i) => issues.push(i) });
  return { records, issues, report };
}

describe('prepareRow and the guard', () => {
  const { layout } = planColumns('raw.csv', RAW_HEADERS);

  it('never lets a full ID through, for generated IDs with valid and invalid check characters and lower-case x', async () => {
    await fc.assert(fc.asyncProperty(anyId, fullName, mobile, async ({ id, valid }, name, phone) => {
      const cells = ['2025', '420583103201', name, id, phone, '400.00', '2024-10-20', '线上/手机', '已到账'];
      const prepared = prepareRow(layout, cells, 2);
      if (!valid) {
        expect(Array.isArray(prepared)).toBe(true);
        const text = JSON.stringify(prepared);
        expect(text).not.toContain(id);
        expect(text).not.toContain(id.toUpperCase());
        expect(text).not.toContain(id.slice(6, 14));
        return;
      }
      expect(Array.isArray(prepared)).toBe(false);
      const row = prepared as PreparedRow;
      const out = completeRow(row, await deriveToken(id, name, params));
      expect(findSurvivingRawData('raw.csv', row, out)).toEqual([]);
      const text = out.join(',');
      expect(text).not.toContain(id.toUpperCase());
      expect(text).not.toContain(id);
      expect(text).not.toContain(phone);
      expect(text).not.toContain(name);
      FULL_ID_IN_TEXT.lastIndex = 0;
      MOBILE_IN_TEXT.lastIndex = 0;
      expect(FULL_ID_IN_TEXT.test(text)).toBe(false);
      expect(MOBILE_IN_TEXT.test(text)).toBe(false);
      expect(out).toHaveLength(OUTPUT_HEADERS.length);
      expect(out.at(-1)).toMatch(TOKEN_PATTERN);
    }), { numRuns: 300 });
  });

  it('refuses output where a phone number or the full name hides in another column', async () => {
    const id = '11010519491231002X';
    for (const channel of ['代收 13912345678', '张三代缴', `核对${id}`]) {
      const row = prepareRow(layout, ['2025', '420583103201', '张三', id, '', '400', '2024-10-20', channel, '已到账'], 7) as PreparedRow;
      const issues = findSurvivingRawData('raw.csv', row, completeRow(row, await deriveToken(id, '张三', params)));
      expect(issues.map((i) => [i.line, i.column])).toEqual([[7, '缴费渠道']]);
      expect(issues[0]!.value).toBeNull();
    }
  });

  it('derives the age band on 1 January of the coverage year', () => {
    expect(ageBandOf('11010520070101002X', '2025')).toBe('18-44');
    expect(ageBandOf('11010520070102002X', '2025')).toBe('0-17');
    expect(ageBandOf('11010519650615002X', '2025年度')).toBe('45-59');
    expect(ageBandOf('11010519491231002X', '2025')).toBe('60+');
    expect(ageBandOf('11010519491231002X', '')).toBe('');
  });
});

describe('npm run anonymize', () => {
  it('writes a payments.csv the data contract accepts, with no raw value left', async () => {
    const out = join(tempDir('anonymize-test-'), 'export');
    mkdirSync(out);
    copyFileSync(fixture('raw', 'site.json'), join(out, 'site.json'));
    const { result, log } = await anonymize(fixture('raw', 'payments-raw.csv'), out);
    expect(result.ok, log).toBe(true);
    expect(result.written).toBe(12);
    const text = readFileSync(join(out, 'payments.csv'), 'utf8');
    const raw = readFileSync(fixture('raw', 'payments-raw.csv'), 'utf8');
    for (const id of raw.match(/\d{17}[\dXx]/g)!) {
      expect(text).not.toContain(id);
      expect(text).not.toContain(id.toUpperCase());
      expect(log).not.toContain(id);
    }
    for (const secret of ['13800000001', '13900000003', '13700000005', '张测一', '欧阳测四', '买买提', '沙碛坪村一组']) {
      expect(text).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
    const { records, issues, report } = await ingest(join(out, 'payments.csv'));
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(report.valid).toBe(12);
    const zhao = records.filter((r) => r.name === '赵**');
    expect(new Set(zhao.map((r) => r.person_key)).size).toBe(1);
    expect(zhao).toHaveLength(3);
    expect(records.find((r) => r.id_number === '999003********102X')?.person_key).toMatch(TOKEN_PATTERN);
    expect(records.find((r) => r.name === '欧阳**')?.age_band).toBe('60+');
  });

  it('gives byte-identical output for the GB18030 export of the same rows, and on a second run', async () => {
    const a = join(tempDir('anonymize-test-'), 'a');
    const b = join(tempDir('anonymize-test-'), 'b');
    for (const d of [a, b]) {
      mkdirSync(d);
      copyFileSync(fixture('raw', 'site.json'), join(d, 'site.json'));
    }
    expect((await anonymize(fixture('raw', 'payments-raw.csv'), a)).result.ok).toBe(true);
    expect((await anonymize(fixture('raw', 'payments-raw-gb18030.csv'), b)).result.ok).toBe(true);
    const first = readFileSync(join(a, 'payments.csv'));
    expect(readFileSync(join(b, 'payments.csv')).equals(first)).toBe(true);
    expect((await anonymize(fixture('raw', 'payments-raw.csv'), a)).result.ok).toBe(true);
    expect(readFileSync(join(a, 'payments.csv')).equals(first)).toBe(true);
  });

  it('creates a salt in site.json when there is none, keeping the other settings', async () => {
    const out = join(tempDir('anonymize-test-'), 'export');
    mkdirSync(out);
    writeFileSync(join(out, 'site.json'), JSON.stringify({ siteName: '某县医保缴费公示', target: 0.9 }));
    const { result, log } = await anonymize(fixture('raw', 'payments-raw.csv'), out);
    expect(result.ok).toBe(true);
    const site = JSON.parse(readFileSync(join(out, 'site.json'), 'utf8'));
    expect(site.siteName).toBe('某县医保缴费公示');
    expect(site.target).toBe(0.9);
    expect(site.lookup.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(site.lookup.iterations).toBe(result.params!.iterations);
    expect(log).toContain('lookup.salt');
  });

  it('writes nothing when a phone number or a name would survive in another column', async () => {
    const out = join(tempDir('anonymize-test-'), 'export');
    const { result, log } = await anonymize(fixture('raw', 'leak-in-channel.csv'), out);
    expect(result.ok).toBe(false);
    expect(existsSync(join(out, 'payments.csv'))).toBe(false);
    expect(existsSync(join(out, 'site.json'))).toBe(false);
    expect(log).toContain('leak-in-channel.csv:3 列「缴费渠道」');
    expect(log).toContain('leak-in-channel.csv:4 列「缴费渠道」');
    expect(log).not.toContain('13600000009');
    expect(log).not.toContain('王测三');
  });

  it('writes nothing for wrong IDs and names, and reports them masked', async () => {
    const out = join(tempDir('anonymize-test-'), 'export');
    const { result, log } = await anonymize(fixture('raw', 'bad-ids.csv'), out);
    expect(result.ok).toBe(false);
    expect(result.errors).toBe(4);
    expect(existsSync(join(out, 'payments.csv'))).toBe(false);
    for (const line of ['bad-ids.csv:2 列「身份证号」 值「999001********123', 'bad-ids.csv:3 列「身份证号」：这是 15 位的旧身份证号', 'bad-ids.csv:4 列「姓名」 值为空', 'bad-ids.csv:5 列「姓名」 值「王*」']) {
      expect(log).toContain(line);
    }
    const raw = readFileSync(fixture('raw', 'bad-ids.csv'), 'utf8');
    for (const id of raw.match(/\d{15,17}[\dXx]?/g)!) expect(log).not.toContain(id);
  });

  it('never writes a full ID, for whole generated exports', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(anyId, fullName), { minLength: 1, maxLength: 8 }), async (people) => {
      const dir = tempDir('anonymize-test-');
      const out = join(dir, 'export');
      mkdirSync(out);
      writeFileSync(join(out, 'site.json'), JSON.stringify({ lookup: params }));
      const raw = join(dir, 'raw.csv');
      writeFileSync(raw, [RAW_HEADERS.join(','), ...people.map(([{ id }, name], i) => `2025,420583103201,${name},${id},1380000${String(i).padStart(4, '0')},400,2024-10-20,银行,已到账`)].join('\n'));
      const { result, log } = await anonymize(raw, out);
      const allValid = people.every(([p]) => p.valid);
      expect(result.ok).toBe(allValid);
      for (const [{ id }] of people) expect(log.toUpperCase()).not.toContain(id.toUpperCase());
      if (!allValid) {
        expect(existsSync(join(out, 'payments.csv'))).toBe(false);
        return;
      }
      const text = readFileSync(join(out, 'payments.csv'), 'utf8');
      FULL_ID_IN_TEXT.lastIndex = 0;
      expect(FULL_ID_IN_TEXT.test(text)).toBe(false);
      for (const [{ id }] of people) expect(text.toUpperCase()).not.toContain(id.toUpperCase());
      const { report } = await ingest(join(out, 'payments.csv'));
      expect(report.valid).toBe(people.length);
    }), { numRuns: 25 });
  });
});
