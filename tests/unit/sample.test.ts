import { describe, it, expect } from 'vitest';
import { FULL_ID_IN_TEXT, MASKED_ID_PATTERN, MOBILE_IN_TEXT, isMaskedName } from '../../src/lib/mask.ts';
import {
  AGE_BAND_POPULATION_SHARE,
  CHANNELS,
  amountFor,
  collectionDates,
  generateSample,
  idCheckDigit,
  padCode,
  premiumFor,
  regionLevel,
  shortVillageName,
  siteConfig,
  type EnrollmentRow,
  type PaymentRow,
  type Region,
} from '../../src/lib/sample.ts';
import { loadRegions } from '../../scripts/generate-sample.ts';

const YEARS = [2024, 2025, 2026];
const ZHIJIANG = loadRegions({ counties: ['420583'] });

/** FNV-1a over every emitted row, so two runs can be compared without keeping them. */
function digest(regions: readonly Region[], seed: number, years = YEARS): string {
  let h = 0x811c9dc5;
  let rows = 0;
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  };
  for (const v of generateSample(regions, { seed, years })) {
    for (const e of v.enrollment) feed(`${e.code},${e.year},${e.shouldEnroll}\n`);
    for (const p of v.payments) {
      rows++;
      feed(Object.values(p).join(',') + '\n');
    }
  }
  return `${rows}:${(h >>> 0).toString(16)}`;
}

interface Run {
  payments: PaymentRow[];
  enrollment: EnrollmentRow[];
  order: string[];
}

function run(regions: readonly Region[], seed: number): Run {
  const out: Run = { payments: [], enrollment: [], order: [] };
  for (const v of generateSample(regions, { seed, years: YEARS })) {
    out.order.push(v.code);
    for (const e of v.enrollment) out.enrollment.push(e);
    for (const p of v.payments) out.payments.push(p);
  }
  return out;
}

const share = (n: number, d: number) => (d === 0 ? 0 : n / d);

describe('helpers', () => {
  it('shortens village names the way a notice board writes them', () => {
    expect(shortVillageName('丰坪巷社区居民委员会')).toBe('丰坪巷社区');
    expect(shortVillageName('沙碛坪村民委员会')).toBe('沙碛坪村');
    expect(shortVillageName('滕家河村村民委员会')).toBe('滕家河村');
    expect(shortVillageName('金潭村委会')).toBe('金潭村');
    expect(shortVillageName('金潭村村委会')).toBe('金潭村');
    expect(shortVillageName('一居委会')).toBe('一社区');
    expect(shortVillageName('江汉社区居委会')).toBe('江汉社区');
    expect(shortVillageName('红星居民委员会')).toBe('红星社区');
    expect(shortVillageName('工矿区社区')).toBe('工矿区社区');
    expect(shortVillageName('渔场生活区')).toBe('渔场生活区');
  });

  it('computes the GB 11643 check character (ISO 7064 MOD 11-2)', () => {
    const value = (c: string) => (c === 'X' ? 10 : Number(c));
    let state = 12345;
    for (let n = 0; n < 2000; n++) {
      let first17 = '420583';
      for (let i = 0; i < 11; i++) first17 += String((state = (state * 1103515245 + 12345) >>> 0) % 10);
      const full = first17 + idCheckDigit(first17);
      // MOD 11-2: Σ a_i · 2^(17-i) over all 18 characters ≡ 1 (mod 11)
      let sum = 0;
      for (let i = 0; i < 18; i++) sum += value(full[i]!) * (2 ** (17 - i) % 11);
      expect(sum % 11).toBe(1);
    }
  });

  it('prices premiums by year and subsidy tier', () => {
    expect(premiumFor(2024)).toBe(380);
    expect(premiumFor(2027)).toBe(400);
    expect(premiumFor(2019)).toBe(320);
    expect(amountFor(2024, '')).toBe('380.00');
    expect(amountFor(2025, '')).toBe('400.00');
    expect(amountFor(2025, '低保')).toBe('200.00');
    expect(amountFor(2024, '脱贫人口')).toBe('266.00');
    expect(amountFor(2026, '特困')).toBe('0.00');
    expect(amountFor(2026, '孤儿')).toBe('0.00');
  });

  it('lists the collection period 1 Sep – 31 Dec of the year before', () => {
    const d = collectionDates(2025);
    expect(d).toHaveLength(122);
    expect(d[0]).toBe('2024-09-01');
    expect(d[49]).toBe('2024-10-20');
    expect(d.at(-1)).toBe('2024-12-31');
  });

  it('classifies and pads division codes', () => {
    expect(padCode('420583')).toBe('420583000000');
    expect(padCode('420583101')).toBe('420583101000');
    expect(regionLevel('420000000000')).toBe('province');
    expect(regionLevel('420500000000')).toBe('city');
    expect(regionLevel('420583000000')).toBe('county');
    expect(regionLevel('420583101000')).toBe('township');
    expect(regionLevel('420583101201')).toBe('village');
  });
});

