/**
 * The export the browser tests publish: a small county with the people the user journeys
 * look for, a village with 1,000 rows (the page-weight budget), two coverage years (the
 * year switch), and hostile text in every free-text column the contract lets through
 * (region names and channels up to 40 characters, a masked name of one character + `*`),
 * so that every page type doubles as an XSS test. Deterministic: same files every run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { idCheckChar, type TokenParams } from '../../src/lib/token.ts';

/** Each payload, if it ever ran, would set `window.__xss` to its number. */
export const XSS = {
  imgInRegion: '<img src=x onerror=window.__xss=1>',
  /** Closes a JSON-LD or inline data block and opens a script: 40 characters, the most a name may have. */
  scriptInRegion: '</script><script>window.__xss=2</script>',
  attrBreakInTown: '"><svg onload=window.__xss=3>',
  scriptInChannel: '</script><script>window.__xss=4</script>',
  imgInChannel: '"><img src=x onerror=window.__xss=5>',
  singleQuoteInChannel: "'><img src=x onerror=window.__xss=6>",
  /** The longest masked name the contract admits that starts like a tag. */
  maskedName: '<*',
} as const;

/**
 * The resident's real identity, known only to the resident (and this test): the lookup
 * page takes these, the export carries only the masked forms and the derived key.
 */
export const RESIDENT_FULL = { name: '欧阳春华', id: (() => {
  const first17 = '42058319560318002';
  return first17 + idCheckChar(first17);
})() } as const;
const RESIDENT_ID = RESIDENT_FULL.id;

/** Public token parameters of the e2e site (site.json `lookup`): the lowest cost allowed keeps the test fast. */
export const LOOKUP_PARAMS: TokenParams = { salt: 'e2e0c0ffee0000000000000000000001', iterations: 1000 };

/**
 * The resident's person_key, as `npm run anonymize` derives it from RESIDENT_FULL and
 * LOOKUP_PARAMS (kept here so writing the export stays synchronous; the lookup journey
 * derives it again with src/lib/token.ts and fails if the two ever differ).
 */
export const RESIDENT_KEY = 'bda1c3df0198694a6306124c5bd9f66a';

/** Codes and names the tests refer to. */
export const E2E = {
  county: { code: '420583000000', name: '枝江市' },
  town: { code: '420583103000', name: '顾家店镇' },
  /** The resident's village: small, readable, two years. */
  village: { code: '420583103201', name: '沙碛坪村' },
  /** 1,000 rows in 2025: the budget page. */
  big: { code: '420583103202', name: '青龙湖村', rows: 1000 },
  /** 2,500 rows in 2025: a notice long enough to be split into pages. */
  paged: { code: '420583103204', name: '岩子河村', rows: 2500 },
  xssTown: { code: '420583104000', name: XSS.attrBreakInTown },
  xssVillages: [
    { code: '420583104001', name: XSS.imgInRegion },
    { code: '420583104201', name: XSS.scriptInRegion },
  ],
  years: [2024, 2025],
  /** The resident the journeys look for: masked name and ID tail as on the notice, the status they should read. */
  resident: { name: '欧阳**', idTail: RESIDENT_ID.slice(-4), status: '未到账', amount: '400.00', year: 2025 },
  /** Row index in the big village where the resident paid a second time (两头缴). */
  duplicateAt: 500,
  /** The last row of the paged village, to be found past the first page. */
  deep: { name: '诸葛**', idTail: '9999', status: '已退费' },
  baseUrl: 'https://gongshi.example.cn',
} as const;

const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const CHANNELS = ['线上/手机', '银行', '窗口', '村组代征'];

/** A tiny linear congruential generator: reproducible without Math.random. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** An ISO date in the collection period (Sep–Dec of year - 1), by day offset 0..121. */
function collectionDate(year: number, day: number): string {
  const d = new Date(Date.UTC(year - 1, 8, 1 + day));
  return d.toISOString().slice(0, 10);
}

