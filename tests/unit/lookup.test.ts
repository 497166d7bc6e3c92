import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaymentCells } from '../../src/lib/contract.ts';
import { findDuplicates } from '../../src/lib/duplicates.ts';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeShard, findRecords, KEY_HEX, LARGE_SHARD_RECORDS, MAX_PREFIX_LENGTH, padGzip, prefixLengthFor, shardOf, shardPrefixes } from '../../src/lib/lookup.ts';
import { bucketRanges, parseSpillLine, spillLine, type SpillRow } from '../../scripts/lookup-stage.ts';
import { treeHash } from '../helpers.ts';
import { payment, stage, VILLAGES } from '../lookup-stage-fixture.ts';

const hexKey = fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 32, maxLength: 32 }).map((c) => c.join(''));

describe('findDuplicates', () => {
  it('flags every credited payment of a year credited in two or more villages', () => {
    const hits = findDuplicates([
      { year: 2025, code: 'A', row: 3, status: '已到账' },
      { year: 2025, code: 'B', row: 9, status: '已到账' },
      { year: 2025, code: 'C', row: 1, status: '已退费' },
      { year: 2024, code: 'A', row: 2, status: '已到账' },
    ]);
    expect(hits).toEqual([{ index: 0, others: ['B'] }, { index: 1, others: ['A'] }]);
  });

  it('does not flag a refunded or pending second payment, or two rows in one village', () => {
    expect(findDuplicates([{ year: 2025, code: 'A', row: 1, status: '已到账' }, { year: 2025, code: 'B', row: 1, status: '已退费' }])).toEqual([]);
    expect(findDuplicates([{ year: 2025, code: 'A', row: 1, status: '已到账' }, { year: 2025, code: 'B', row: 1, status: '未到账' }])).toEqual([]);
    expect(findDuplicates([{ year: 2025, code: 'A', row: 1, status: '已到账' }, { year: 2025, code: 'A', row: 2, status: '已到账' }])).toEqual([]);
  });
});

describe('padGzip', () => {
  it('pads a gzip file to any larger size and it still decompresses to the same bytes', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 0, max: 300 }), (text, extra) => {
      const gz = gzipSync(text);
      const padded = padGzip(gz, gz.byteLength + extra);
      expect(padded.byteLength).toBe(gz.byteLength + extra);
      expect(gunzipSync(padded).toString('utf8')).toBe(text);
    }), { numRuns: 300 });
    expect(() => padGzip(gzipSync('abc'), 5)).toThrow(/does not fit/);
  });
});

describe('prefixLengthFor', () => {
  it('keeps shards small and never makes more than 65,536 files (the published 4 hex characters)', () => {
    expect(prefixLengthFor(0)).toBe(1);
    expect(prefixLengthFor(1000)).toBe(1);
    expect(prefixLengthFor(2000)).toBe(2);
    expect(prefixLengthFor(750_000)).toBe(3);
    // Ten counties: 1,224 records a shard, about 30 KB.
    expect(prefixLengthFor(5_013_231)).toBe(3);
    expect(prefixLengthFor(4096 * LARGE_SHARD_RECORDS)).toBe(3);
    expect(prefixLengthFor(4096 * LARGE_SHARD_RECORDS + 1)).toBe(4);
    // A province: 1,149 records a shard instead of 18,383.
    expect(prefixLengthFor(75_294_989)).toBe(4);
    expect(MAX_PREFIX_LENGTH).toBe(KEY_HEX);
    expect(shardPrefixes(3)).toHaveLength(4096);
    expect(shardPrefixes(4)).toHaveLength(65_536);
    expect(shardPrefixes(1)).toEqual([...'0123456789abcdef']);
  });
});

