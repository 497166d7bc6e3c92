import { describe, expect, it } from 'vitest';
import { regionYearApi, API_FIELDS } from '../../src/lib/charts/api.ts';
import { goalAt, pickedDate, placeAtDate } from '../../src/lib/charts/at-date.ts';
import { buildChart, chartIds, passedMilestones, villagesUnder } from '../../src/lib/charts/catalog.ts';
import { displayCell, figureCsv, figureJson } from '../../src/lib/charts/figure.ts';
import { ageChart, channelsChart, statusChart, subsidyChart } from '../../src/lib/charts/mix.ts';
import { binOf, distributionChart, rankingChart, shortName } from '../../src/lib/charts/ranking.ts';
import { cumulativeSeries, enrolledAt, observedDays } from '../../src/lib/charts/series.ts';
import { protectSmallCells } from '../../src/lib/charts/small-cells.ts';
import { h, serializeSvg, textsOf, type SvgNode } from '../../src/lib/charts/svg.ts';
import { monthTicks, trendChart, type TrendInput } from '../../src/lib/charts/trend.ts';
import { yearOverYearChart } from '../../src/lib/charts/year-over-year.ts';
import { periodDates } from '../../src/lib/charts/series.ts';
import { fakeSource, makeMeta, makeStats, sCurve, seeded } from '../chart-data.ts';

const V1 = '420583103201';
const V2 = '420583103202';
const T = '420583103000';
const C = '420583000000';

/** All nodes of a tree with this tag (and class, when given). */
function find(n: SvgNode, tag: string, cls?: string): SvgNode[] {
  const self = n.tag === tag && (cls === undefined || n.attrs.class === cls) ? [n] : [];
  return [...self, ...n.children.flatMap((c) => find(c, tag, cls))];
}

function trendInput(over: Partial<TrendInput> = {}): TrendInput {
  const stats = makeStats({ code: V1, year: 2025, shouldEnroll: 400, counts: sCurve(360, 122, 55, seeded(1)) });
  return {
    uid: 't', name: '沙碛坪村', year: 2025, stats, lastYear: null,
    milestones: [{ date: '11-20', rate: 0.8 }, { date: '12-20', rate: 0.95 }], target: 0.95, asOf: '2025-01-10', source: '来源', ...over,
  };
}

describe('series', () => {
  const s = makeStats({ code: V1, year: 2025, shouldEnroll: 10, counts: [1, 2, 0, 3, ...new Array(118).fill(0)], before: 2, after: 1 });

  it('cumulativeSeries counts payments before the period from the first day and stops at the as-of date', () => {
    expect(cumulativeSeries(s.daily, '2024-09-04')).toEqual([3, 5, 5, 8]);
    expect(cumulativeSeries(s.daily, '2024-08-31')).toEqual([]);
    expect(cumulativeSeries(s.daily, '2025-06-01')).toHaveLength(122);
  });

  it('observedDays is clamped to the period', () => {
    expect([observedDays(s.daily, '2024-08-01'), observedDays(s.daily, '2024-09-01'), observedDays(s.daily, '2030-01-01')]).toEqual([0, 1, 122]);
  });

  it('enrolledAt equals the total on and after the as-of date, and the cumulative count before it', () => {
    expect(enrolledAt(s, '2024-09-02', '2025-01-10')).toBe(5);
    expect(enrolledAt(s, '2025-01-10', '2025-01-10')).toBe(s.enrolled);
    expect(s.enrolled).toBe(9);
  });
});

