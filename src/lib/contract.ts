/**
 * The data contract: the files an official exports, their columns, and how each cell
 * is coerced from a string. One schema; `data/README.md` is generated from it
 * (`npm run docs:data`) and a test checks the two agree.
 */
import { z } from 'astro/zod';
import { isMaskedName, MASKED_ID_PATTERN, MOBILE_IN_TEXT } from './mask.ts';
import { DEFAULT_ITERATIONS, MIN_ITERATIONS, SALT_PATTERN } from './token.ts';

/** What a failed cell check reports: what is wrong, what was expected, how to fix it. */
export interface CellProblem {
  problem: string;
  expected: string;
  fix: string;
}

const FAIL = Symbol('fail');
/** A check's result: the coerced value or a problem. */
export type Checked<T> = T | { [FAIL]: CellProblem };

function fail(problem: string, expected: string, fix: string): { [FAIL]: CellProblem } {
  return { [FAIL]: { problem, expected, fix } };
}

/**
 * A cell rule: the check (string → value or problem) and the zod schema built from it.
 * The schema is the documented contract; the validator calls `check` directly on the
 * hot path, because zod's per-call overhead cost ~12 µs a row (80k rows/s) on real
 * exports, too slow for 25M rows. Both run the same function, so they cannot disagree.
 */
export interface Cell<T> {
  check: (value: string) => Checked<T>;
  schema: z.ZodType<T, string>;
}

/** True when a check result is a problem rather than a value. */
export function isProblem(result: unknown): result is { [FAIL]: CellProblem } {
  return typeof result === 'object' && result !== null && FAIL in result;
}

/** The problem of a failed check. */
export function problemOf(result: { [FAIL]: CellProblem }): CellProblem {
  return result[FAIL];
}

/** Makes a {@link Cell} from a check; zod issues carry the {@link CellProblem} in `params`. */
function cell<T>(check: (value: string) => Checked<T>): Cell<T> {
  const schema = z.string().transform((value, ctx): T => {
    const result = check(value);
    if (isProblem(result)) {
      const p = problemOf(result);
      ctx.issues.push({ code: 'custom', input: value, message: p.problem, params: p });
      return z.NEVER;
    }
    return result;
  });
  return { check, schema: schema as unknown as z.ZodType<T, string> };
}

/** Full-width digits and punctuation (Excel on Chinese Windows) become half-width. */
export function toHalfWidth(value: string): string {
  return /[\uFF01-\uFF5E\u3000]/.test(value) ? value.normalize('NFKC') : value;
}

// ---- cell coercions -------------------------------------------------------------

/** Payment statuses as published. */
export const STATUSES = ['已到账', '未到账', '已退费'] as const;
/** A payment status. */
export type Status = (typeof STATUSES)[number];
const STATUS_ALIASES: Record<string, Status> = {
  已到账: '已到账', 到账: '已到账', credited: '已到账',
  未到账: '未到账', pending: '未到账', 'not credited': '未到账',
  已退费: '已退费', 退费: '已退费', refunded: '已退费',
};

const yearCell = cell((raw) => {
  const v = toHalfWidth(raw).replace(/年(度)?$/, '');
  if (!/^\d{4}$/.test(v)) return fail('待遇年度格式不对', '四位数字年份，如 2025', '填写参保待遇所属年份，如 2025，不要带月份');
  const year = Number(v);
  if (year < 2000 || year > 2100) return fail('待遇年度超出范围', '2000 至 2100 之间的年份', '检查年份是否录错');
  return year;
});

/** Level of a 12-digit statistical division code. */
export type Level = 'province' | 'city' | 'county' | 'township' | 'village';

/** Level of a 12-digit code by its zero tail (国家统计局 统计用区划代码). */
export function levelOf(code: string): Level {
  if (code.endsWith('0000000000')) return 'province';
  if (code.endsWith('00000000')) return 'city';
  if (code.endsWith('000000')) return 'county';
  if (code.endsWith('000')) return 'township';
  return 'village';
}