describe('LookupStage', () => {
  it('writes every shard, the largest of index.shardBytes (the size the site pads them to), and every record is found in its own shard', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(hexKey, fc.constantFrom(...VILLAGES), fc.constantFrom(2024, 2025), fc.constantFrom('已到账', '未到账', '已退费') as fc.Arbitrary<PaymentCells['status']>), { minLength: 0, maxLength: 60 }), async (rows) => {
      const { shardDir, index } = await stage(rows.map(([key, code, year, status]) => payment(key, year, code, status)));
      const files = readdirSync(shardDir).sort();
      expect(files).toEqual(shardPrefixes(index.prefixLength).map((p) => `${p}.bin`));
      expect(Math.max(...files.map((f) => statSync(join(shardDir, f)).size))).toBe(index.shardBytes);
      expect(index.records).toBe(rows.length);
      for (const [key, code, year] of rows) {
        const shard = decodeShard(readFileSync(join(shardDir, `${shardOf(key, index.prefixLength)}.bin`)));
        const found = findRecords(shard, key, index.prefixLength, '420583********123X', '张*');
        expect(found.some((r) => r.code === code && r.year === year)).toBe(true);
      }
    }), { numRuns: 40 });
  });

  it('cuts 256 and 4,096 shards for bigger exports, every record in exactly one shard', async () => {
    for (const n of [2_000, 20_000]) {
      let seed = n;
      const next = (): string => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0).toString(16).padStart(8, '0'));
      const payments = Array.from({ length: n }, (_, i) => payment(next() + next() + next() + next(), 2024 + (i % 3), VILLAGES[i % 3]!, '已到账'));
      const { shardDir, index } = await stage(payments);
      expect(index.prefixLength).toBe(n === 2_000 ? 2 : 3);
      const files = readdirSync(shardDir);
      expect(files).toHaveLength(16 ** index.prefixLength);
      let total = 0;
      for (const f of files) {
        const bytes = readFileSync(join(shardDir, f));
        expect(bytes.length).toBeLessThanOrEqual(index.shardBytes);
        total += decodeShard(bytes).entries.length;
      }
      expect(total).toBe(n);
      for (const p of payments.slice(0, 50)) {
        const shard = decodeShard(readFileSync(join(shardDir, `${shardOf(p.person_key!, index.prefixLength)}.bin`)));
        expect(findRecords(shard, p.person_key!, index.prefixLength, p.id_number, p.name).some((r) => r.year === p.coverage_year)).toBe(true);
      }
    }
  });

  it('publishes only the first 4 hex characters of a key', async () => {
    const key = 'abcdef0123456789abcdef0123456789';
    const { shardDir, index } = await stage([payment(key, 2025, VILLAGES[0]!, '已到账')]);
    const text = gunzipSync(readFileSync(join(shardDir, `${key.slice(0, index.prefixLength)}.bin`))).toString('utf8');
    expect(text).not.toContain(key.slice(index.prefixLength, KEY_HEX + 1));
    expect(text).toContain(`"${key.slice(index.prefixLength, KEY_HEX)}"`);
  });

  it('finds a 两头缴 across villages, marks both rows, and links each to its notice', async () => {
    const dup = 'f00d0000000000000000000000000001';
    const payments = [
      payment('aaaa0000000000000000000000000001', 2025, VILLAGES[0]!, '已到账'),
      payment(dup, 2025, VILLAGES[0]!, '已到账', '赵**', '999001********5674'),
      payment(dup, 2025, VILLAGES[2]!, '已到账', '赵**', '999001********5674'),
      payment(dup, 2024, VILLAGES[0]!, '已到账', '赵**', '999001********5674'),
      // a stranger with the same published key but another masked ID: never shown to 赵**
      payment('f00d1111111111111111111111111111', 2025, VILLAGES[1]!, '已到账'),
    ];
    const { dir, shardDir, result, index } = await stage(payments);
    expect(index.duplicatePersons).toBe(1);
    expect([...result.duplicates].sort()).toEqual([['2025:420583103201', 1], ['2025:420583104201', 1]]);
    expect(JSON.parse(readFileSync(join(dir, 'dupes', '2025', '420583103201.json'), 'utf8'))).toEqual({ year: 2025, code: '420583103201', rows: [{ row: 2, others: ['420583104201'] }] });
    expect(JSON.parse(readFileSync(join(dir, 'dupes', '2025', '420583104201.json'), 'utf8'))).toEqual({ year: 2025, code: '420583104201', rows: [{ row: 1, others: ['420583103201'] }] });
    const shard = decodeShard(readFileSync(join(shardDir, `${shardOf(dup, index.prefixLength)}.bin`)));
    const found = findRecords(shard, dup, index.prefixLength, '999001********5674', '赵**');
    expect(found.map((r) => [r.year, r.place, r.row, r.duplicate, r.href])).toEqual([
      [2025, '顾家店镇 沙碛坪村', 2, true, '/r/420583103201/2025/'],
      [2025, '董市镇 姚家港村', 1, true, '/r/420583104201/2025/'],
      [2024, '顾家店镇 沙碛坪村', 1, false, '/r/420583103201/2024/'],
    ]);
    expect(findRecords(shard, dup, index.prefixLength, '420583********123X', '张*').map((r) => r.code)).toEqual(['420583103202']);
  });

  it('links a row beyond the first 1,000 to its notice page', async () => {
    const payments = Array.from({ length: 1001 }, (_, i) => payment(i.toString(16).padStart(32, 'a'), 2025, VILLAGES[0]!, '已到账'));
    const last = payments[1000]!.person_key!;
    const { shardDir, index } = await stage(payments);
    const shard = decodeShard(readFileSync(join(shardDir, `${shardOf(last, index.prefixLength)}.bin`)));
    const rec = findRecords(shard, last, index.prefixLength, '420583********123X', '张*').find((r) => r.row === 1001);
    expect(rec?.href).toBe('/r/420583103201/2025/p/2/');
  });

  it('is deterministic: the same payments give byte-identical shards', async () => {
    const payments = Array.from({ length: 200 }, (_, i) => payment((i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(4), 2025, VILLAGES[i % 3]!, '已到账'));
    const a = await stage(payments);
    const b = await stage(payments);
    for (const f of readdirSync(a.shardDir)) expect(readFileSync(join(a.shardDir, f)).equals(readFileSync(join(b.shardDir, f)))).toBe(true);
  });
});

