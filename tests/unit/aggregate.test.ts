import { describe, expect, it } from 'vitest';
import { channelGroup, cumulative, rollUp, VillageAccumulator } from '../../src/lib/aggregate.ts';
import type { PaymentCells } from '../../src/lib/contract.ts';

const period = { start: '09-01', end: '12-31' };
const pay = (over: Partial<PaymentCells>): PaymentCells => ({
  coverage_year: 2025, region_code: '420583103201', name: '张*', id_number: '420583********123X', amount: 40000,
  paid_on: '2024-09-01', channel: '线上/手机', status: '已到账', age_band: undefined, subsidy: undefined, person_key: undefined, ...over,
});

describe('aggregation', () => {
  it('counts enrolled as credited rows only, and money by status', () => {
    const acc = new VillageAccumulator(period);
    acc.add(pay({}));
    acc.add(pay({ status: '未到账', amount: 20000 }));
    acc.add(pay({ status: '已退费' }));
    acc.setShouldEnroll('420583103201', 2025, 4);
    const [v] = acc.villages();
    expect(v).toMatchObject({ rows: 3, enrolled: 1, shouldEnroll: 4, rate: 0.25 });
    expect(v!.byStatus).toEqual({ 已到账: { count: 1, amountFen: 40000 }, 未到账: { count: 1, amountFen: 20000 }, 已退费: { count: 1, amountFen: 40000 } });
  });

  it('places credited payments on the day of the collection period, with before and after', () => {
    const acc = new VillageAccumulator(period);
    for (const d of ['2024-08-31', '2024-09-01', '2024-09-01', '2024-12-31', '2025-01-02']) acc.add(pay({ paid_on: d }));
    const [v] = acc.villages();
    expect(v!.daily.counts).toHaveLength(122);
    expect([v!.daily.before, v!.daily.counts[0], v!.daily.counts[121], v!.daily.after]).toEqual([1, 2, 1, 1]);
    expect(cumulative(v!.daily).at(-1)).toBe(4);
  });

  it('rolls villages up to townships and the county, keeping a rate above 100% as is', () => {
    const acc = new VillageAccumulator(period);
    acc.add(pay({ region_code: '420583103201' }));
    acc.add(pay({ region_code: '420583103201' }));
    acc.add(pay({ region_code: '420583104001', channel: '村组代征' }));
    acc.setShouldEnroll('420583103201', 2025, 1);
    acc.setShouldEnroll('420583104001', 2025, 4);
    const all = rollUp(acc.villages(), period);
    const byCode = new Map(all.map((s) => [s.code, s]));
    expect(byCode.get('420583103201')!.rate).toBe(2);
    expect(byCode.get('420583103000')).toMatchObject({ enrolled: 2, shouldEnroll: 1, villages: 1 });
    expect(byCode.get('420583000000')).toMatchObject({ enrolled: 3, shouldEnroll: 5, rate: 0.6, villages: 2 });
    expect(byCode.get('420583000000')!.byChannelGroup).toMatchObject({ online: 2, agent: 1 });
    expect(all.map((s) => s.code)).toEqual([...all.map((s) => s.code)].sort());
  });

  it('a region without 应参保人数 has no rate rather than a rate of zero', () => {
    const acc = new VillageAccumulator(period);
    acc.add(pay({}));
    expect(acc.villages()[0]!.rate).toBeNull();
  });

  it('channelGroup sorts the usual export labels', () => {
    expect(['线上/手机', '微信', '支付宝小程序', '银行', '农商行', '窗口', '村组代征', '其他'].map(channelGroup))
      .toEqual(['online', 'online', 'online', 'bank', 'bank', 'counter', 'agent', 'other']);
  });
});