describe('regions of 枝江市', () => {
  it('has the county, 9 townships and 222 villages in order', () => {
    expect(ZHIJIANG[0]).toEqual({ code: '420583000000', name: '枝江市' });
    expect(ZHIJIANG.filter((r) => regionLevel(r.code) === 'township')).toHaveLength(9);
    const villages = ZHIJIANG.filter((r) => regionLevel(r.code) === 'village');
    expect(villages).toHaveLength(222);
    expect(ZHIJIANG).toContainEqual({ code: '420583101000', name: '安福寺镇' });
    expect(ZHIJIANG).toContainEqual({ code: '420583001001', name: '丰坪巷社区' });
    expect(villages.every((v) => !v.name.endsWith('委员会') && !v.name.endsWith('委会'))).toBe(true);
    const codes = villages.map((v) => v.code);
    expect([...codes].sort()).toEqual(codes);
  });

  it('builds site.json with issuers and a landline objection phone', () => {
    const site = siteConfig(ZHIJIANG, YEARS);
    expect(site.asOf).toBe('2026-01-10');
    expect(site.issuer['420583000000']).toBe('枝江市医疗保障局');
    expect(site.issuer['420583101000']).toBe('安福寺镇人民政府');
    expect(Object.keys(site.issuer)).toHaveLength(10);
    expect(site.objection.phone).toBe('0717-4211234');
    expect(site.objection.address).toBe('枝江市医疗保障局服务大厅');
    expect(JSON.stringify(site).match(MOBILE_IN_TEXT)).toBeNull();
    expect(site.objection.byRegion).toBeUndefined();
  });

  it('gives each county of a several-county sample its own objection place', () => {
    const site = siteConfig(loadRegions({ counties: ['420503', '420583'] }), YEARS);
    expect(site.objection).toMatchObject({ phone: '12393', address: '' });
    expect(site.objection.byRegion).toEqual({
      '420503000000': { address: '伍家岗区医疗保障局服务大厅' },
      '420583000000': { address: '枝江市医疗保障局服务大厅' },
    });
  });
});

describe('determinism', () => {
  const township = ZHIJIANG.filter((r) => r.code.startsWith('420583103'));
  it('gives identical output for the same seed', () => {
    expect(digest(township, 1)).toBe(digest(township, 1));
  });
  it('gives different output for a different seed', () => {
    expect(digest(township, 1)).not.toBe(digest(township, 2));
  });
});

