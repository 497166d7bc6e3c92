import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FULL_ID_IN_TEXT, isMaskedName, maskIdNumber, maskName, MASKED_ID_PATTERN, mayHoldPersonalNumber, MOBILE_IN_TEXT, redact } from '../../src/lib/mask.ts';

const digit = fc.integer({ min: 0, max: 9 }).map(String);
/** Arbitrary 18-character ID numbers, valid-looking or not, with X, x or a digit last. */
const idNumber = fc.tuple(fc.array(digit, { minLength: 17, maxLength: 17 }), fc.constantFrom('X', 'x', '0', '5', '9'))
  .map(([d, last]) => d.join('') + last);

describe('masking', () => {
  it('maskIdNumber never leaves a full ID, for any 18-character ID', () => {
    fc.assert(fc.property(idNumber, (id) => {
      const masked = maskIdNumber(id);
      expect(masked).toMatch(MASKED_ID_PATTERN);
      expect(masked).not.toMatch(/\d{7}/);
      expect(masked.slice(0, 6)).toBe(id.slice(0, 6));
      expect(masked.slice(-4)).toBe(id.slice(-4).toUpperCase());
    }), { numRuns: 2000 });
  });

  it('redact removes every full ID and mobile number from any text', () => {
    const mobile = fc.tuple(fc.constantFrom('3', '5', '8', '9'), fc.array(digit, { minLength: 9, maxLength: 9 })).map(([b, d]) => `1${b}${d.join('')}`);
    fc.assert(fc.property(fc.string(), idNumber, mobile, fc.string(), (a, id, m, b) => {
      const out = redact(`${a} ${id} ${b} ${m}`);
      FULL_ID_IN_TEXT.lastIndex = 0;
      expect(FULL_ID_IN_TEXT.test(out)).toBe(false);
      expect(out).not.toContain(id);
      expect(out).not.toContain(m);
    }), { numRuns: 1000 });
  });

  it('mayHoldPersonalNumber is true whenever a mobile or full ID pattern matches', () => {
    // Texts of digit runs of every length around 11 and 17–18, joined by what can border them.
    const run = fc.integer({ min: 1, max: 20 }).chain((n) => fc.tuple(fc.constantFrom('1', '2'), fc.constantFrom('3', '8', '0'), fc.array(digit, { minLength: n, maxLength: n })).map(([a, b, d]) => a + b + d.join('')));
    const sep = fc.constantFrom('', ' ', ',', 'X', 'x', 'a', '-', '*', '年', '\u0000');
    fc.assert(fc.property(fc.array(fc.tuple(sep, run), { maxLength: 4 }), sep, (parts, end) => {
      const text = parts.map(([s, r]) => s + r).join('') + end;
      MOBILE_IN_TEXT.lastIndex = 0;
      FULL_ID_IN_TEXT.lastIndex = 0;
      if (MOBILE_IN_TEXT.test(text) || FULL_ID_IN_TEXT.test(text)) expect(mayHoldPersonalNumber(text)).toBe(true);
    }), { numRuns: 5000 });
    for (const text of ['13812345678', '姓名13812345678', '420583199001011234', '42058319900101123X', 'a13812345678']) expect(mayHoldPersonalNumber(text)).toBe(true);
    // What every row holds: a 12-digit region code, a masked ID, a date, an amount, a 查询码.
    for (const text of ['420583101201', '420583********123X', '2025-10-20', '380.00', 'f104015f8e3170d633292996d7d492e5', '']) expect(mayHoldPersonalNumber(text)).toBe(false);
  });

  it('maskName keeps the surname only, and two characters for compound surnames', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('欧阳')).toBe('欧*');
    expect(maskName(' 李四 ')).toBe('李*');
  });

  it('isMaskedName accepts only the one scheme', () => {
    for (const ok of ['张*', '张**', '欧阳**', '欧**', '<*']) expect(isMaskedName(ok), ok).toBe(true);
    for (const bad of ['张三', '张*华', '*三', '张', '', '张三*', '**']) expect(isMaskedName(bad), bad).toBe(false);
  });

  it('every masked name passes isMaskedName', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('张', '欧', '阳', '李', '华', '明'), minLength: 2, maxLength: 5 }), (name) => {
      expect(isMaskedName(maskName(name))).toBe(true);
    }));
  });
});
