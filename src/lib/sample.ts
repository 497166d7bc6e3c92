/**
 * Seeded, deterministic generator of sample notice-board data (regions, enrollment,
 * payments) for real village codes. Pure: no file system, no clock, no Math.random.
 * Every synthetic person is a pure function of (seed, village code, index), so the
 * output does not depend on the order villages are generated in, and a caller can
 * stream one village at a time (25 million rows) without holding the rest.
 * Full names and full ID numbers exist only transiently in memory: rows carry the
 * masked forms from mask.ts.
 */
import { maskIdNumber, maskName } from './mask.ts';

// ---------------------------------------------------------------------------
// Types

/** One statistical division: a 12-digit code and its (display) name. */
export interface Region {
  code: string;
  name: string;
}

/** Payment channels, in the order of the data contract. */
export const CHANNELS = ['线上/手机', '银行', '窗口', '村组代征'] as const;
/** A payment channel (缴费渠道). */
export type Channel = (typeof CHANNELS)[number];

/** Arrival states of a payment (到账状态). */
export const STATUSES = ['已到账', '未到账', '已退费'] as const;
/** An arrival state (到账状态). */
export type Status = (typeof STATUSES)[number];

/** Subsidy categories (资助类别); the empty string means not subsidised. */
export const SUBSIDY_CATEGORIES = ['特困', '孤儿', '低保', '脱贫人口'] as const;
/** A subsidy category, or '' for none. */
export type Subsidy = (typeof SUBSIDY_CATEGORIES)[number] | '';

/** Age bands (年龄段) of the data contract. */
export const AGE_BANDS = ['0-17', '18-44', '45-59', '60+'] as const;
/** An age band. */
export type AgeBand = (typeof AGE_BANDS)[number];

/** Share of each age band in the resident population the generator assumes (payers under-represent 18-44). */
export const AGE_BAND_POPULATION_SHARE: Readonly<Record<AgeBand, number>> = {
  '0-17': 0.18,
  '18-44': 0.36,
  '45-59': 0.24,
  '60+': 0.22,
};

/** Individual premium in yuan by coverage year (national minimum). */
export const PREMIUM_BY_YEAR: Readonly<Record<number, number>> = {
  2022: 320,
  2023: 350,
  2024: 380,
  2025: 400,
  2026: 400,
};

/** Share of the premium a subsidised person pays, by category. */
export const SUBSIDY_PAYS: Readonly<Record<Subsidy, number>> = {
  '': 1,
  特困: 0,
  孤儿: 0,
  低保: 0.5,
  脱贫人口: 0.7,
};

/** One row of enrollment.csv: people who should enroll in a village for a coverage year. */
export interface EnrollmentRow {
  code: string;
  year: number;
  shouldEnroll: number;
}

/** One row of payments.csv (all personal fields already masked). */
export interface PaymentRow {
  year: number;
  code: string;
  name: string;
  id: string;
  amount: string;
  date: string;
  channel: Channel;
  status: Status;
  subsidy: Subsidy;
  ageBand: AgeBand;
  key: string;
}

/** Everything generated for one village: its enrollment rows and payment rows, year by year. */
export interface VillageSample {
  code: string;
  enrollment: EnrollmentRow[];
  payments: PaymentRow[];
}

/** Options of {@link generateSample}. */
export interface SampleOptions {
  /** PRNG seed (any 32-bit integer). */
  seed: number;
  /** Coverage years (待遇年度). */
  years: readonly number[];
  /** Target payment rows per coverage year over all villages; default 1,125 per village. */
  rowsPerYear?: number;
  /** 12-digit township codes that lag in {@link SampleOptions.lagYear}; default 顾家店镇 for 枝江市, else one per county. */
  laggingTownships?: readonly string[];
  /** Coverage year in which the lagging townships are far behind (default 2025). */
  lagYear?: number;
}

// ---------------------------------------------------------------------------
// Hashing and PRNG

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hash2(a: number, b: number): number {
  return fmix((Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) + fmix(b ^ 0x27d4eb2f)) | 0);
}