/** Parent code of a region (the village's township, the township's county…), or null. */
export function parentOf(code: string): string | null {
  switch (levelOf(code)) {
    case 'village': return code.slice(0, 9) + '000';
    case 'township': return code.slice(0, 6) + '000000';
    case 'county': return code.slice(0, 4) + '00000000';
    case 'city': return code.slice(0, 2) + '0000000000';
    default: return null;
  }
}

const codeCell = cell((raw) => {
  const v = toHalfWidth(raw);
  if (!/^\d{12}$/.test(v)) {
    const hint = /^\d+$/.test(v) ? `（现为 ${v.length} 位）` : '';
    return fail(`区划代码不是 12 位数字${hint}`, '12 位统计用区划代码，如 420583101201', '在 Excel 中把该列设为“文本”格式，避免代码被截断或变成科学计数法，再重新导出');
  }
  return v;
});

const villageCodeCell = cell((raw) => {
  const v = codeCell.check(raw);
  if (isProblem(v) || levelOf(v) === 'village') return v;
  return fail('区划代码不是村（社区）级', '村（社区）级 12 位代码，末三位不为 000', '缴费记录和应参保人数应落到具体村（社区），不要填乡镇或县的代码');
});

const nameCell = cell((v) => {
  if (v === '') return fail('姓名为空', '脱敏后的姓名，如 张*', '补上姓名（只保留姓，其余用 * 代替）');
  if (!v.includes('*')) return fail('姓名未脱敏（个人信息不得公示）', '只保留姓，其余每个字用 * 代替，如 张*、欧阳**', '先用 npm run anonymize 处理原始导出，或按规则脱敏后再导出');
  if (!isMaskedName(v)) return fail('姓名脱敏方式不符', '只保留姓，其余每个字用 * 代替，如 张*、欧阳**（不能露出名字中的字）', '全站只用一种脱敏方式，不同方式拼起来会泄露全名：请按规则重新脱敏');
  return v;
});

const idCell = cell((raw) => {
  const v = toHalfWidth(raw).toUpperCase();
  if (/^\d{17}[\dX]$/.test(v)) return fail('身份证号未脱敏（完整号码不得公示）', '前 6 位 + 8 个 * + 后 4 位，如 420583********123X', '先用 npm run anonymize 处理原始导出，或按规则脱敏后再导出');
  if (!MASKED_ID_PATTERN.test(v)) return fail('身份证号脱敏格式不符', '18 位：前 6 位数字 + 8 个 * + 后 4 位，如 420583********123X', '全站只用一种脱敏方式：保留前 6 位和后 4 位，中间 8 位用 * 代替');
  return v;
});

const amountCell = cell((raw) => {
  const v = toHalfWidth(raw).replace(/^[¥￥]/, '').replace(/元$/, '');
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(v)) {
    if (/^-/.test(v)) return fail('缴费金额为负数', '不小于 0 的金额，单位元，最多两位小数', '退费请用“到账状态”填 已退费，金额填原缴费金额');
    return fail('缴费金额格式不对', '以元为单位的数字，最多两位小数，如 400 或 380.00', '去掉千分位逗号、文字和空格，只留数字');
  }
  const [yuan, cents = ''] = v.split('.');
  return Number(yuan) * 100 + Number(cents.padEnd(2, '0'));
});

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function isValidDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS[m - 1]!);
}