describe('trend chart', () => {
  it('monthTicks puts a tick on the first of each month of the period', () => {
    const dates = periodDates(makeStats({ code: V1, year: 2025, shouldEnroll: 1 }).daily);
    expect(monthTicks(dates)).toEqual([0, 30, 61, 91]);
    expect(monthTicks(['2024-10-20'])).toEqual([0]);
    expect(monthTicks([])).toEqual([]);
  });

  it('has one row per day, rates as fractions, and the milestones on their days', () => {
    const f = trendChart(trendInput());
    expect(f.rows).toHaveLength(122);
    expect(f.rows.at(-1)).toMatchObject({ date: '2024-12-31', enrolled: 360, rate: 0.9 });
    expect(f.rows.find((r) => r.date === '2024-11-20')!.milestone).toBe(0.8);
    expect(f.rows.filter((r) => r.milestone !== null)).toHaveLength(2);
    expect(f.flags).toEqual([]);
    expect(f.desc).toContain('截至12月31日已到账 360 人，参保率 90.0%');
    expect(f.desc).toContain('12月20日参保率');
  });

  it('y ticks run from 0% to 100% in steps of 20 for an ordinary year', () => {
    const labels = textsOf(find(trendChart(trendInput()).svg, 'g', 'axis axis-y')[0]!);
    expect(labels).toEqual(['0%', '20%', '40%', '60%', '80%', '100%']);
  });

  it('shows a rate above 100% (应参保人数 too low) without clipping, and flags it', () => {
    const stats = makeStats({ code: V1, year: 2025, shouldEnroll: 300, counts: sCurve(360, 122, 55, seeded(2)) });
    const f = trendChart(trendInput({ stats }));
    expect(f.flags).toContain('rate-over-100');
    expect(f.notes[0]).toMatchObject({ level: 'warn' });
    expect(f.notes[0]!.text).toContain('120.0%');
    expect(f.desc).toContain('参保率超过 100%');
    const texts = textsOf(f.svg);
    expect(texts).toContain('120.0%'); // the end label is the true value
    expect(texts).toContain('120%'); // the axis reaches it
    const dot = find(f.svg, 'circle')[0]!;
    expect(Number(dot.attrs.cy)).toBeGreaterThanOrEqual(40); // inside the plot, not above it
    expect(f.rows.at(-1)!.rate).toBeCloseTo(1.2, 10);
  });

  it('is an empty chart with a message before the collection period starts', () => {
    const f = trendChart(trendInput({ asOf: '2024-08-15' }));
    expect(f.empty).toBe(true);
    expect(f.rows).toEqual([]);
    expect(textsOf(f.svg)).toContain('征缴尚未开始，暂无数据');
    expect(find(f.svg, 'path')).toHaveLength(0);
  });

  it('draws a single day as a dot, with one row', () => {
    const stats = makeStats({ code: V1, year: 2025, shouldEnroll: 10, counts: [4], period: { start: '10-20', end: '10-20' } });
    const f = trendChart(trendInput({ stats, milestones: [] }));
    expect(f.rows).toEqual([{ date: '2024-10-20', enrolled: 4, rate: 0.4 }]);
    expect(find(f.svg, 'path', 'current')).toHaveLength(0);
    expect(find(f.svg, 'circle')).toHaveLength(1);
    expect(textsOf(f.svg)).toContain('10月20日');
    expect(f.empty).toBe(false);
  });

  it('stops the curve at the as-of date while the collection is still running', () => {
    const f = trendChart(trendInput({ asOf: '2024-10-20' }));
    expect(f.rows.at(-1)!.date).toBe('2024-10-20');
    expect(f.rows).toHaveLength(50);
    expect(f.desc).toContain('11月20日的节点目标为 80.0%');
  });

  it('adds the total as a last row when payments were credited after the period', () => {
    const stats = makeStats({ code: V1, year: 2025, shouldEnroll: 10, counts: [5, ...new Array(121).fill(0)], after: 2 });
    const f = trendChart(trendInput({ stats }));
    expect(f.rows.at(-1)).toMatchObject({ date: '2025-01-10', enrolled: 7, rate: 0.7 });
    expect(f.notes.map((n) => n.text).join('')).toContain('另有 2 人在征缴期结束后到账');
  });

  it("draws last year's curve dashed and compares on the same day", () => {
    const lastYear = makeStats({ code: V1, year: 2024, shouldEnroll: 400, counts: sCurve(380, 122, 50, seeded(3)) });
    const f = trendChart(trendInput({ lastYear }));
    expect(find(f.svg, 'path', 'last-year')).toHaveLength(1);
    expect(f.rows.at(-1)!.lastYearRate).toBe(0.95);
    expect(f.desc).toContain('上年同期参保率 95.0%');
  });

  it('falls back to counts without 应参保人数', () => {
    const stats = makeStats({ code: V1, year: 2025, shouldEnroll: null, counts: [3, ...new Array(121).fill(0)] });
    const f = trendChart(trendInput({ stats }));
    expect(f.title).toContain('累计参保人数');
    expect(f.columns.map((c) => c.key)).toEqual(['date', 'enrolled']);
    expect(f.notes[0]!.text).toContain('没有应参保人数');
  });
});

