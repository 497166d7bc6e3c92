import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeCounts, diffCounts, diffNotices, isEmptyDiff } from '../../src/lib/corrections.ts';
import type { PublicRow } from '../../src/lib/publish.ts';

const row = (name: string, idNumber: string, amount = '400.00', status = '已到账', paidOn = '2025-10-20', channel = '线上/手机'): PublicRow =>
  ({ name, idNumber, amount, paidOn, channel, status });

const ZHANG = row('张*', '420583********123X');
const LI = row('李*', '420583********5566', '200.00', '未到账');
const WANG = row('王**', '420583********7788');

describe('diffNotices', () => {
  it('finds nothing between a notice and itself', () => {
    const d = diffNotices([ZHANG, LI, WANG], [ZHANG, LI, WANG]);
    expect(isEmptyDiff(d)).toBe(true);
    expect(d.unchanged).toBe(3);
  });

  it('reports a 未到账 that became 已到账 as a changed row with the field, before and after', () => {
    const d = diffNotices([ZHANG, LI], [ZHANG, { ...LI, status: '已到账' }]);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([{ before: { ...LI, row: 2 }, after: { ...LI, status: '已到账', row: 2 }, fields: [{ field: 'status', from: '未到账', to: '已到账' }] }]);
  });

  it('lists every field that changed, in column order', () => {
    const d = diffNotices([ZHANG], [{ ...ZHANG, amount: '380.00', channel: '窗口' }]);
    expect(d.changed[0]!.fields.map((f) => f.field)).toEqual(['amount', 'channel']);
  });

  it('always reports a row that disappears as removed, with its old 序号', () => {
    const d = diffNotices([ZHANG, LI, WANG], [ZHANG, WANG]);
    expect(d.removed).toEqual([{ ...LI, row: 2 }]);
    expect(d.changed).toEqual([]);
    expect(d.reordered).toBe(false); // 王** moved from 3 to 2 only because 李* went
  });

  it('reports a new person as added with the new 序号', () => {
    const LIU = row('刘**', '420583********8080');
    const d = diffNotices([ZHANG], [LIU, ZHANG]);
    expect(d.added).toEqual([{ ...LIU, row: 1 }]);
    expect(d.unchanged).toBe(1);
  });

  it('pairs a person\'s several rows by equal rows first, then by fewest differences', () => {
    // 王** paid twice; the first payment is refunded, the second unchanged.
    const first = row('王**', '420583********7788', '400.00', '未到账', '2024-11-21', '村组代征');
    const second = row('王**', '420583********7788', '400.00', '已到账', '2024-12-02');
    const d = diffNotices([first, second], [{ ...first, status: '已退费' }, second]);
    expect(d.unchanged).toBe(1);
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]!.before.row).toBe(1);
    expect(d.changed[0]!.fields).toEqual([{ field: 'status', from: '未到账', to: '已退费' }]);
  });

  it('reports one of a person\'s two rows as removed when only one is left, never silently', () => {
    const a = row('王**', '420583********7788', '400.00', '已到账', '2024-11-21');
    const b = row('王**', '420583********7788', '400.00', '已到账', '2024-12-02');
    const d = diffNotices([a, b], [{ ...b, status: '已退费' }]);
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]!.before.paidOn).toBe('2024-12-02'); // the closer match
    expect(d.removed).toEqual([{ ...a, row: 1 }]);
  });

  it('tells apart two people with the same masked name and ID when their 查询码 is known', () => {
    const a = row('张*', '420583********123X', '400.00', '已到账', '2024-10-01');
    const b = row('张*', '420583********123X', '400.00', '已到账', '2024-10-02');
    // Person a left, person b stayed: without keys this would look like a's row changed date.
    expect(diffNotices([a], [b]).changed).toHaveLength(1);
    const d = diffNotices([a], [b], { before: ['k1'], after: ['k2'] });
    expect(d.changed).toEqual([]);
    expect(d.removed).toEqual([{ ...a, row: 1 }]);
    expect(d.added).toEqual([{ ...b, row: 1 }]);
  });

  it('notices rows whose order changed without any other difference', () => {
    const d = diffNotices([ZHANG, LI, WANG], [WANG, ZHANG, LI]);
    expect(d.reordered).toBe(true);
    expect(isEmptyDiff(d)).toBe(false);
    expect(d.added.length + d.removed.length + d.changed.length).toBe(0);
  });

  it('pairs a very large group of one identity in 序号 order (bounded work), still accounting for every row', () => {
    const before = Array.from({ length: 100 }, (_, i) => row('张*', '420583********0001', '400.00', '未到账', `2024-10-${String(1 + (i % 28)).padStart(2, '0')}`));
    const after = [...before.slice(0, 90).map((r) => ({ ...r, status: '已到账' })), row('张*', '420583********0001', '1.00')];
    const d = diffNotices(before, after);
    expect(d.changed).toHaveLength(91);
    expect(d.removed).toHaveLength(9);
    expect(d.changed[0]!.before.row).toBe(1);
  });

  it('accounts for every row of both publications, for any two notices', () => {
    const names = fc.constantFrom('张*', '李*', '王**');
    const ids = fc.constantFrom('420583********0001', '420583********0002');
    const arb = fc.record({ name: names, idNumber: ids, amount: fc.constantFrom('400.00', '200.00'), paidOn: fc.constantFrom('2024-10-01', '2024-10-02'), channel: fc.constant('银行'), status: fc.constantFrom('已到账', '未到账', '已退费') });
    fc.assert(fc.property(fc.array(arb, { maxLength: 12 }), fc.array(arb, { maxLength: 12 }), (before, after) => {
      const d = diffNotices(before, after);
      expect(d.unchanged + d.changed.length + d.removed.length).toBe(before.length);
      expect(d.unchanged + d.changed.length + d.added.length).toBe(after.length);
      // Every old 序号 is accounted for exactly once, and every new one.
      const oldRows = [...d.removed.map((r) => r.row), ...d.changed.map((c) => c.before.row)];
      expect(new Set(oldRows).size).toBe(oldRows.length);
      for (const c of d.changed) {
        expect(c.before.name + c.before.idNumber).toBe(c.after.name + c.after.idNumber);
        expect(c.fields.length).toBeGreaterThan(0);
      }
      expect(isEmptyDiff(diffNotices(after, after))).toBe(true);
    }), { numRuns: 500 });
  });
});

describe('diffCounts and describeCounts', () => {
  it('counts fields and status transitions and says them in Chinese', () => {
    const before = [ZHANG, LI, WANG, row('赵*', '420583********1111')];
    const after = [{ ...ZHANG, amount: '200.00' }, { ...LI, status: '已到账' }, { ...WANG, status: '已退费' }, row('刘**', '420583********8080')];
    const c = diffCounts(diffNotices(before, after));
    expect(c).toEqual({ added: 1, removed: 1, changed: 3, fields: { amount: 1, status: 2 }, statuses: { '已到账→已退费': 1, '未到账→已到账': 1 }, reordered: false });
    expect(describeCounts(c)).toBe('新增 1 条，删除 1 条，修改 3 条（缴费金额 1 条；到账状态 2 条：已到账→已退费 1，未到账→已到账 1）');
  });

  it('says when nothing but the order changed', () => {
    expect(describeCounts(diffCounts(diffNotices([ZHANG, LI], [LI, ZHANG])))).toBe('序号顺序有调整');
  });
});
