/**
 * The anonymize stage, pure: a raw export row (full name, full ID number, perhaps a
 * phone column) → a row of the public payments.csv of the data contract, with the name
 * and ID masked by the one scheme (mask.ts) and the lookup token as `person_key`.
 * {@link findSurvivingRawData} is the guard: the command writes nothing when any raw
 * value would survive into the output. Issues never carry a raw value.
 */
import { PAYMENT_FIELDS, toHalfWidth } from './contract.ts';
import { makeIssue, type Issue } from './issues.ts';
import { FULL_ID_IN_TEXT, isMaskedName, maskIdNumber, maskName, MASKED_ID_PATTERN, MOBILE_IN_TEXT } from './mask.ts';
import { LookupInputError, normalizeIdNumber, normalizeName, TOKEN_PATTERN } from './token.ts';
import { mapColumns } from './validate.ts';

/** Headers of the anonymized payments.csv: the contract's Chinese labels, in contract order. */
export const OUTPUT_HEADERS: readonly string[] = PAYMENT_FIELDS.map((f) => f.label);

const OUT = Object.fromEntries(PAYMENT_FIELDS.map((f, i) => [f.key, i])) as Record<(typeof PAYMENT_FIELDS)[number]['key'], number>;

/** Where the contract's fields sit in a raw export. */
export interface RawLayout {
  file: string;
  headers: string[];
  /** Field key → column index in the raw file. */
  index: Map<string, number>;
  /** The raw file has no 年龄段 column: derive the band from the birth date in the ID number. */
  deriveAgeBand: boolean;
}

/** Maps a raw export's header row; columns outside the contract (phone, address…) are dropped and reported as warnings. */
export function planColumns(file: string, headers: string[]): { layout: RawLayout; issues: Issue[] } {
  const { columns, issues } = mapColumns(file, headers, PAYMENT_FIELDS);
  const dropped = issues.filter((i) => i.severity === 'warning').map((i) => ({ ...i, problem: '该列不在数据约定中，不会写入输出（电话、住址等个人信息就是这样被去掉的）', fix: '无需处理；如该列是数据约定中的字段，请把表头改成约定的名称' }));
  return {
    layout: { file, headers, index: columns.index, deriveAgeBand: !columns.index.has('age_band') },
    issues: [...issues.filter((i) => i.severity === 'error'), ...dropped],
  };
}

/** A raw row checked and masked, waiting for its token. Holds raw values: never print it. */
export interface PreparedRow {
  line: number;
  /** Normalised full ID number (the token's input). */
  id: string;
  /** Normalised full name (the token's input). */
  name: string;
  /** Output cells, `person_key` still empty. */
  out: string[];
  /** Every raw personal value of the row (full ID, full name, phone numbers in any column) the output must not contain. */
  secrets: string[];
}

/** The age band on 1 January of the coverage year, from the birth date in a valid ID number; '' when unknown. */
export function ageBandOf(id: string, coverageYear: string): string {
  const year = Number(/^\d{4}/.exec(toHalfWidth(coverageYear.trim()))?.[0]);
  const born = Number(id.slice(6, 10));
  if (!year || !born) return '';
  const age = year - born - (id.slice(10, 14) > '0101' ? 1 : 0);
  if (age < 0 || age > 130) return '';
  return age < 18 ? '0-17' : age < 45 ? '18-44' : age < 60 ? '45-59' : '60+';
}

function secretsOf(cells: readonly string[], id: string, name: string, rawId: string, rawName: string): string[] {
  const out = new Set<string>([id, rawId.trim().toUpperCase(), rawId.trim()]);
  for (const n of [name, rawName.trim()]) if (Array.from(n).length >= 2) out.add(n);
  for (const cell of cells) {
    for (const m of cell.matchAll(MOBILE_IN_TEXT)) out.add(m[0]);
    for (const m of cell.matchAll(FULL_ID_IN_TEXT)) out.add(m[0]).add(m[0].toUpperCase());
  }
  out.delete('');
  return [...out];
}

/**
 * Checks and masks one raw row. Returns the prepared row, or the row's issues (ragged
 * row, missing or invalid ID number or name), values shown masked.
 */