describe('LookupStage across threads', () => {
  it('reads back every spilled row as it was written, whatever its channel and name hold', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '[', ']', '"', '\\', '\t', '\n', '\r', ',', '张', '*', ' ', '\u2028') });
    const row = fc.tuple(fc.stringMatching(/^[0-9a-f]{32}$/), fc.integer({ min: 2000, max: 2100 }), fc.stringMatching(/^\d{12}$/), fc.integer({ min: 1, max: 100_000 }),
      fc.constantFrom('已到账', '未到账', '已退费'), fc.integer({ min: 0, max: 999_999_999 }), fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/), text, text, fc.stringMatching(/^\d{6}\*{8}\d{3}[\dX]$/));
    fc.assert(fc.property(row, (r) => {
      const line = spillLine(r as SpillRow);
      expect(line).not.toContain('\n');
      expect(parseSpillLine(line)).toEqual(r);
    }), { numRuns: 2000 });
  });

  it('cuts the buckets into contiguous ranges that never split a shard', () => {
    for (const prefixLength of [1, 2, 3, 4]) {
      for (const jobs of [1, 2, 3, 7]) {
        const ranges = bucketRanges(prefixLength, jobs);
        expect(ranges).toHaveLength(jobs);
        expect(ranges[0]![0]).toBe(0);
        expect(ranges[ranges.length - 1]![1]).toBe(256);
        ranges.forEach(([from, to], i) => {
          expect(to).toBeGreaterThan(from);
          if (i > 0) expect(from).toBe(ranges[i - 1]![1]);
          // A shard of prefix length 1 spans 16 buckets ("a" is "a0"–"af"): a range starts at one.
          if (prefixLength === 1) expect(from % 16).toBe(0);
        });
      }
    }
    // Never more ranges than shards.
    expect(bucketRanges(1, 32)).toHaveLength(16);
  });

  it('cuts a lookup job\'s range for its threads inside that range, at shard boundaries', () => {
    for (const prefixLength of [1, 2, 3]) {
      for (const [job, jobs] of [[0, 9], [4, 9], [8, 9], [1, 3]] as const) {
        const [from, to] = bucketRanges(prefixLength, jobs)[job]!;
        const threads = bucketRanges(prefixLength, 2, from, to);
        expect(threads[0]![0]).toBe(from);
        expect(threads[threads.length - 1]![1]).toBe(to);
        threads.forEach(([a, b], i) => {
          expect(b).toBeGreaterThan(a);
          if (i > 0) expect(a).toBe(threads[i - 1]![1]);
          if (prefixLength === 1) expect(a % 16).toBe(0);
        });
      }
    }
    // A job with no buckets (more jobs than shards): one empty range.
    expect(bucketRanges(1, 2, 256, 256)).toEqual([[256, 256]]);
  });

  it('writes the same shards, 两头缴 marks and index in two or three threads as in one', async () => {
    // Keys over the whole key space, and 两头缴 of one person in two villages in each range.
    let seed = 7;
    const next = (): string => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0).toString(16).padStart(8, '0'));
    const payments = Array.from({ length: 3_000 }, (_, i) => payment(next() + next() + next() + next(), 2024 + (i % 2), VILLAGES[i % 3]!, '已到账'));
    for (const lead of ['0', '5', '9', 'e']) {
      const key = `${lead}${'1'.repeat(31)}`;
      payments.push(payment(key, 2025, VILLAGES[0]!, '已到账'), payment(key, 2025, VILLAGES[2]!, '已到账'));
    }
    const one = await stage(payments, 1);
    const two = await stage(payments, 2);
    const three = await stage(payments, 3);
    expect(one.index.duplicatePersons).toBeGreaterThanOrEqual(4);
    expect(treeHash(two.dir)).toEqual(treeHash(one.dir));
    expect(treeHash(three.dir)).toEqual(treeHash(one.dir));
    expect([...two.result.duplicates].sort()).toEqual([...one.result.duplicates].sort());
  });
});