/** sfc32: small fast counter PRNG with 128 bits of state. */
class Rng {
  a = 0;
  b = 0;
  c = 0;
  d = 0;
  constructor(a = 0, b = 0, c = 0, d = 0) {
    this.seed(a, b, c, d, 12);
  }
  seed(a: number, b: number, c: number, d: number, warm: number): this {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    for (let i = 0; i < warm; i++) this.u32();
    return this;
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  next(): number {
    return this.u32() / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

// ---------------------------------------------------------------------------
// Regions

/** Level of a 12-digit division code, from which digits are non-zero. */
export function regionLevel(code: string): 'province' | 'city' | 'county' | 'township' | 'village' {
  if (code.slice(9) !== '000') return 'village';
  if (code.slice(6, 9) !== '000') return 'township';
  if (code.slice(4, 6) !== '00') return 'county';
  if (code.slice(2, 4) !== '00') return 'city';
  return 'province';
}

/** Shortens an official village name as a notice board writes it: 沙碛坪村民委员会 → 沙碛坪村, 丰坪巷社区居民委员会 → 丰坪巷社区. */
export function shortVillageName(name: string): string {
  for (const suffix of ['村民委员会', '村委会']) {
    if (name.endsWith(suffix) && name.length > suffix.length) {
      const base = name.slice(0, -suffix.length);
      return base.endsWith('村') ? base : base + '村';
    }
  }
  for (const suffix of ['居民委员会', '居委会']) {
    if (name.endsWith(suffix) && name.length > suffix.length) {
      const base = name.slice(0, -suffix.length);
      return base.endsWith('社区') ? base : base + '社区';
    }
  }
  return name;
}

/** Pads a 2-, 4-, 6- or 9-digit division code to 12 digits (420583101 → 420583101000). */
export function padCode(code: string): string {
  return code.padEnd(12, '0');
}

// ---------------------------------------------------------------------------
// ID numbers, names, money, dates

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits of an ID number. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** Premium in yuan for a coverage year; years outside the table take the nearest known year. */
export function premiumFor(year: number): number {
  const known = Object.keys(PREMIUM_BY_YEAR).map(Number).sort((a, b) => a - b);
  const y = Math.min(Math.max(year, known[0]!), known[known.length - 1]!);
  return PREMIUM_BY_YEAR[y] ?? premiumFor(y - 1);
}

/** Amount a person of a subsidy category pays in a coverage year, as yuan with 2 decimals (380.00). */
export function amountFor(year: number, subsidy: Subsidy): string {
  const cents = Math.round(premiumFor(year) * 100 * SUBSIDY_PAYS[subsidy]);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Number of days in the collection period (1 Sep – 31 Dec). */
export const COLLECTION_DAYS = 122;

/** The dates (YYYY-MM-DD) of the collection period for a coverage year: 1 Sep – 31 Dec of the year before. */
export function collectionDates(year: number): string[] {
  const out: string[] = [];
  const y = year - 1;
  for (const [month, days] of [
    [9, 30],
    [10, 31],
    [11, 30],
    [12, 31],
  ] as const) {
    for (let d = 1; d <= days; d++) out.push(`${y}-${month < 10 ? '0' : ''}${month}-${d < 10 ? '0' : ''}${d}`);
  }
  return out;
}

// Surnames with approximate frequencies (per 10,000; national household register, Hubei
// names such as 熊, 向, 覃 slightly boosted) and a few compound surnames.
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 712], ['李', 700], ['张', 674], ['刘', 538], ['陈', 453], ['杨', 308], ['赵', 229],
  ['黄', 223], ['周', 168], ['吴', 167], ['徐', 131], ['孙', 126], ['胡', 134], ['朱', 109],
  ['高', 108], ['林', 103], ['何', 99], ['郭', 98], ['马', 97], ['罗', 85], ['梁', 72],
  ['宋', 67], ['郑', 66], ['谢', 62], ['韩', 60], ['唐', 56], ['冯', 55], ['于', 53],
  ['董', 52], ['肖', 51], ['程', 50], ['曹', 50], ['袁', 48], ['邓', 47], ['许', 46],
  ['傅', 45], ['沈', 45], ['曾', 44], ['彭', 43], ['吕', 43], ['苏', 41], ['卢', 41],
  ['蒋', 40], ['蔡', 39], ['贾', 37], ['丁', 37], ['魏', 36], ['薛', 33], ['叶', 33],
  ['阎', 32], ['余', 36], ['潘', 30], ['杜', 30], ['戴', 29], ['夏', 29], ['钟', 28],
  ['汪', 30], ['田', 28], ['任', 27], ['姜', 27], ['范', 26], ['方', 26], ['石', 26],
  ['姚', 25], ['谭', 25], ['廖', 24], ['邹', 24], ['熊', 34], ['金', 23], ['陆', 23],
  ['郝', 22], ['孔', 22], ['白', 21], ['崔', 21], ['康', 21], ['毛', 20], ['邱', 20],
  ['秦', 20], ['江', 19], ['史', 19], ['顾', 19], ['侯', 18], ['邵', 18], ['孟', 18],
  ['龙', 18], ['万', 19], ['段', 17], ['雷', 18], ['钱', 17], ['汤', 16], ['尹', 16],
  ['黎', 16], ['易', 17], ['常', 15], ['武', 15], ['乔', 15], ['贺', 15], ['赖', 14],
  ['龚', 15], ['文', 14], ['向', 20], ['覃', 15], ['柳', 10], ['喻', 10], ['望', 6],
  ['欧阳', 5], ['上官', 1], ['司马', 1], ['诸葛', 1],
];
const SURNAME_TOTAL = SURNAMES.reduce((s, [, w]) => s + w, 0);

const GIVEN_CHARS = Array.from(
  new Set(
    '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌辉鹏飞宇浩然子涵欣怡' +
      '雨轩晨阳思远佳琪俊婷雪慧云海波成林凤春燕德清家福荣贵琳晶宏新丹小庆金玲龙彬',
  ),
);

const CHANNEL_CUT_OLD = [0.88, 0.91, 0.94]; // 60+: more cash through the village agent and counters
const CHANNEL_CUT_OTHER = [0.95, 0.965, 0.98];
const UNPAID_BASE = 0.0009;
const UNPAID_CHANNEL_FACTOR = [1, 4, 1, 8];
const REFUND_RATE = 0.0012;
const SKIP_RATE = [0.01, 0.04, 0.012, 0.015]; // chance a present person does not pay that year, by band
const LEAVE_HAZARD = [0.025, 0.06, 0.025, 0.045]; // yearly chance of stopping for good, by band
const POOL_BAND_WEIGHTS = [0.21, 0.25, 0.25, 0.29]; // band at 2025 of the synthetic pool
const REFERENCE_YEAR = 2025;
const CHURN_START = 2023;
/** Expected share of a village pool that pays in a year (measured; used only for sizing). */
const ACTIVE_SHARE = 0.835;
const BIG_COMMUNITY_PEOPLE = 11000;

function bandIndex(age: number): number {
  return age < 18 ? 0 : age < 45 ? 1 : age < 60 ? 2 : 3;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const MASKED_NAMES: (string | undefined)[] = [];

/**
 * Person key from four hash words: 32 lowercase hex characters with no run of more than
 * 9 decimal digits, so no key can look like a mobile number (11 digits) or an ID number
 * to the privacy scanners (a 10th digit in a row becomes a letter).
 */
const KEY_CODES: number[] = new Array<number>(32).fill(48);
function personKey(w0: number, w1: number, w2: number, w3: number): string {
  let run = 0;
  let j = 0;
  for (let k = 0; k < 4; k++) {
    const w = k === 0 ? w0 : k === 1 ? w1 : k === 2 ? w2 : w3;
    for (let shift = 28; shift >= 0; shift -= 4) {
      let n = (w >>> shift) & 15;
      if (n > 9) run = 0;
      else if (++run === 10) {
        n = 10 + (n % 6);
        run = 0;
      }
      KEY_CODES[j++] = n < 10 ? 48 + n : 87 + n;
    }
  }
  return String.fromCharCode.apply(null, KEY_CODES);
}

// ---------------------------------------------------------------------------
// Villages and persons

interface VillageYear {
  year: number;
  /** Final enrollment rate the village reaches (credited ÷ should enroll). */
  rate: number;
  /** Logistic midpoint (day index from 1 Sep) and scale (days). */
  mid: number;
  scale: number;
  l0: number;
  span: number;
}

interface Village {
  code: string;
  county6: string;
  township: string;
  /** Expected people who should enroll (sizing only). */
  people: number;
  pool: number;
  /** Hash prefixes of the four person words. */
  pre: [number, number, number, number];
  years: VillageYear[];
}

interface Person {
  name: string;
  id: string;
  key: string;
  birthYear: number;
  birthNum: number;
  from: number;
  to: number;
  subsidy: Subsidy;
  w0: number;
  w1: number;
  w2: number;
  w3: number;
}

const personRng = new Rng();
const yearRng = new Rng();

function makePerson(v: Village, idx: number): Person {
  const w0 = hash2(v.pre[0], idx);
  const w1 = hash2(v.pre[1], idx);
  const w2 = hash2(v.pre[2], idx);
  const w3 = hash2(v.pre[3], idx);
  const r = personRng.seed(w0 ^ 0x5bd1e995, w1 ^ 0x1b873593, w2 ^ 0xcc9e2d51, w3 ^ 0xe6546b64, 6);
  // age band and birth date at the reference year
  let u = r.next();
  let band = 0;
  while (band < 3 && u >= POOL_BAND_WEIGHTS[band]!) u -= POOL_BAND_WEIGHTS[band++]!;
  const age =
    band === 0 ? r.int(18) : band === 1 ? 18 + r.int(27) : band === 2 ? 45 + r.int(15)
    : Math.min(99, 60 + Math.floor(-Math.log(1 - r.next()) * 11));
  const birthYear = REFERENCE_YEAR - age;
  const month = 1 + r.int(12);
  const day = 1 + r.int(daysInMonth(birthYear, month));
  const birthNum = birthYear * 10000 + month * 100 + day;
  const male = r.next() < 0.5;
  const seq = r.int(500) * 2 + (male ? 1 : 0);
  const first17 = v.county6 + String(birthNum) + String(seq).padStart(3, '0');
  const id = maskIdNumber(first17 + idCheckDigit(first17));
  // name
  let s = r.next() * SURNAME_TOTAL;
  let k = 0;
  while (k < SURNAMES.length - 1 && s >= SURNAMES[k]![1]) s -= SURNAMES[k++]![1];
  const givenLength = r.next() < (age >= 60 ? 0.3 : 0.15) ? 1 : 2;
  let full = SURNAMES[k]![0];
  for (let i = 0; i < givenLength; i++) full += GIVEN_CHARS[r.int(GIVEN_CHARS.length)]!;
  // maskName depends only on the surname and the length here (no given character
  // completes a compound surname), so its result is memoised per (surname, length).
  const slot = k * 3 + givenLength;
  const name = (MASKED_NAMES[slot] ??= maskName(full));
  // churn: some join later, everyone may stop
  const from = r.next() < 0.88 ? 0 : CHURN_START + r.int(6);
  const to = CHURN_START + Math.floor(Math.log(1 - r.next()) / Math.log(1 - LEAVE_HAZARD[band]!));
  // subsidy (persistent)
  const us = r.next();
  let subsidy: Subsidy = '';
  if (band === 0 && us < 0.004) subsidy = '孤儿';
  else if (band === 3 && us < 0.015) subsidy = '特困';
  else if (us > 1 - 0.027) subsidy = '脱贫人口';
  else if (us > 1 - 0.027 - 0.018) subsidy = '低保';
  return { name, id, key: personKey(w0, w1, w2, w3), birthYear, birthNum, from, to, subsidy, w0, w1, w2, w3 };
}

interface YearContext {
  year: number;
  dates: string[];
  amounts: Record<Subsidy, string>;
  birthLimit: number;
}

function makeYearContext(year: number): YearContext {
  const amounts = {} as Record<Subsidy, string>;
  for (const s of ['', ...SUBSIDY_CATEGORIES] as Subsidy[]) amounts[s] = amountFor(year, s);
  return { year, dates: collectionDates(year), amounts, birthLimit: (year - 1) * 10000 + 901 };
}

function dayIndex(u: number, vy: VillageYear): number {
  const lx = vy.l0 + u * vy.span;
  const t = vy.mid + vy.scale * Math.log(lx / (1 - lx));
  return t <= 0 ? 0 : t >= COLLECTION_DAYS - 1 ? COLLECTION_DAYS - 1 : Math.floor(t);
}

/** The row of a person for one year in their home village, or null when they do not pay. */
function personRow(p: Person, v: Village, yi: number, ctx: YearContext, salt: number, forced: Status | null): PaymentRow | null {
  const Y = ctx.year;
  if (forced === null && (Y < p.from || Y > p.to)) return null;
  if (p.birthNum >= ctx.birthLimit) return null;
  const r = yearRng.seed(hash2(p.w0, Y ^ salt), p.w1, p.w2 ^ salt, p.w3, 4);
  const band = bandIndex(Y - p.birthYear);
  if (forced === null && r.next() < SKIP_RATE[band]!) return null;
  let u = r.next();
  if (band === 1) u = u ** 0.8; // young adults pay later
  const vy = v.years[yi]!;
  const day = dayIndex(u, vy);
  const uc = r.next();
  const cut = band === 3 ? CHANNEL_CUT_OLD : CHANNEL_CUT_OTHER;
  const ch = uc < cut[0]! ? 0 : uc < cut[1]! ? 1 : uc < cut[2]! ? 2 : 3;
  let status: Status;
  if (forced !== null) status = forced;
  else {
    const pUnpaid = UNPAID_BASE * UNPAID_CHANNEL_FACTOR[ch]! * (day >= 91 ? 3 : 1);
    const us = r.next();
    status = us < pUnpaid ? '未到账' : us < pUnpaid + REFUND_RATE ? '已退费' : '已到账';
  }
  return {
    year: Y,
    code: v.code,
    name: p.name,
    id: p.id,
    amount: ctx.amounts[p.subsidy],
    date: ctx.dates[day]!,
    channel: CHANNELS[ch]!,
    status,
    subsidy: p.subsidy,
    ageBand: AGE_BANDS[band]!,
    key: p.key,
  };
}

function logisticYear(year: number, rate: number, mid: number, scale: number): VillageYear {
  const L = (t: number) => 1 / (1 + Math.exp(-(t - mid) / scale));
  const l0 = L(0);
  return { year, rate, mid, scale, l0, span: L(COLLECTION_DAYS) - l0 };
}

// ---------------------------------------------------------------------------
// The generator

interface DupRef {
  from: Village;
  idx: number;
  refunded: boolean;
}

/** Default coverage years. */
export const DEFAULT_YEARS: readonly number[] = [2024, 2025, 2026];

/** The lagging township of the 枝江市 scenario (顾家店镇). */
export const ZHIJIANG_LAGGING_TOWNSHIP = '420583103000';

/** Generates sample data one village at a time in code order (years, then a stable roster order; second payments from elsewhere last). */
export function* generateSample(regions: readonly Region[], options: SampleOptions): Generator<VillageSample> {
  const seed = options.seed | 0;
  const years = [...new Set(options.years)].sort((a, b) => a - b);
  const lagYear = options.lagYear ?? 2025;
  const ctxs = years.map(makeYearContext);
  const villageRegions = regions.filter((r) => regionLevel(r.code) === 'village').sort((a, b) => (a.code < b.code ? -1 : 1));
  if (villageRegions.length === 0) return;
  const rowsPerYear = options.rowsPerYear ?? villageRegions.length * 1125;

  // villages grouped by county
  const counties = new Map<string, Village[]>();
  const villages: Village[] = villageRegions.map((r) => {
    const c = r.code;
    const hi = Number(c.slice(0, 6));
    const lo = Number(c.slice(6));
    const pre = [0, 1, 2, 3].map((k) => hash2(hash2(hash2(0x51ed270b + k * 0x3c6ef372, seed), hi), lo)) as Village['pre'];
    const v: Village = { code: c, county6: c.slice(0, 6), township: c.slice(0, 9) + '000', people: 0, pool: 0, pre, years: [] };
    const list = counties.get(v.county6);
    if (list) list.push(v);
    else counties.set(v.county6, [v]);
    return v;
  });

  // sizes: log-normal, 300–3,000, one big community per county, scaled to the target
  const big = new Set<Village>();
  for (const list of counties.values()) {
    const subdistrictCommunity = list.find((v) => v.code.slice(6, 9) < '100' && v.code.slice(9) < '200');
    if (subdistrictCommunity && list.length > 1) big.add(subdistrictCommunity);
  }
  const meanRate = 0.935;
  const targetPeople = rowsPerYear / meanRate;
  let bigPeople = 0;
  for (const v of villages) {
    const r = new Rng(v.pre[0], v.pre[1], v.pre[2], 0x0ddba11);
    if (big.has(v)) {
      v.people = Math.round(BIG_COMMUNITY_PEOPLE * (v.county6 === '420583' ? r.range(0.99, 1.01) : r.range(0.8, 1.2)));
      bigPeople += v.people;
    } else {
      const community = v.code.slice(9) < '200';
      v.people = Math.exp(Math.log(community ? 1300 : 950) + 0.45 * r.normal());
    }
  }
  const rest = villages.filter((v) => !big.has(v));
  const restTarget = Math.max(targetPeople - bigPeople, rest.length * 300);
  for (let iter = 0; iter < 8; iter++) {
    const sum = rest.reduce((s, v) => s + v.people, 0);
    const f = restTarget / sum;
    for (const v of rest) v.people = Math.min(3000, Math.max(300, v.people * f));
  }
  for (const v of villages) {
    v.people = Math.round(v.people);
    v.pool = Math.round((v.people * meanRate) / ACTIVE_SHARE);
  }

  // lagging townships and over-100% villages, per county
  const lagging = new Set(options.laggingTownships ?? []);
  const overflow = new Set<string>(); // `${code}:${year}`
  for (const [county6, list] of counties) {
    const r = new Rng(hash2(seed, Number(county6)), 0x1a661e, 0x0f10, 0xc0);
    if (!options.laggingTownships) {
      if (county6 === '420583' && list.some((v) => v.township === ZHIJIANG_LAGGING_TOWNSHIP)) lagging.add(ZHIJIANG_LAGGING_TOWNSHIP);
      else {
        const counts = new Map<string, number>();
        for (const v of list) counts.set(v.township, (counts.get(v.township) ?? 0) + 1);
        const candidates = [...counts].filter(([, n]) => n >= 3).map(([t]) => t);
        if (candidates.length > 1) lagging.add(candidates[r.int(candidates.length)]!);
      }
    }
    const eligible = list.filter((v) => !big.has(v) && !lagging.has(v.township) && v.people >= 500);
    const pickFrom = eligible.length >= years.length ? eligible : list;
    const used = new Set<Village>();
    for (const y of years) {
      let v = pickFrom[r.int(pickFrom.length)]!;
      for (let tries = 0; used.has(v) && tries < 50; tries++) v = pickFrom[r.int(pickFrom.length)]!;
      used.add(v);
      overflow.add(`${v.code}:${y}`);
    }
  }

  // collection curves and final rates per village and year
  for (const v of villages) {
    const r = new Rng(v.pre[1], v.pre[2], v.pre[3], 0x5eed);
    const low = r.next() < 0.07; // a few villages end near 80%
    const baseRate = low ? r.range(0.77, 0.85) : r.range(0.89, 0.985);
    const lagsAlways = r.next() < 0.08; // some villages start late every year
    const baseMid = r.range(36, 47) + (lagsAlways ? r.range(8, 14) : 0);
    const baseScale = r.range(10, 14);
    const inLaggingTownship = lagging.has(v.township);
    v.years = years.map((y) => {
      let rate = Math.min(0.99, Math.max(0.75, baseRate + r.range(-0.012, 0.012)));
      if (overflow.has(`${v.code}:${y}`)) rate = r.range(1.02, 1.05);
      let mid = baseMid + r.range(-2.5, 2.5) + (REFERENCE_YEAR - y) * 1.5;
      let scale = baseScale + r.range(-1, 1);
      if (inLaggingTownship) {
        if (y === lagYear) {
          mid = r.range(53.5, 56);
          scale = r.range(10, 12);
        } else mid += 4;
      }
      return logisticYear(y, rate, mid, scale);
    });
  }

  // two-place payments (两头缴): persons who also paid in another village of the county
  const dups = new Map<string, DupRef[][]>(); // village code → per year index
  for (const [county6, list] of counties) {
    if (list.length < 2) continue;
    const r = new Rng(hash2(seed, Number(county6)), 0xd0b1e, 0x2, 0x3);
    const cumulative: number[] = [];
    let total = 0;
    for (const v of list) cumulative.push((total += v.pool));
    const expectedRows = total * ACTIVE_SHARE;
    const count = Math.max(Math.round(0.0005 * expectedRows), Math.min(100, Math.round(0.002 * expectedRows)));
    years.forEach((_, yi) => {
      const chosen = new Set<string>();
      for (let n = 0; n < count; n++) {
        for (let tries = 0; tries < 50; tries++) {
          const x = r.next() * total;
          let lo = 0;
          let hi = list.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (cumulative[mid]! > x) hi = mid;
            else lo = mid + 1;
          }
          const a = list[lo]!;
          const idx = r.int(a.pool);
          const tag = `${a.code}:${idx}`;
          if (chosen.has(tag)) continue;
          const home = personRow(makePerson(a, idx), a, yi, ctxs[yi]!, 0, null);
          if (!home || home.status !== '已到账') continue;
          let b = list[r.int(list.length)]!;
          while (b === a) b = list[r.int(list.length)]!;
          chosen.add(tag);
          let perYear = dups.get(b.code);
          if (!perYear) dups.set(b.code, (perYear = years.map(() => [])));
          perYear[yi]!.push({ from: a, idx, refunded: n % 2 === 0 });
          break;
        }
      }
    });
  }

  // emit village by village
  for (const v of villages) {
    const persons: Person[] = new Array(v.pool);
    for (let i = 0; i < v.pool; i++) persons[i] = makePerson(v, i);
    const enrollment: EnrollmentRow[] = [];
    const payments: PaymentRow[] = [];
    const incoming = dups.get(v.code);
    years.forEach((year, yi) => {
      const ctx = ctxs[yi]!;
      let credited = 0;
      for (let i = 0; i < persons.length; i++) {
        const row = personRow(persons[i]!, v, yi, ctx, 0, null);
        if (row) {
          payments.push(row);
          if (row.status === '已到账') credited++;
        }
      }
      for (const d of incoming?.[yi] ?? []) {
        const row = personRow(makePerson(d.from, d.idx), v, yi, ctx, 0x2d0b, d.refunded ? '已退费' : '已到账')!;
        payments.push(row);
        if (row.status === '已到账') credited++;
      }
      const rate = v.years[yi]!.rate;
      let shouldEnroll = Math.max(1, Math.round(credited / rate));
      if (rate > 1) shouldEnroll = Math.min(shouldEnroll, credited - 1);
      else shouldEnroll = Math.max(shouldEnroll, credited);
      enrollment.push({ code: v.code, year, shouldEnroll });
    });
    yield { code: v.code, enrollment, payments };
  }
}

// ---------------------------------------------------------------------------
// site.json

/** The site configuration written next to the sample CSV files. */
export interface SiteConfig {
  siteName: string;
  asOf: string;
  baseUrl: string;
  issuer: Record<string, string>;
  objection: { phone: string; address: string; days: number; byRegion?: Record<string, { phone?: string; address?: string }> };
  collection: { start: string; end: string };
  milestones: { date: string; rate: number }[];
  target: number;
}

function issuerName(level: string, name: string): string | null {
  if (level === 'township') {
    if (name.endsWith('街道')) return name + '办事处';
    if (/(镇|乡|苏木)$/.test(name)) return name + '人民政府';
    if (/(开发区|管理区|园区|新区|试验区)$/.test(name)) return name + '管理委员会';
    return name;
  }
  if (name === '市辖区' || name === '县' || name.includes('直辖')) return null;
  return name + '医疗保障局';
}

/** Builds site.json for the regions written (issuing units of each county and township, objection contact). */
export function siteConfig(regions: readonly Region[], years: readonly number[]): SiteConfig {
  const issuer: Record<string, string> = {};
  const counties: Region[] = [];
  const byCode = new Map(regions.map((r) => [r.code, r]));
  for (const r of [...regions].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    const level = regionLevel(r.code);
    if (level === 'village') continue;
    if (level === 'county') counties.push(r);
    const name = issuerName(level, r.name);
    if (name) issuer[r.code] = name;
  }
  // objection contact: the smallest region that holds every county written
  let prefix = counties[0]?.code.slice(0, 6) ?? '';
  for (const c of counties) while (!c.code.startsWith(prefix)) prefix = prefix.slice(0, prefix.length - 2);
  const holder = byCode.get(padCode(prefix));
  // (a site of several counties without their city or province: no common place, each county's own below)
  const holderName = holder && issuerName(regionLevel(holder.code), holder.name) ? holder.name : counties.length === 1 ? counties[0]!.name : '';
  const phone = prefix === '420583' ? '0717-4211234' : '12393';
  const lastYear = Math.max(...years);
  return {
    siteName: '医保缴费公示',
    asOf: `${lastYear}-01-10`,
    baseUrl: 'https://gongshi.example.cn',
    issuer,
    objection: {
      phone,
      address: holderName ? `${holderName}医疗保障局服务大厅` : '',
      days: 7,
      // several counties: each sends its residents to its own office
      ...(counties.length > 1 && { byRegion: Object.fromEntries(counties.map((c) => [c.code, { address: `${c.name}医疗保障局服务大厅` }])) }),
    },
    collection: { start: '09-01', end: '12-31' },
    milestones: [
      { date: '11-20', rate: 0.8 },
      { date: '12-20', rate: 0.95 },
    ],
    target: 0.95,
  };
}