describe('generated data for 枝江市 (seed 1)', () => {
  const { payments, enrollment, order } = run(ZHIJIANG, 1);
  const byYear = new Map(YEARS.map((y) => [y, payments.filter((p) => p.year === y)]));
  const should = new Map(enrollment.map((e) => [`${e.code}:${e.year}`, e.shouldEnroll]));
  const credited = new Map<string, number>();
  for (const p of payments) if (p.status === '已到账') credited.set(`${p.code}:${p.year}`, (credited.get(`${p.code}:${p.year}`) ?? 0) + 1);

  it('has ~250k rows per coverage year and one enrollment row per village and year', () => {
    for (const y of YEARS) {
      expect(byYear.get(y)!.length).toBeGreaterThan(220_000);
      expect(byYear.get(y)!.length).toBeLessThan(280_000);
    }
    expect(enrollment).toHaveLength(222 * YEARS.length);
  });

  it('lists rows by village code, then year', () => {
    expect([...order].sort()).toEqual(order);
    let outOfOrder = 0;
    for (let i = 1; i < payments.length; i++) {
      const a = payments[i - 1]!;
      const b = payments[i]!;
      if (!(a.code < b.code || (a.code === b.code && a.year <= b.year))) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
  });

  it('masks every name and ID number, and never writes a full ID', () => {
    let compound = 0;
    for (const p of payments) {
      if (!isMaskedName(p.name)) throw new Error(`unmasked name ${p.name}`);
      if (!MASKED_ID_PATTERN.test(p.id) || !p.id.startsWith('420583')) throw new Error(`bad id ${p.id}`);
      if (!/^[0-9a-f]{32}$/.test(p.key)) throw new Error(`bad key ${p.key}`);
      if (p.name.startsWith('欧阳')) compound++;
    }
    expect(compound).toBeGreaterThan(10);
    // no full ID or mobile-looking number anywhere, not even inside a 查询码
    let flagged = 0;
    for (const p of payments) {
      const line = Object.values(p).join(',');
      if (/\d{10}/.test(p.key) || line.match(FULL_ID_IN_TEXT) || line.match(MOBILE_IN_TEXT)) flagged++;
    }
    expect(flagged).toBe(0);
  });

  it('keeps a person (name, ID, key) stable across years, with some churn', () => {
    const who = new Map<string, string>();
    for (const p of payments) {
      const id = `${p.name}|${p.id}`;
      const seen = who.get(p.key);
      if (seen === undefined) who.set(p.key, id);
      else if (seen !== id) throw new Error('person key maps to two people');
    }
    const home = (y: number) => new Set(byYear.get(y)!.map((p) => `${p.code}:${p.key}`));
    const a = home(2024);
    const b = home(2025);
    let kept = 0;
    for (const k of a) if (b.has(k)) kept++;
    expect(share(kept, a.size)).toBeGreaterThan(0.85);
    expect(share(kept, a.size)).toBeLessThan(0.99);
    expect(share(b.size - kept, b.size)).toBeGreaterThan(0.01);
  });

  it('dates payments within 1 Sep – 31 Dec of the year before, amounts by tier', () => {
    for (const p of payments) {
      const y = String(p.year - 1);
      if (p.date < `${y}-09-01` || p.date > `${y}-12-31`) throw new Error(`date ${p.date} outside ${p.year}`);
      if (p.amount !== amountFor(p.year, p.subsidy)) throw new Error(`amount ${p.amount} for ${p.subsidy}`);
    }
  });

  it('mixes channels about 93 / 2 / 2 / 3 %', () => {
    const n = payments.length;
    const count = (c: string) => payments.filter((p) => p.channel === c).length;
    expect(share(count('线上/手机'), n)).toBeGreaterThan(0.91);
    expect(share(count('线上/手机'), n)).toBeLessThan(0.95);
    for (const c of ['银行', '窗口']) {
      expect(share(count(c), n)).toBeGreaterThan(0.01);
      expect(share(count(c), n)).toBeLessThan(0.035);
    }
    expect(share(count('村组代征'), n)).toBeGreaterThan(0.02);
    expect(share(count('村组代征'), n)).toBeLessThan(0.045);
    expect(new Set(payments.map((p) => p.channel))).toEqual(new Set(CHANNELS));
  });

  it('has a few hundred unpaid and refunded rows per year, unpaid more often via agents and banks', () => {
    for (const y of YEARS) {
      const rows = byYear.get(y)!;
      const unpaid = rows.filter((p) => p.status === '未到账');
      const refunded = rows.filter((p) => p.status === '已退费');
      expect(unpaid.length).toBeGreaterThan(100);
      expect(unpaid.length).toBeLessThan(1000);
      expect(refunded.length).toBeGreaterThan(100);
      expect(refunded.length).toBeLessThan(1000);
    }
    const rate = (pred: (p: PaymentRow) => boolean) => {
      const rows = payments.filter(pred);
      return share(rows.filter((p) => p.status === '未到账').length, rows.length);
    };
    expect(rate((p) => p.channel === '村组代征')).toBeGreaterThan(3 * rate((p) => p.channel === '线上/手机'));
    expect(rate((p) => p.channel === '银行')).toBeGreaterThan(2 * rate((p) => p.channel === '线上/手机'));
    expect(rate((p) => p.date.slice(5) >= '12-01')).toBeGreaterThan(rate((p) => p.date.slice(5) < '12-01'));
  });

  it('subsidises about 5 %, mostly 脱贫人口 and 低保', () => {
    const sub = payments.filter((p) => p.subsidy !== '');
    expect(share(sub.length, payments.length)).toBeGreaterThan(0.03);
    expect(share(sub.length, payments.length)).toBeLessThan(0.07);
    const main = sub.filter((p) => p.subsidy === '脱贫人口' || p.subsidy === '低保').length;
    expect(share(main, sub.length)).toBeGreaterThan(0.7);
    expect(sub.some((p) => p.subsidy === '特困' && p.amount === '0.00')).toBe(true);
    expect(sub.every((p) => p.subsidy !== '孤儿' || p.ageBand === '0-17' || p.ageBand === '18-44')).toBe(true);
  });

  it('under-represents young adults among payers', () => {
    for (const y of YEARS) {
      const rows = byYear.get(y)!;
      const young = share(rows.filter((p) => p.ageBand === '18-44').length, rows.length);
      expect(young).toBeLessThan(AGE_BAND_POPULATION_SHARE['18-44'] - 0.05);
      expect(young).toBeGreaterThan(0.15);
      for (const band of ['0-17', '45-59', '60+']) expect(rows.some((p) => p.ageBand === band)).toBe(true);
    }
  });

  it('ends most villages at 88–99 %, a few lower, exactly one above 100 % per year', () => {
    for (const y of YEARS) {
      const rates = enrollment.filter((e) => e.year === y).map((e) => share(credited.get(`${e.code}:${y}`) ?? 0, e.shouldEnroll));
      expect(rates.filter((r) => r > 1)).toHaveLength(1);
      expect(share(rates.filter((r) => r >= 0.88 && r <= 0.99).length, rates.length)).toBeGreaterThan(0.75);
      expect(rates.filter((r) => r < 0.86).length).toBeGreaterThan(3);
      expect(Math.min(...rates)).toBeGreaterThan(0.7);
    }
  });

  it('sizes villages 300–3,000 with one big community of ~11,000 in 马家店街道', () => {
    const e2025 = enrollment.filter((e) => e.year === 2025).sort((a, b) => b.shouldEnroll - a.shouldEnroll);
    expect(e2025[0]!.code.startsWith('420583001')).toBe(true);
    expect(e2025[0]!.shouldEnroll).toBeGreaterThan(9_500);
    expect(e2025[0]!.shouldEnroll).toBeLessThan(12_500);
    for (const e of e2025.slice(1)) {
      expect(e.shouldEnroll).toBeGreaterThan(250);
      expect(e.shouldEnroll).toBeLessThan(3_600);
    }
  });

  it('rises along an S-curve, with 顾家店镇 lagging near 35 % on 20 Oct 2024', () => {
    const rows = byYear.get(2025)!.filter((p) => p.status === '已到账');
    const upTo = (mmdd: string) => share(rows.filter((p) => p.date.slice(5) <= mmdd).length, rows.length);
    const sep = upTo('09-30');
    const nov = upTo('11-30');
    expect(sep).toBeLessThan(0.3);
    expect(nov - sep).toBeGreaterThan(0.6);
    expect(1 - nov).toBeLessThan(0.1);
    expect(1 - nov).toBeGreaterThan(0.005);
    // township rate on 20 Oct = credited by then ÷ should enroll
    const rateOct20 = new Map<string, [number, number]>();
    for (const e of enrollment) if (e.year === 2025) {
      const t = e.code.slice(0, 9);
      const v = rateOct20.get(t) ?? [0, 0];
      v[1] += e.shouldEnroll;
      rateOct20.set(t, v);
    }
    for (const p of rows) if (p.date <= '2024-10-20') rateOct20.get(p.code.slice(0, 9))![0]++;
    for (const [t, [paid, total]] of rateOct20) {
      const r = paid / total;
      if (t === '420583103') {
        expect(r).toBeGreaterThan(0.3);
        expect(r).toBeLessThan(0.4);
      } else {
        expect(r).toBeGreaterThan(0.48);
        expect(r).toBeLessThan(0.72);
      }
    }
  });

  it('has ≥ 100 persons per year who paid in two villages, about half refunded', () => {
    for (const y of YEARS) {
      const places = new Map<string, PaymentRow[]>();
      for (const p of byYear.get(y)!) {
        const list = places.get(p.key);
        if (list) list.push(p);
        else places.set(p.key, [p]);
      }
      const twice = [...places.values()].filter((l) => l.length > 1);
      expect(twice.length).toBeGreaterThanOrEqual(100);
      expect(share(twice.length, places.size)).toBeLessThan(0.002);
      let refunded = 0;
      for (const l of twice) {
        expect(l).toHaveLength(2);
        expect(l[0]!.code).not.toBe(l[1]!.code);
        expect(l[0]!.name).toBe(l[1]!.name);
        expect(l[0]!.id).toBe(l[1]!.id);
        if (l.some((p) => p.status === '已退费')) refunded++;
      }
      expect(share(refunded, twice.length)).toBeGreaterThan(0.35);
      expect(share(refunded, twice.length)).toBeLessThan(0.7);
    }
  });
});
