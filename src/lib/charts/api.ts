/**
 * The static JSON API: one document per region and coverage year
 * (`/api/{year}/{code}.json`). Every figure on the site's pages comes from the same
 * stats file, so page, API and a recomputation from the published CSV agree.
 * Subsidy categories and age bands are published only under the small-cell rule.
 */
import { CHANNEL_GROUPS, type ChannelGroup } from '../aggregate.ts';
import { levelOf, parentOf, STATUSES, type Level, type Status } from '../contract.ts';
import type { SiteMeta, StatsFile } from '../publish.ts';
import { sourceLine } from './catalog.ts';
import { cumulativeSeries, periodDates } from './series.ts';
import { protectSmallCells } from './small-cells.ts';

/** Version of the API's document shape; bumped when a field changes meaning. */
export const API_VERSION = 1;

/** One day of the cumulative series. */
export interface ApiDay {
  date: string;
  /** Credited persons by the end of the day (payments dated before the period included). */
  enrolled: number;
  /** enrolled ÷ shouldEnroll, or null without a denominator. */
  rate: number | null;
}

/** A category under the small-cell rule: `count` is null and `value` "<10" or "已隐藏" when hidden. */
export interface ApiProtectedCell {
  category: string;
  count: number | null;
  value: number | string;
}

/** `/api/{year}/{code}.json`. */
export interface RegionYearApi {
  apiVersion: number;
  code: string;
  name: string;
  level: Level;
  parent: string | null;
  year: number;
  asOf: string;
  collectionPeriod: { start: string; end: string };
  shouldEnroll: number | null;
  enrolled: number;
  rate: number | null;
  /** Credited amount (status 已到账), yuan. */
  amountYuan: number;
  /** Payment rows, all statuses. */
  payments: number;
  byStatus: Record<Status, { count: number; amountYuan: number }>;
  /** Payments per channel label as exported. */
  byChannel: Record<string, number>;
  byChannelGroup: Record<ChannelGroup, number>;
  byAgeBand: ApiProtectedCell[];
  bySubsidy: ApiProtectedCell[];
  /** Cumulative credited persons per day of the collection period, up to the as-of date. */
  daily: ApiDay[];
  /** Credited persons whose payment date is before / after the collection period. */
  enrolledBeforePeriod: number;
  enrolledAfterPeriod: number;
  villages: number;
  /** 已到账 rows that are part of a 两头缴 (the same person credited in another village the same year). */
  duplicates: number;
  children: Array<{ code: string; name: string; shouldEnroll: number | null; enrolled: number; rate: number | null; pending: number; refunded: number }>;
  links: { page: string; csv: string | null; charts: string | null };
  source: string;
}

/** Money in fen as a yuan number with at most two decimals. */
function yuan(fen: number): number {
  return fen / 100;
}

/** Builds the API document of a region-year from its stats file. */
export function regionYearApi(s: StatsFile, meta: SiteMeta): RegionYearApi {
  const rate = (n: number): number | null => (s.shouldEnroll ? n / s.shouldEnroll : null);
  const dates = periodDates(s.daily);
  const village = levelOf(s.code) === 'village';
  return {
    apiVersion: API_VERSION,
    code: s.code,
    name: s.name,
    level: levelOf(s.code),
    parent: parentOf(s.code),
    year: s.year,
    asOf: meta.asOf,
    collectionPeriod: { start: s.daily.start, end: s.daily.end },
    shouldEnroll: s.shouldEnroll,
    enrolled: s.enrolled,
    rate: s.rate,
    amountYuan: yuan(s.byStatus['已到账'].amountFen),
    payments: s.rows,
    byStatus: Object.fromEntries(STATUSES.map((k) => [k, { count: s.byStatus[k].count, amountYuan: yuan(s.byStatus[k].amountFen) }])) as RegionYearApi['byStatus'],
    byChannel: s.byChannel,
    byChannelGroup: Object.fromEntries(CHANNEL_GROUPS.map((g) => [g, s.byChannelGroup[g]])) as Record<ChannelGroup, number>,
    byAgeBand: protectSmallCells(Object.entries(s.byAgeBand).map(([category, count]) => ({ category, count }))),
    bySubsidy: protectSmallCells(Object.entries(s.bySubsidy).map(([category, count]) => ({ category, count }))),
    daily: cumulativeSeries(s.daily, meta.asOf).map((enrolled, i) => ({ date: dates[i]!, enrolled, rate: rate(enrolled) })),
    enrolledBeforePeriod: s.daily.before,
    enrolledAfterPeriod: s.daily.after,
    villages: s.villages,
    duplicates: s.duplicates,
    children: s.children.map((c) => ({ code: c.code, name: c.name, shouldEnroll: c.shouldEnroll, enrolled: c.enrolled, rate: c.rate, pending: c.pending, refunded: c.refunded })),
    links: { page: `/r/${s.code}/${s.year}/`, csv: village ? `/api/${s.year}/${s.code}.csv` : null, charts: village ? null : `/charts/${s.year}/${s.code}/` },
    source: sourceLine(meta),
  };
}