describe('year over year chart', () => {
  it('labels each year, hatches a year still collecting, and flags a rate above 100%', () => {
    const f = yearOverYearChart({
      uid: 'y', name: '沙碛坪村', target: 0.95, asOf: '2025-10-20', source: '',
      years: [{ year: 2024, shouldEnroll: 100, enrolled: 90, complete: true }, { year: 2025, shouldEnroll: 100, enrolled: 112, complete: true }, { year: 2026, shouldEnroll: 100, enrolled: 35, complete: false }],
    });
    expect(f.rows.map((r) => r.rate)).toEqual([0.9, 1.12, 0.35]);
    expect(f.flags).toEqual(['rate-over-100']);
    expect(textsOf(f.svg)).toEqual(expect.arrayContaining(['112.0%', '征缴中', '2026年度', '120%']));
    expect(f.desc).toContain('2026年度比上年下降 77.0 个百分点');
    expect(find(f.svg, 'pattern').map((p) => p.attrs.id)).toEqual(['y-over', 'y-current']);
  });

  it('is empty without years', () => {
    expect(yearOverYearChart({ uid: 'y', name: 'x', target: 0.95, asOf: '2025-01-01', source: '', years: [] }).empty).toBe(true);
  });
});

describe('ranking and distribution', () => {
  const places = [
    { code: V1, name: '沙碛坪村', enrolled: 35, shouldEnroll: 100 },
    { code: V2, name: '青龙湖村', enrolled: 96, shouldEnroll: 100 },
    { code: '420583103203', name: '没有分母的村', enrolled: 5, shouldEnroll: null },
    { code: '420583103204', name: '很长很长的村民委员会', enrolled: 110, shouldEnroll: 100 },
  ];
  const input = { uid: 'r', id: 'ranking', parentName: '顾家店镇', year: 2025, date: null, places, goal: { rate: 0.95, label: '目标' }, asOf: '2025-01-10', source: '' };

  it('ranks best first, puts places without a rate last, and gives the gap to the goal in points', () => {
    const f = rankingChart({ ...input, childLabel: '村（社区）' });
    expect(f.rows.map((r) => [r.rank, r.name, r.gap])).toEqual([[1, '很长很长的村民委员会', '已达到'], [2, '青龙湖村', '已达到'], [3, '沙碛坪村', expect.closeTo(60, 9)], [null, '没有分母的村', null]]);
    expect(f.flags).toEqual(['rate-over-100']);
    expect(textsOf(f.svg)).toEqual(expect.arrayContaining(['很长很长的…', '110.0%', '无应参保人数', '目标 95%']));
    expect(f.title).toBe('顾家店镇 2025年度各村（社区）参保率排名（截至2025年1月10日）');
  });

  it('shortName keeps short names and cuts long ones with an ellipsis', () => {
    expect([shortName('青龙湖村'), shortName('一二三四五六七')]).toEqual(['青龙湖村', '一二三四五…']);
  });

  it('binOf puts each rate in its tenth, and 100% and above together', () => {
    expect([0, 0.0999, 0.1, 0.3, 0.7, 0.95, 0.99999, 1, 1.5].map(binOf)).toEqual([0, 0, 1, 3, 7, 9, 9, 10, 10]);
  });

  it('summarises the spread: best, median, worst and the gap in points', () => {
    const f = distributionChart({ ...input, id: 'distribution' });
    expect(f.rows.map((r) => r.villages)).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1]);
    expect(f.summary).toContain('最高 110.0%（很长很长的村民委员会）');
    expect(f.summary).toContain('中位数 96.0%');
    expect(f.summary).toContain('最低 35.0%（沙碛坪村）');
    expect(f.summary).toContain('相差 75.0 个百分点');
    expect(f.summary).toContain('3 个村（社区）中 1 个低于目标');
    expect(f.notes.map((n) => n.text).join('')).toContain('1 个村（社区）没有应参保人数');
  });

  it('empty input gives empty charts, not errors', () => {
    expect(rankingChart({ ...input, places: [], childLabel: '村' }).empty).toBe(true);
    expect(distributionChart({ ...input, places: [] }).empty).toBe(true);
  });
});

