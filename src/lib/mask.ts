/**
 * The one masking scheme used everywhere (PRODUCT.md): a name keeps its surname and
 * hides the rest with `*`; an ID number keeps its first 6 and last 4 characters.
 * Different schemes on different pages could be combined to rebuild a full ID, so
 * nothing else in the project may mask differently.
 */

/** Two-character surnames kept whole by the mask (欧阳** rather than 欧***). */
export const COMPOUND_SURNAMES: readonly string[] = [
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙',
  '宇文', '司徒', '夏侯', '轩辕', '令狐', '钟离', '端木', '独孤', '南宫', '西门',
  '申屠', '呼延', '万俟', '澹台', '公冶', '太史', '闻人', '赫连', '濮阳', '东郭',
  '百里', '司空', '单于', '拓跋', '完颜', '第五',
];

const compoundSet = new Set(COMPOUND_SURNAMES);

/** Length in characters (code points), so rare CJK characters count once. */
function chars(text: string): string[] {
  return Array.from(text);
}

/** How many leading characters of a full name the mask keeps. */
export function surnameLength(fullName: string): 1 | 2 {
  const c = chars(fullName);
  return c.length > 2 && compoundSet.has(c[0]! + c[1]!) ? 2 : 1;
}

/** Masks a full name: 张三 → 张*, 欧阳娜娜 → 欧阳**. Whitespace around the name is dropped. */
export function maskName(fullName: string): string {
  const c = chars(fullName.trim());
  if (c.length === 0) return '';
  if (c.length === 1) return c[0]! + '*';
  const keep = surnameLength(c.join(''));
  return c.slice(0, keep).join('') + '*'.repeat(c.length - keep);
}

/** True when `name` is a name masked by {@link maskName} (surname, then only `*`). */
export function isMaskedName(name: string): boolean {
  const c = chars(name);
  if (c.length < 2) return false;
  const keep = c.length > 2 && compoundSet.has(c[0]! + c[1]!) && c[1] !== '*' ? 2 : 1;
  if (c[0] === '*') return false;
  for (let i = keep; i < c.length; i++) if (c[i] !== '*') return false;
  return c.length > keep;
}

/** Masks an ID number: first 6 + 8 `*` + last 4 (420583********123X). */
export function maskIdNumber(id: string): string {
  const s = id.trim().toUpperCase();
  if (s.length <= 10) return '*'.repeat(s.length);
  return s.slice(0, 6) + '*'.repeat(Math.max(0, s.length - 10)) + s.slice(-4);
}

/** Pattern of a masked 18-character ID number. */
export const MASKED_ID_PATTERN = /^\d{6}\*{8}\d{3}[\dX]$/;

/** Pattern of a full 18-character ID number, anywhere in a text. */
export const FULL_ID_IN_TEXT = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;

/** Pattern of a mainland mobile number (1[3-9] + 9 digits), anywhere in a text. */
export const MOBILE_IN_TEXT = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/**
 * False when `text` cannot hold a match of {@link MOBILE_IN_TEXT} or {@link FULL_ID_IN_TEXT}:
 * a mobile number is a run of exactly 11 digits, a full ID number one of 17 or 18. A
 * 12-digit region code is neither, so most rows of an export are cleared without running
 * either pattern: joining a row's cells and running both over it took 9% of a one-thread
 * data stage's time (`node --cpu-prof`, ten counties).
 */
export function mayHoldPersonalNumber(text: string): boolean {
  if (text.length < 11) return false; // most cells: a year, an amount, a date, a name
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      run++;
      continue;
    }
    if (run === 11 || run >= 17) return true;
    run = 0;
  }
  return run === 11 || run >= 17;
}

/** Masks a mobile number for messages: keeps the first 3 and last 4 digits (138****5678). */
export function maskMobile(mobile: string): string {
  return mobile.slice(0, 3) + '****' + mobile.slice(-4);
}

/**
 * Makes any text safe to print in a log or error message: full ID numbers and
 * mobile numbers inside it are masked with the one scheme.
 */
export function redact(text: string): string {
  return text
    .replace(FULL_ID_IN_TEXT, (m) => maskIdNumber(m))
    .replace(MOBILE_IN_TEXT, (m) => maskMobile(m));
}
