/**
 * A province's lookup: 65,536 shards, named by all 4 published hex characters of a key.
 * A province has 75 million records; here `prefixLengthFor` is mocked to the length a
 * province gets, so the whole path runs on 1,600 records: the shards in two threads (a
 * province's default), the index, and the site's copy of the shards, padded to one size
 * (scripts/site-files.ts). One thread against two is compared at 4,096 shards
 * (tests/unit/lookup.test.ts).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeShard, findRecords, shardPrefixes } from '../../src/lib/lookup.ts';
import { tempDir } from '../helpers.ts';
import { payment, stage, VILLAGES } from '../lookup-stage-fixture.ts';

vi.mock('../../src/lib/lookup.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../src/lib/lookup.ts')>()), prefixLengthFor: () => 4 }));

let seed = 11;
const next = (): string => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0).toString(16).padStart(8, '0'));
// 1,001 rows in one village-year (row 1,001 is on the notice's page 2), 599 in the others.
// Each person has a masked ID of their own: two persons whose keys share the 4 published
// characters are told apart by it, as on the site.
const payments = Array.from({ length: 1_600 }, (_, i) =>
  payment(next() + next() + next() + next(), 2025, i < 1_001 ? VILLAGES[0]! : VILLAGES[1 + (i % 2)]!, '已到账', '张*', `420583********${String(i).padStart(4, '0')}`));

const all = shardPrefixes(4).map((p) => `${p}.bin`);
let one: Awaited<ReturnType<typeof stage>>;
beforeAll(async () => {
  one = await stage(payments, 2);
});

// The site's data module reads SITE_DATA_DIR once, when it is first loaded (by the last test).
const before = process.env.SITE_DATA_DIR;
afterAll(() => {
  if (before === undefined) delete process.env.SITE_DATA_DIR;
  else process.env.SITE_DATA_DIR = before;
});

describe('lookup shards of a province (prefix length 4)', () => {
  it('writes 65,536 shards, the largest of index.shardBytes', () => {
    expect(one.index).toMatchObject({ prefixLength: 4, shardCount: 65_536, persons: 1_600, records: 1_600 });
    expect(readdirSync(one.shardDir).sort()).toEqual(all);
    expect(Math.max(...all.map((f) => statSync(join(one.shardDir, f)).size))).toBe(one.index.shardBytes);
  });

  it('finds each record in the shard its key names, with its notice link', () => {
    let rows = 0;
    payments.forEach((p, i) => {
      const shard = decodeShard(readFileSync(join(one.shardDir, `${p.person_key!.slice(0, 4)}.bin`)));
      // The file name holds every published character: the entries hold none.
      expect(shard.entries.every((e) => e[0] === '')).toBe(true);
      const found = findRecords(shard, p.person_key!, 4, p.id_number, p.name);
      const row = i < 1_001 ? i + 1 : payments.slice(1_001, i + 1).filter((q) => q.region_code === p.region_code).length;
      expect(found.map((r) => [r.code, r.row, r.href])).toEqual([[p.region_code, row, `/r/${p.region_code}/2025/${row > 1_000 ? 'p/2/' : ''}`]]);
      rows++;
    });
    expect(rows).toBe(1_600);
  });

  it('copies every shard into the site, padded to one size, the same gzip content', async () => {
    process.env.SITE_DATA_DIR = one.dir;
    writeFileSync(join(one.dir, 'regions.json'), '[]');
    writeFileSync(join(one.dir, 'meta.json'), JSON.stringify({ tops: [], years: [] }));
    const { writeDataFiles } = await import('../../scripts/site-files.ts');
    const site = tempDir('lookup-site-');
    expect(await writeDataFiles(one.dir, site, undefined)).toBe(65_536);
    const copied = join(site, 'lookup', 's');
    expect(readdirSync(copied).sort()).toEqual(all);
    for (const f of all) {
      const served = readFileSync(join(copied, f));
      expect(served.byteLength).toBe(one.index.shardBytes);
      expect(gunzipSync(served).equals(gunzipSync(readFileSync(join(one.shardDir, f))))).toBe(true);
    }
  });
});