describe('small cells', () => {
  it('hides 1 to 9 as "<10", keeps zero and 10', () => {
    expect(protectSmallCells([{ category: 'a', count: 0 }, { category: 'b', count: 3 }, { category: 'c', count: 9 }, { category: 'd', count: 10 }]).map((c) => c.value))
      .toEqual([0, '<10', '<10', 10]);
  });

  it('hides the next smallest cell too when only one is small, so the total cannot give it away', () => {
    const cells = protectSmallCells([{ category: '', count: 300 }, { category: '低保', count: 3 }, { category: '特困', count: 40 }]);
    expect(cells.map((c) => [c.category, c.count, c.value])).toEqual([['', 300, 300], ['低保', null, '<10'], ['特困', null, '已隐藏']]);
  });

  it('age and subsidy charts never print a small count', () => {
    const stats = makeStats({ code: V1, year: 2025, shouldEnroll: 400, counts: [320, ...new Array(121).fill(0)], subsidy: { '': 300, 低保: 3, 特困: 17 }, ageBand: { '18-44': 2, '60+': 318 } });
    for (const f of [subsidyChart({ uid: 's', name: 'x', year: 2025, stats, asOf: '2025-01-10', source: '' }), ageChart({ uid: 'a', name: 'x', year: 2025, stats, asOf: '2025-01-10', source: '' })]) {
      const all = [...textsOf(f.svg), f.desc, figureCsv(f), JSON.stringify(f.rows)].join('\n');
      expect(all).toContain('<10');
      expect(textsOf(f.svg).filter((t) => /^[23] ·/.test(t))).toEqual([]);
      expect(f.rows.some((r) => r.persons === 3 || r.persons === 2)).toBe(false);
    }
  });
});

describe('channel and status mix', () => {
  const stats = makeStats({ code: T, year: 2025, shouldEnroll: 100, counts: [80, ...new Array(121).fill(0)], pending: 15, refunded: 5, channels: { online: 60, bank: 20, counter: 10, agent: 10 } });
  const input = { uid: 'm', name: '顾家店镇', year: 2025, stats, asOf: '2025-01-10', source: '' };

  it('channels show counts and shares of all payments', () => {
    const f = channelsChart(input);
    expect(f.rows).toEqual([
      { channel: '线上/手机', payments: 60, share: 0.6 }, { channel: '银行', payments: 20, share: 0.2 },
      { channel: '窗口', payments: 10, share: 0.1 }, { channel: '村组代征', payments: 10, share: 0.1 },
    ]);
    expect(textsOf(f.svg)).toContain('60 · 60.0%');
  });

  it('status uses patterns besides colour for 未到账 and 已退费', () => {
    const f = statusChart(input);
    expect(f.rows.map((r) => [r.status, r.payments, r.amountYuan])).toEqual([['已到账', 80, 32000], ['未到账', 15, 6000], ['已退费', 5, 2000]]);
    expect(find(f.svg, 'rect').map((r) => r.attrs.fill)).toEqual(expect.arrayContaining(['url(#m-pending)', 'url(#m-refunded)']));
  });
});

describe('figures and SVG text', () => {
  it('escapes text from the CSV in the serialized SVG', () => {
    const svg = serializeSvg(h('svg', {}, h('text', { 'data-x': '"><script>' }, '<img src=x onerror=alert(1)>')));
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(svg).toContain('data-x="&quot;&gt;&lt;script&gt;"');
    expect(svg).not.toContain('<img');
  });

  it('rounds coordinates to 0.1 and never prints -0', () => {
    expect(h('line', { x1: 1.23456, x2: -0.01 }).attrs).toEqual({ x1: 1.2, x2: 0 });
  });

  it('CSV has a BOM, percentages, and defused formulas; JSON keeps fractions', () => {
    const f = rankingChart({ uid: 'r', id: 'ranking', parentName: 'p', year: 2025, date: null, childLabel: '村', goal: { rate: 0.95, label: '目标' }, asOf: '2025-01-10', source: '',
      places: [{ code: V1, name: '=HYPERLINK("x")', enrolled: 352, shouldEnroll: 1000 }] });
    const csv = figureCsv(f);
    expect(csv.startsWith('\uFEFF名次,区划代码,村,应参保人数,已到账人数,参保率（%）,距目标（百分点）\n')).toBe(true);
    expect(csv).toContain(`1,${V1},"'=HYPERLINK(""x"")",1000,352,35.2,59.8`);
    expect(JSON.parse(figureJson(f, { code: T, name: 'p', year: 2025 })).rows[0].rate).toBe(0.352);
    expect([displayCell(0.352, 'rate'), displayCell('2024-10-20', 'date'), displayCell(12345, 'count'), displayCell('<10', 'count'), displayCell(null, 'rate')])
      .toEqual(['35.2%', '10月20日', '12,345', '<10', '—']);
  });
});