export function prepareRow(layout: RawLayout, cells: readonly string[], line: number): PreparedRow | Issue[] {
  const { file, headers, index } = layout;
  if (cells.length !== headers.length) {
    return [makeIssue({ file, line, column: '', problem: `本行有 ${cells.length} 列，表头有 ${headers.length} 列`, expected: `每行 ${headers.length} 列，与表头一致`, fix: '检查该行是否多了或少了逗号；含逗号的内容要用英文双引号括起来' })];
  }
  const cell = (key: string): string => (index.has(key) ? cells[index.get(key)!]!.trim() : '');
  const rawId = cell('id_number');
  const rawName = cell('name');
  const issues: Issue[] = [];
  let id = '';
  let name = '';
  try {
    id = normalizeIdNumber(rawId);
  } catch (err) {
    if (!(err instanceof LookupInputError)) throw err;
    // Only an 18-character value is shown (masked by the one scheme); shorter ones would show too much of themselves.
    const shown = rawId.length === 18 ? maskIdNumber(rawId) : null;
    issues.push(makeIssue({ file, line, column: headers[index.get('id_number')!]!, value: shown, problem: err.message.replace(/。$/, ''), expected: '18 位身份证号（最后一位可为 X），校验码正确', fix: '核对原始系统中的身份证号；15 位旧号码请换成 18 位' }));
  }
  try {
    name = normalizeName(rawName);
  } catch (err) {
    if (!(err instanceof LookupInputError)) throw err;
    issues.push(makeIssue({ file, line, column: headers[index.get('name')!]!, value: rawName.includes('*') ? rawName : maskName(rawName), problem: err.message.replace(/。$/, ''), expected: '身份证上的完整姓名', fix: '原始导出应含完整姓名，脱敏由本命令完成' }));
  }
  if (issues.length) return issues;

  const out = PAYMENT_FIELDS.map((f) => cell(f.key));
  out[OUT.name] = maskName(name);
  out[OUT.id_number] = maskIdNumber(id);
  out[OUT.person_key] = '';
  if (layout.deriveAgeBand) out[OUT.age_band] = ageBandOf(id, out[OUT.coverage_year]!);
  return { line, id, name, out, secrets: secretsOf(cells, id, name, rawId, rawName) };
}

/** The finished output row: the prepared row with its token as `person_key`. */
export function completeRow(row: PreparedRow, token: string): string[] {
  const out = [...row.out];
  out[OUT.person_key] = token;
  return out;
}

/**
 * The guard: problems if any raw personal value of the row survives into its output
 * cells (its full ID, full name or a phone number, verbatim anywhere; any full ID or
 * mobile number pattern outside the token), or if name, ID or token are not in their
 * one published form. Issues name the line and column, never the value.
 */
export function findSurvivingRawData(file: string, row: PreparedRow, out: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  const flag = (i: number, problem: string): void => {
    issues.push(makeIssue({ file, line: row.line, column: OUTPUT_HEADERS[i]!, problem: `${problem}（为保护个人信息，已停止，未写出任何文件）`, expected: '输出中只有脱敏姓名、脱敏身份证号和查询码', fix: '从原始导出中删去该列里的个人信息（如在“缴费渠道”里写了代收人姓名或电话），再重新运行' }));
  };
  out.forEach((cell, i) => {
    if (row.secrets.some((s) => cell.includes(s))) return flag(i, '输出会包含本行的原始个人信息（完整姓名、完整身份证号或电话号码）');
    if (i === OUT.person_key) return;
    FULL_ID_IN_TEXT.lastIndex = 0;
    MOBILE_IN_TEXT.lastIndex = 0;
    if (FULL_ID_IN_TEXT.test(cell)) return flag(i, '输出会包含完整身份证号');
    if (MOBILE_IN_TEXT.test(cell)) return flag(i, '输出会包含手机号码');
  });
  if (!isMaskedName(out[OUT.name]!)) flag(OUT.name, '姓名没有按统一规则脱敏');
  if (!MASKED_ID_PATTERN.test(out[OUT.id_number]!)) flag(OUT.id_number, '身份证号没有按统一规则脱敏');
  if (!TOKEN_PATTERN.test(out[OUT.person_key]!)) flag(OUT.person_key, '查询码格式不对');
  return issues;
}
