import { pbkdf2Sync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveToken, deriveTokenNormalized, idCheckChar, isValidIdNumber, LookupInputError, normalizeIdNumber, normalizeName, tokenHex, TOKEN_PATTERN } from '../../src/lib/token.ts';

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
/** A valid ID number (any 17 digits + their check character), as the official's system would hold it. */
const validId = digits(17).map((d) => d + idCheckChar(d));
/** An ID number whose last character is NOT the check character of the first 17 digits. */
const invalidId = fc.tuple(digits(17), fc.constantFrom(...'0123456789X')).filter(([d, c]) => idCheckChar(d) !== c).map(([d, c]) => d + c);
const params = { salt: '00112233445566778899aabbccddeeff', iterations: 1000 };

function inputError(fn: () => unknown): LookupInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LookupInputError) return err;
    throw err;
  }
  throw new Error('expected a LookupInputError');
}

describe('normalizeIdNumber', () => {
  it('accepts every ID with a valid GB 11643 check character, upper-casing a lower-case x', () => {
    fc.assert(fc.property(validId, (id) => {
      expect(normalizeIdNumber(id)).toBe(id);
      expect(normalizeIdNumber(` ${id.toLowerCase()} `)).toBe(id);
      expect(isValidIdNumber(id)).toBe(true);
    }), { numRuns: 2000 });
  });

  it('refuses every ID with a wrong check character, with a Chinese message that does not repeat the input', () => {
    fc.assert(fc.property(invalidId, fc.boolean(), (id, lower) => {
      const typed = lower ? id.toLowerCase() : id;
      const err = inputError(() => normalizeIdNumber(typed));
      expect(err.field).toBe('id');
      expect(err.message).toContain('校验码');
      expect(err.message).not.toContain(id.slice(6, 14));
      expect(isValidIdNumber(id)).toBe(false);
    }), { numRuns: 2000 });
  });

  it('folds full-width digits, spaces and dashes as people type them', () => {
    const id = '11010519491231002X'; // the worked example of GB 11643-1999
    expect(idCheckChar(id.slice(0, 17))).toBe('X');
    expect(normalizeIdNumber('１１０１０５ １９４９１２３１ ００２ｘ')).toBe(id);
    expect(normalizeIdNumber('110105-19491231-002x')).toBe(id);
  });

  it('explains a 15-digit old ID, a wrong length, letters and an X in the middle', () => {
    expect(inputError(() => normalizeIdNumber('110105491231002')).message).toContain('15 位');
    expect(inputError(() => normalizeIdNumber('1101051949123100')).message).toContain('现在是 16 位');
    expect(inputError(() => normalizeIdNumber('110105********002X')).message).toContain('* 号');
    expect(inputError(() => normalizeIdNumber('11010519X91231002X')).message).toContain('只有最后一位');
    expect(inputError(() => normalizeIdNumber('  ')).message).toBe('请填写身份证号。');
  });
});

describe('normalizeName', () => {
  it('drops spaces and unifies the middle dot of minority names', () => {
    expect(normalizeName(' 张 三 ')).toBe('张三');
    expect(normalizeName('张\u3000三')).toBe('张三');
    expect(normalizeName('阿依古丽・买买提')).toBe('阿依古丽·买买提');
    expect(normalizeName('阿依古丽.买买提')).toBe('阿依古丽·买买提');
  });

  it('refuses an empty, masked or numeric name', () => {
    expect(inputError(() => normalizeName('')).field).toBe('name');
    expect(inputError(() => normalizeName('张*')).message).toContain('不要填公示上带 * 号的姓名');
    expect(inputError(() => normalizeName('张＊')).message).toContain('* 号');
    expect(inputError(() => normalizeName('张3')).message).toContain('数字');
  });
});

describe('tokenHex', () => {
  it('never has a run of more than 9 decimal digits, and is plain hex otherwise', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const hex = tokenHex(bytes);
      const plain = Buffer.from(bytes).toString('hex');
      expect(hex).toMatch(TOKEN_PATTERN);
      expect(hex).not.toMatch(/\d{10}/);
      if (!/\d{10}/.test(plain)) expect(hex).toBe(plain);
    }), { numRuns: 5000 });
  });

  it('turns the 10th digit in a row into a letter', () => {
    expect(tokenHex(Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x90, 0x12]))).toBe('123456789a12');
  });
});

describe('deriveToken', () => {
  it('is PBKDF2-SHA256 over id + LF + name with the context-prefixed salt (checked against node:crypto)', async () => {
    const id = '11010519491231002X';
    const expected = tokenHex(pbkdf2Sync(`${id}\n张三`, `yibao-gongshi/person_key/v1:${params.salt}`, params.iterations, 16, 'sha256'));
    expect(await deriveToken(id, '张三', params)).toBe(expected);
  });

  it('gives the same token however the ID and name are typed', async () => {
    const a = await deriveToken('11010519491231002X', '张三', params);
    expect(await deriveToken('11010519491231002x', ' 张 三', params)).toBe(a);
    expect(await deriveToken('１１０１０５１９４９１２３１００２Ｘ', '张三', params)).toBe(a);
    expect(a).toMatch(TOKEN_PATTERN);
  });

  it('depends on the name, the salt and the cost', async () => {
    const id = '11010519491231002X';
    const base = await deriveTokenNormalized(id, '张三', params);
    expect(await deriveTokenNormalized(id, '张四', params)).not.toBe(base);
    expect(await deriveTokenNormalized(id, '张三', { ...params, salt: 'ffeeddccbbaa99887766554433221100' })).not.toBe(base);
    expect(await deriveTokenNormalized(id, '张三', { ...params, iterations: 1001 })).not.toBe(base);
  });

  it('refuses a malformed salt', async () => {
    await expect(deriveTokenNormalized('11010519491231002X', '张三', { salt: 'short', iterations: 1000 })).rejects.toThrow(/salt/);
  });
});