describe('catalog and API', () => {
  const meta = makeMeta('2024-12-01', [2024, 2025], [C]);
  const all = [
    makeStats({ code: V1, year: 2025, name: '沙碛坪村', shouldEnroll: 100, counts: sCurve(80, 122, 50, seeded(4)), subsidy: { '': 75, 低保: 5 } }),
    makeStats({ code: V2, year: 2025, name: '青龙湖村', shouldEnroll: 50, counts: sCurve(45, 122, 40, seeded(5)) }),
    makeStats({ code: V1, year: 2024, name: '沙碛坪村', shouldEnroll: 100, counts: sCurve(90, 122, 50, seeded(6)) }),
    makeStats({ code: T, year: 2025, name: '顾家店镇', shouldEnroll: 150, counts: new Array(122).fill(1), subsidy: { '': 75, 低保: 5 } }),
    makeStats({ code: C, year: 2025, name: '枝江市', shouldEnroll: 150, counts: new Array(122).fill(1) }),
  ];
  const src = fakeSource(meta, all);

  it('only milestones in the period and before the as-of date have their own ranking', () => {
    expect(passedMilestones(meta, 2025).map((m) => m.monthDay)).toEqual(['11-20']);
    expect(chartIds(src, T, 2025)).toEqual(['trend', 'yoy', 'ranking', 'distribution', 'ranking-11-20', 'distribution-11-20', 'channels', 'status', 'subsidy']);
    expect(chartIds(src, V1, 2025)).toEqual(['trend', 'yoy']);
    expect(chartIds(src, V2, 2024)).toEqual([]);
    expect(buildChart(src, T, 2025, 'ranking-12-20')).toBeNull();
  });

  it('ranks at a milestone date against that milestone, and at the latest date against the target', () => {
    const at = buildChart(src, T, 2025, 'ranking-11-20')!;
    const latest = buildChart(src, T, 2025, 'ranking')!;
    expect(at.columns.at(-1)!.label).toBe('距11月20日节点');
    expect(latest.rows.map((r) => r.enrolled)).toEqual([45, 80]);
    const v1At = at.rows.find((r) => r.code === V1)!;
    expect(v1At.enrolled).toBe(enrolledAt(all[0]!, '2024-11-20', meta.asOf));
    expect(villagesUnder(src, C, 2025)).toEqual([V1, V2]);
  });

  it('the API document has exactly the documented fields, and protects small subsidy cells', () => {
    const api = regionYearApi(all[3]!, meta);
    expect(Object.keys(api).sort()).toEqual(API_FIELDS.map((f) => f.key).sort());
    expect(api.bySubsidy).toEqual([{ category: '', count: null, value: '已隐藏' }, { category: '低保', count: null, value: '<10' }]);
    expect(api.daily).toHaveLength(92); // 1 Sep to the as-of date 1 Dec
    expect(api.daily.at(-1)).toEqual({ date: '2024-12-01', enrolled: 92, rate: 92 / 150 });
    expect(api.links).toEqual({ page: `/r/${T}/2025/`, csv: null, charts: `/charts/2025/${T}/` });
  });
});

describe('ranking at a picked date', () => {
  const cfg = { min: '2024-09-01', max: '2024-12-31', target: 0.95, milestones: [{ date: '2024-11-20', rate: 0.8 }] };

  it('pickedDate accepts only ISO dates inside the period', () => {
    expect(['2024-10-20', '2024-08-31', '2025-01-01', '2024-13-01', '20241020', null, '2024-10-20"><script>'].map((d) => pickedDate(d, cfg)))
      .toEqual(['2024-10-20', null, null, null, null, null, null]);
  });

  it('placeAtDate reads the cumulative count of the day, and the total from the as-of date on', () => {
    const s = makeStats({ code: V1, year: 2025, name: '沙碛坪村', shouldEnroll: 10, counts: [1, 2, 3, ...new Array(119).fill(0)], after: 1 });
    const doc = regionYearApi(s, makeMeta('2025-01-10', [2025], [C]));
    expect(placeAtDate(doc, '2024-09-02')).toEqual({ code: V1, name: '沙碛坪村', enrolled: 3, shouldEnroll: 10 });
    expect(placeAtDate(doc, '2025-01-10').enrolled).toBe(7);
  });

  it('goalAt compares with the milestone of the day, else the target', () => {
    expect(goalAt(cfg, '2024-11-20')).toEqual({ rate: 0.8, label: '11月20日节点' });
    expect(goalAt(cfg, '2024-10-20')).toEqual({ rate: 0.95, label: '目标' });
  });
});