/** Writes the export (payments, regions, enrollment, site.json) into dir; returns dir. */
export function writeE2eExport(dir: string): string {
  const key = RESIDENT_KEY;
  const residentId = `${RESIDENT_ID.slice(0, 6)}********${RESIDENT_ID.slice(-4)}`;
  mkdirSync(dir, { recursive: true });
  const regions: string[][] = [
    ['code', 'name'],
    [E2E.county.code, E2E.county.name],
    [E2E.town.code, E2E.town.name],
    [E2E.village.code, E2E.village.name],
    [E2E.big.code, E2E.big.name],
    [E2E.paged.code, E2E.paged.name],
    [E2E.xssTown.code, E2E.xssTown.name],
    ...E2E.xssVillages.map((v) => [v.code, v.name]),
  ];
  const villages = [E2E.village.code, E2E.big.code, E2E.paged.code, ...E2E.xssVillages.map((v) => v.code)];

  const header = ['待遇年度', '区划代码', '姓名', '身份证号', '缴费金额', '缴费日期', '缴费渠道', '到账状态', '资助类别', '年龄段', '查询码'];
  const payments: string[][] = [header];
  const v = E2E.village.code;
  // The resident's village: hand-written rows, both years.
  payments.push(
    ['2024', v, '张*', '420583********123X', '380.00', '2023-10-01', '线上/手机', '已到账', '', '18-44', ''],
    ['2024', v, E2E.resident.name, residentId, '380.00', '2023-11-05', '银行', '已到账', '', '60+', key],
    ['2025', v, '张*', '420583********123X', '400.00', '2024-09-03', '线上/手机', '已到账', '', '18-44', ''],
    ['2025', v, E2E.resident.name, residentId, E2E.resident.amount, '2024-10-20', '村组代征', E2E.resident.status, '', '60+', key],
    ['2025', v, '李*', '420583********5566', '200.00', '2024-11-20', '窗口', '已退费', '低保', '45-59', ''],
    ['2025', v, '王**', '420583********7788', '400.00', '2024-12-02', '银行', '已到账', '', '0-17', ''],
  );
  // The big villages: generated rows in 2025; the paged village's last row is the "deep" person.
  const rnd = lcg(20250101);
  for (const village of [E2E.big, E2E.paged]) {
    for (let i = 0; i < village.rows; i++) {
      const deep = village.code === E2E.paged.code && i === village.rows - 1;
      // 两头缴: the resident also paid for the same year in the big village.
      if (village.code === E2E.big.code && i === E2E.duplicateAt) {
        payments.push(['2025', village.code, E2E.resident.name, residentId, '400.00', '2024-11-11', '线上/手机', '已到账', '', '60+', key]);
        continue;
      }
      const surname = SURNAMES[Math.floor(rnd() * SURNAMES.length)]!;
      const name = deep ? E2E.deep.name : surname + (rnd() < 0.7 ? '*' : '**');
      const tail = deep ? E2E.deep.idTail : String(1000 + (i % 8000)).padStart(4, '0');
      const r = rnd();
      const status = deep ? E2E.deep.status : r < 0.9 ? '已到账' : r < 0.97 ? '未到账' : '已退费';
      const day = Math.floor((i / village.rows) * 120);
      payments.push(['2025', village.code, name, `420583********${tail}`, '400.00', collectionDate(2025, day), CHANNELS[i % CHANNELS.length]!, status, '', '18-44', '']);
    }
  }
  for (let i = 0; i < 40; i++) {
    payments.push(['2024', E2E.big.code, SURNAMES[i % SURNAMES.length]! + '*', `420583********${String(2000 + i)}`, '380.00', collectionDate(2024, i * 3), CHANNELS[i % CHANNELS.length]!, '已到账', '', '18-44', '']);
  }
  // Hostile text in the channel column and the name column.
  const [x1, x2] = E2E.xssVillages;
  payments.push(
    ['2025', x1!.code, XSS.maskedName, '420583********9900', '0.00', '2024-12-01', XSS.scriptInChannel, '已到账', '特困', '60+', ''],
    ['2025', x1!.code, '赵*', '420583********1111', '400.00', '2024-10-01', XSS.imgInChannel, '已到账', '', '18-44', ''],
    ['2025', x2!.code, '钱*', '420583********2222', '400.00', '2024-10-02', XSS.singleQuoteInChannel, '未到账', '', '18-44', ''],
    ['2024', x2!.code, '孙*', '420583********3333', '380.00', '2023-10-02', '窗口', '已到账', '', '18-44', ''],
  );

  const enrollment: string[][] = [['区划代码', '待遇年度', '应参保人数']];
  const should: Record<string, [number, number]> = {
    [E2E.village.code]: [4, 5],
    [E2E.big.code]: [60, 1050],
    [E2E.paged.code]: [2400, 2600],
    [x1!.code]: [3, 3],
    [x2!.code]: [2, 2],
  };
  for (const code of villages) for (const [i, year] of E2E.years.entries()) enrollment.push([code, String(year), String(should[code]![i])]);

  writeFileSync(join(dir, 'regions.csv'), csv(regions));
  writeFileSync(join(dir, 'payments.csv'), csv(payments));
  writeFileSync(join(dir, 'enrollment.csv'), csv(enrollment));
  writeFileSync(join(dir, 'site.json'), JSON.stringify({
    siteName: '医保缴费公示',
    asOf: '2025-01-10',
    baseUrl: E2E.baseUrl,
    issuer: { [E2E.county.code]: '枝江市医疗保障局', [E2E.town.code]: '顾家店镇人民政府' },
    objection: { phone: '0717-4211234', address: '枝江市医疗保障局服务大厅', days: 7 },
    lookup: LOOKUP_PARAMS,
  }, null, 2) + '\n');
  return dir;
}
