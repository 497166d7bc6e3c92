/**
 * The lookup token (查询码, `person_key`): a slow hash of a person's full ID number and
 * full name under a public per-site salt. The masked ID hides only the 8 digits of a
 * birth date (~36,500 candidates), so a token of the ID alone could be reversed for every
 * published row; the name multiplies the search space, the key-derivation cost makes
 * each guess expensive. Web Crypto only (`crypto.subtle`), no Node or DOM imports: the
 * SAME module runs in `npm run anonymize` and in the resident's browser.
 */

/** PBKDF2-SHA256 iterations when site.json does not set `lookup.iterations` (cost chosen in src/pages/about/privacy.mdx). */
export const DEFAULT_ITERATIONS = 2_000;

/** Lowest cost site.json may set: below it a brute force of one person becomes trivial on a laptop. */
export const MIN_ITERATIONS = 1_000;

/** Domain separation: a token of this scheme can never collide with another use of the same salt. */
const CONTEXT = 'yibao-gongshi/person_key/v1:';

/** Public parameters of a site's tokens (site.json `lookup`). */
export interface TokenParams {
  /** Public per-site salt: 32-64 lowercase hex characters. */
  salt: string;
  /** PBKDF2-SHA256 iterations. */
  iterations: number;
}

/** Pattern of a site salt. */
export const SALT_PATTERN = /^[0-9a-f]{32,64}$/;

/** Pattern of a token: 32 lowercase hex characters, the contract's `person_key`. */
export const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

/** A wrong ID number or name typed by a resident or found in an export; `message` is Chinese and never contains the input. */
export class LookupInputError extends Error {
  /** Which input is wrong. */
  readonly field: 'id' | 'name';
  constructor(field: 'id' | 'name', message: string) {
    super(message);
    this.name = 'LookupInputError';
    this.field = field;
  }
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The GB 11643-1999 check character of the first 17 digits of an ID number. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** True when `id` is 17 digits and the right check character (upper-case X). */
export function isValidIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idCheckChar(id) === id[17];
}

/**
 * Normalises an ID number as typed or exported: full-width → half-width, spaces and
 * dashes dropped, lower-case x → X; then requires 18 characters with a valid check
 * character. Throws {@link LookupInputError} with a plain Chinese message otherwise.
 */
export function normalizeIdNumber(raw: string): string {
  const id = raw.normalize('NFKC').replace(/[\s\-－—]/g, '').toUpperCase();
  if (id === '') throw new LookupInputError('id', '请填写身份证号。');
  if (!/^[\dX]+$/.test(id)) throw new LookupInputError('id', '身份证号只能由数字组成，最后一位可以是 X；请不要填写 * 号或其他文字。');
  if (id.length === 15 && /^\d{15}$/.test(id)) throw new LookupInputError('id', '这是 15 位的旧身份证号，请填写现在使用的 18 位身份证号。');
  if (id.length !== 18) throw new LookupInputError('id', `身份证号应为 18 位，现在是 ${id.length} 位，请核对是否多填或漏填。`);
  if (id.slice(0, 17).includes('X')) throw new LookupInputError('id', '身份证号只有最后一位可以是 X，请核对。');
  if (idCheckChar(id) !== id[17]) throw new LookupInputError('id', '身份证号的最后一位（校验码）与前 17 位对不上，多半是某一位填错了，请逐位核对。');
  return id;
}

/**
 * Normalises a full name: compatibility forms folded (NFKC), all spaces dropped,
 * the middle dots of minority names unified to `·`, Latin letters upper-cased.
 * Throws {@link LookupInputError} for an empty, masked or implausible name.
 */
export function normalizeName(raw: string): string {
  const name = raw.normalize('NFKC').replace(/\s+/g, '').replace(/[•‧・･.．]/g, '·').toUpperCase();
  if (name === '') throw new LookupInputError('name', '请填写姓名。');
  if (name.includes('*')) throw new LookupInputError('name', '请填写完整姓名（例如“张三”），不要填公示上带 * 号的姓名。');
  if (/\d/.test(name)) throw new LookupInputError('name', '姓名中不能有数字，请填写身份证上的完整姓名。');
  if (Array.from(name).length > 30) throw new LookupInputError('name', '姓名太长，请只填写身份证上的姓名。');
  return name;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Hex of the derived bits, with no run of more than 9 decimal digits (a 10th digit in a
 * row becomes a letter a–f): no token can then look like a mobile number (11 digits) or
 * an ID number (18) to the privacy scanners of the data stage. Costs < 0.1 bit.
 */
export function tokenHex(bytes: Uint8Array): string {
  let out = '';
  let run = 0;
  for (const b of bytes) {
    for (const ch of HEX[b]!) {
      const c = ch.charCodeAt(0);
      if (c > 57) {
        run = 0;
        out += ch;
      } else if (++run === 10) {
        out += String.fromCharCode(97 + ((c - 48) % 6));
        run = 0;
      } else out += ch;
    }
  }
  return out;
}

const encoder = new TextEncoder();

/** The Web Crypto implementation: the browser's, or Node's global `crypto` (Node ≥ 19). */
function subtleCrypto(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('Web Crypto (crypto.subtle) is not available: the lookup needs HTTPS or localhost and a browser from 2017 or later');
  return s;
}

/**
 * The token of an already normalised ID number and name (see {@link normalizeIdNumber},
 * {@link normalizeName}): PBKDF2-SHA256(password = id + LF + name, salt = context +
 * site salt, iterations), 128 bits as 32 hex characters ({@link tokenHex}).
 */
export async function deriveTokenNormalized(id: string, name: string, params: TokenParams): Promise<string> {
  if (!SALT_PATTERN.test(params.salt)) throw new Error(`lookup salt must be 32-64 lowercase hex characters (got ${params.salt.length} characters)`);
  if (!Number.isInteger(params.iterations) || params.iterations < 1) throw new Error(`lookup iterations must be a positive integer (got ${params.iterations})`);
  const subtle = subtleCrypto();
  const key = await subtle.importKey('raw', encoder.encode(`${id}\n${name}`), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode(CONTEXT + params.salt), iterations: params.iterations }, key, 128);
  return tokenHex(new Uint8Array(bits));
}

/** The token of an ID number and name as typed: normalises both (may throw {@link LookupInputError}), then derives. */
export function deriveToken(idNumber: string, name: string, params: TokenParams): Promise<string> {
  return deriveTokenNormalized(normalizeIdNumber(idNumber), normalizeName(name), params);
}

/** A new random site salt (32 hex characters) for site.json. */
export function newSalt(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) => HEX[b]!).join('');
}