/** Parses YYYY-MM-DD, YYYY/M/D, YYYY-M-D or YYYYMMDD into an ISO date, or null. */
export function parseDate(raw: string): string | null {
  const v = toHalfWidth(raw.trim());
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(v) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  if (!isValidDate(y, mo, d)) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const dateCell = cell((v) => {
  if (v === '') return fail('缴费日期为空', '日期，如 2024-10-20、2024/10/20 或 20241020', '补上缴费日期');
  return parseDate(v) ?? fail('缴费日期不是有效日期', '日期，如 2024-10-20、2024/10/20 或 20241020', '检查月份和日是否存在（如 2 月 30 日），在 Excel 中把该列设为“文本”或“日期”格式后重新导出');
});

const channelCell = cell((v) => {
  if (v === '') return fail('缴费渠道为空', '如 线上/手机、银行、窗口、村组代征', '补上缴费渠道');
  if (Array.from(v).length > 40) return fail('缴费渠道过长', '不超过 40 个字，如 线上/手机、银行、窗口、村组代征', '只填渠道名称');
  return v;
});

const statusCell = cell((raw) => {
  const s = STATUS_ALIASES[toHalfWidth(raw).toLowerCase()];
  return s ?? fail('到账状态无法识别', '已到账、未到账 或 已退费', '只填这三种状态之一');
});

const shortText = (label: string, max: number) => cell((v) =>
  Array.from(v).length <= max ? v : fail(`${label}过长`, `不超过 ${max} 个字`, `只填${label}名称`));

const personKeyCell = cell((v) =>
  v === '' || /^[0-9a-f]{32}$/.test(v) ? v : fail('查询码格式不对', '32 位小写十六进制字符，由 npm run anonymize 生成', '不要手改查询码；重新运行 npm run anonymize 生成'));

const shouldEnrollCell = cell((raw) => {
  const v = toHalfWidth(raw).replace(/人$/, '');
  if (!/^\d{1,8}$/.test(v)) return fail('应参保人数不是非负整数', '不小于 0 的整数，如 1250', '去掉小数、逗号和文字，只留整数');
  return Number(v);
});

const regionNameCell = cell((v) => {
  if (v === '') return fail('区划名称为空', '村（社区）、乡镇（街道）或县（市、区）名称', '补上名称');
  if (Array.from(v).length > 40) return fail('区划名称过长', '不超过 40 个字', '只填名称');
  return v;
});

// ---- files ----------------------------------------------------------------------

/** One column of an export: how it is named, documented and coerced. */
export interface FieldSpec {
  /** Field name in code and in English headers. */
  key: string;
  /** Header as exported by the Chinese system. */
  label: string;
  /** Other accepted headers (matched after {@link normalizeHeader}). */
  aliases: readonly string[];
  required: boolean;
  /** Plain-language description for data/README.md. */
  description: string;
  example: string;
  cell: Cell<unknown>;
}

/** The columns of payments.csv, in the order of the Chinese export. */
export const PAYMENT_FIELDS = [
  { key: 'coverage_year', label: '待遇年度', aliases: ['年度', '参保年度'], required: true, description: '参保待遇所属年度；N 年度的保费在 N-1 年 9 月至 12 月集中征缴', example: '2025', cell: yearCell },
  { key: 'region_code', label: '区划代码', aliases: ['村社区代码', '行政区划代码'], required: true, description: '12 位统计用区划代码，须为 regions.csv 中的村（社区）', example: '420583101201', cell: villageCodeCell },
  { key: 'name', label: '姓名', aliases: [], required: true, description: '脱敏姓名：只保留姓（复姓保留两字），其余每字一个 *', example: '张*', cell: nameCell },
  { key: 'id_number', label: '身份证号', aliases: ['身份证号码', '证件号码', '公民身份号码'], required: true, description: '脱敏身份证号：前 6 位 + 8 个 * + 后 4 位', example: '420583********123X', cell: idCell },
  { key: 'amount', label: '缴费金额', aliases: ['缴费金额元', '金额'], required: true, description: '个人缴费金额，单位元，不小于 0，最多两位小数', example: '400.00', cell: amountCell },
  { key: 'paid_on', label: '缴费日期', aliases: ['缴费时间'], required: true, description: '缴费日期：YYYY-MM-DD，也接受 YYYY/M/D 和 YYYYMMDD', example: '2024-10-20', cell: dateCell },
  { key: 'channel', label: '缴费渠道', aliases: ['渠道'], required: true, description: '缴费渠道，如 线上/手机、银行、窗口、村组代征', example: '线上/手机', cell: channelCell },
  { key: 'status', label: '到账状态', aliases: ['状态'], required: true, description: '已到账、未到账 或 已退费（也接受 credited / pending / refunded）', example: '已到账', cell: statusCell },
  { key: 'subsidy', label: '资助类别', aliases: ['资助类型'], required: false, description: '可选。特困、孤儿、低保、脱贫人口等；属敏感信息，只按汇总发布', example: '低保', cell: shortText('资助类别', 20) },
  { key: 'age_band', label: '年龄段', aliases: [], required: false, description: '可选。年龄段，如 0-17、18-44、45-59、60+；只按汇总发布', example: '18-44', cell: shortText('年龄段', 16) },
  { key: 'person_key', label: '查询码', aliases: [], required: false, description: '可选。由 npm run anonymize 生成的 32 位查询码，供“我的缴费查询”使用', example: '3f9a0c4d2b7e8f10a1b2c3d4e5f60718', cell: personKeyCell },
] as const satisfies readonly FieldSpec[];

/** The columns of enrollment.csv. */
export const ENROLLMENT_FIELDS = [
  { key: 'region_code', label: '区划代码', aliases: ['村社区代码', '行政区划代码'], required: true, description: '村（社区）12 位代码', example: '420583101201', cell: villageCodeCell },
  { key: 'coverage_year', label: '待遇年度', aliases: ['年度', '参保年度'], required: true, description: '待遇年度', example: '2025', cell: yearCell },
  { key: 'should_enroll', label: '应参保人数', aliases: ['应参保'], required: true, description: '该村该年度应参加城乡居民医保的人数（参保率的分母）', example: '1250', cell: shouldEnrollCell },
] as const satisfies readonly FieldSpec[];

/** The columns of regions.csv. */
export const REGION_FIELDS = [
  { key: 'code', label: '区划代码', aliases: ['region_code', '代码'], required: true, description: '12 位统计用区划代码；上级由代码推出（县 6 位、乡镇 9 位，后补 0）', example: '420583101000', cell: codeCell },
  { key: 'name', label: '名称', aliases: ['区划名称'], required: true, description: '县（市、区）、乡镇（街道）或村（社区）名称', example: '安福寺镇', cell: regionNameCell },
] as const satisfies readonly FieldSpec[];

type CellValue<C> = C extends Cell<infer T> ? T : never;
type OutputOf<F extends readonly FieldSpec[]> = { [K in F[number] as K['key']]: K['required'] extends true ? CellValue<K['cell']> : CellValue<K['cell']> | undefined };

/** A coerced payments.csv row. `amount` is in fen (1/100 yuan) to avoid float sums. */
export type PaymentCells = OutputOf<typeof PAYMENT_FIELDS>;
/** A coerced enrollment.csv row. */
export type EnrollmentCells = OutputOf<typeof ENROLLMENT_FIELDS>;
/** A coerced regions.csv row. */
export type RegionCells = OutputOf<typeof REGION_FIELDS>;

/** The row schema of a file: an object of its cells, built from its field specs. */
export function rowSchema(fields: readonly FieldSpec[]) {
  return z.object(Object.fromEntries(fields.map((f) => [f.key, f.required ? f.cell.schema : f.cell.schema.optional()])));
}

/** The export files and their columns. */
export const FILES = {
  payments: { file: 'payments.csv', fields: PAYMENT_FIELDS, title: '缴费明细' },
  enrollment: { file: 'enrollment.csv', fields: ENROLLMENT_FIELDS, title: '应参保人数' },
  regions: { file: 'regions.csv', fields: REGION_FIELDS, title: '区划' },
} as const;

/**
 * Normalises a header for matching: full-width → half-width, no spaces, no BOM,
 * lower case, units and punctuation dropped (`缴费金额（元）` → `缴费金额元`).
 */
export function normalizeHeader(header: string): string {
  return header.normalize('NFKC').replace(/^\uFEFF/, '').toLowerCase().replace(/[\s()[\]（）【】:：_\-/]/g, '');
}

// ---- site config ----------------------------------------------------------------

// Officials read these messages (site.json problems in the data stage's report): zod's own in Chinese.
z.config(z.locales.zhCN());

/** A record keyed by 12-digit region code (site.json's `issuer`, `objection.byRegion`). */
function byRegionCode<V extends z.ZodType>(value: V) {
  return z.record(z.string().regex(/^\d{12}$/), value, { error: (issue) => (issue.code === 'invalid_key' ? '键应为 12 位区划代码' : undefined) });
}

/** The objection phone published on every notice: an office line, never someone's own mobile number. */
const MOBILE = new RegExp(MOBILE_IN_TEXT.source);
const officePhone = z.string().min(3).refine((v) => !MOBILE.test(v.replace(/[\s-]/g, '')), { error: '不要填手机号码（会公示在每张公示上）：请填办公电话，如 0717-4211234，或 12393' });

const monthDay = z.string().regex(/^\d{2}-\d{2}$/, { error: '应为 MM-DD，如 11-20' });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: '应为 YYYY-MM-DD，如 2026-01-10' }).refine((v) => parseDate(v) !== null, { error: '不是有效日期' });