/** Field documentation of {@link RegionYearApi}, printed on /api/; a test checks it lists exactly the document's keys. */
export const API_FIELDS: ReadonlyArray<{ key: keyof RegionYearApi; type: string; description: string }> = [
  { key: 'apiVersion', type: '整数', description: '接口版本，字段含义改变时加 1' },
  { key: 'code', type: '字符串', description: '12 位统计用区划代码' },
  { key: 'name', type: '字符串', description: '区划名称' },
  { key: 'level', type: '字符串', description: '级别：province / city / county / township / village' },
  { key: 'parent', type: '字符串或 null', description: '上级区划代码' },
  { key: 'year', type: '整数', description: '待遇年度' },
  { key: 'asOf', type: '日期', description: '数据截至日期（YYYY-MM-DD）' },
  { key: 'collectionPeriod', type: '对象', description: '集中征缴期 { start, end }，在待遇年度的上一年' },
  { key: 'shouldEnroll', type: '整数或 null', description: '应参保人数（参保率的分母）；没有时为 null' },
  { key: 'enrolled', type: '整数', description: '已到账人数（到账状态为“已到账”的记录数）' },
  { key: 'rate', type: '小数或 null', description: '参保率 = enrolled ÷ shouldEnroll，未四舍五入；可能大于 1（见统计口径）' },
  { key: 'amountYuan', type: '数字', description: '已到账金额，元' },
  { key: 'payments', type: '整数', description: '缴费记录数，含未到账和已退费' },
  { key: 'byStatus', type: '对象', description: '按到账状态：{ "已到账": { count, amountYuan }, "未到账": …, "已退费": … }' },
  { key: 'byChannel', type: '对象', description: '按导出的缴费渠道名称统计的记录数' },
  { key: 'byChannelGroup', type: '对象', description: '按渠道大类统计的记录数：online 线上/手机、bank 银行、counter 窗口、agent 村组代征、other 其他' },
  { key: 'byAgeBand', type: '数组', description: '已到账人员按年龄段：[{ category, count, value }]；少于 10 人时 count 为 null、value 为 "<10"，为防反推另隐藏一类时 value 为 "已隐藏"' },
  { key: 'bySubsidy', type: '数组', description: '已到账人员按资助类别（category 为空字符串表示无资助类别），小格规则同上' },
  { key: 'daily', type: '数组', description: '征缴期内每天的累计已到账人数和参保率 [{ date, enrolled, rate }]，到数据截至日期为止' },
  { key: 'enrolledBeforePeriod', type: '整数', description: '缴费日期在征缴期之前的已到账人数（计入曲线第一天）' },
  { key: 'enrolledAfterPeriod', type: '整数', description: '缴费日期在征缴期之后的已到账人数（计入 enrolled，不在 daily 中）' },
  { key: 'villages', type: '整数', description: '包含的村（社区）数，村本身为 1' },
  { key: 'duplicates', type: '整数', description: '已到账记录中属于“两头缴”的记录数（同一人同一年度在另一村也已到账）；导出没有查询码时为 0' },
  { key: 'children', type: '数组', description: '下级区划的概况 [{ code, name, shouldEnroll, enrolled, rate, pending, refunded }]' },
  { key: 'links', type: '对象', description: '页面地址 page、村的缴费明细 csv（乡镇及以上为 null）、图表页 charts（村为 null）' },
  { key: 'source', type: '字符串', description: '数据来源说明' },
];