/** site.json in the export folder: optional; every field has a default. */
export const SiteConfigSchema = z.object({
  siteName: z.string().min(1).default('医保缴费公示'),
  /** Public address of the site, used for canonical links and QR codes. */
  baseUrl: z.url({ error: '应为完整网址，如 https://gongshi.example.cn' }).default('https://gongshi.example.cn').transform((u) => u.replace(/\/+$/, '')),
  /** Date the export was taken (the data's "as of" date); defaults to the latest payment date. */
  asOf: isoDate.optional(),
  /** Issuing unit per region code (county or township); falls back up the hierarchy. */
  issuer: byRegionCode(z.string().min(1)).default({}),
  objection: z.object({
    phone: officePhone.default('12393'),
    address: z.string().default(''),
    /** Days the notice is posted and objections are accepted. */
    days: z.number().int().min(1).max(90).default(7),
    /**
     * A county's or township's own objection phone and place, by region code: a site of
     * several counties sends each village's residents to their own county's office. Each
     * field is looked up the hierarchy (src/lib/notice.ts, objectionFor), then falls back to
     * `phone` and `address` above.
     */
    byRegion: byRegionCode(z.object({ phone: officePhone.optional(), address: z.string().min(1).optional() }).strict()).default({}),
  }).default({ phone: '12393', address: '', days: 7, byRegion: {} }),
  collection: z.object({ start: monthDay.default('09-01'), end: monthDay.default('12-31') }).default({ start: '09-01', end: '12-31' }),
  milestones: z.array(z.object({ date: monthDay, rate: z.number().min(0).max(1.5) })).default([{ date: '11-20', rate: 0.8 }, { date: '12-20', rate: 0.95 }]),
  target: z.number().min(0).max(1.5).default(0.95),
  /**
   * Public parameters of the lookup tokens (查询码), written by `npm run anonymize` on its
   * first run; without them the lookup page is switched off. Never change them once
   * published: every resident's token would change.
   */
  lookup: z.object({
    salt: z.string().regex(SALT_PATTERN, { error: '应为 32 至 64 位小写十六进制字符，由 npm run anonymize 生成' }),
    iterations: z.number().int().min(MIN_ITERATIONS, { error: `不应小于 ${MIN_ITERATIONS}` }).max(10_000_000).default(DEFAULT_ITERATIONS),
  }).optional(),
});

/** site.json as written by an official. */
export type SiteConfigInput = z.input<typeof SiteConfigSchema>;
/** site.json with defaults applied. */
export type SiteConfig = z.output<typeof SiteConfigSchema>;
