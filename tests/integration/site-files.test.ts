/**
 * The data files are written into the built site by an integration (scripts/site-files.ts),
 * each page shard its share. Here, the lookup shards: together the shards write every file
 * once, padded to one size. (Chart and API files are checked on built sites:
 * tests/integration/charts-api.test.ts, and the stitched shards against one build in
 * tests/integration/integrity-build.test.ts.)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDataFiles } from '../../scripts/site-files.ts';
import { LOOKUP_VERSION, padGzip, shardPrefixes } from '../../src/lib/lookup.ts';
import { addFileRecords, FILE_RECORDS_DIR, type FileRecord } from '../../src/lib/site-index.ts';
import { tempDir } from '../helpers.ts';

const work = tempDir('site-files-');

/** A data stage output with 16 lookup shards of different bytes and sizes, and regions without figures. */
function dataDir(): string {
  const dir = join(work, 'data');
  mkdirSync(join(dir, 'lookup', 's'), { recursive: true });
  const shards = shardPrefixes(1).map((p, i) => gzipSync(`shard ${p}`.repeat(i + 1)));
  writeFileSync(join(dir, 'lookup', 'index.json'), JSON.stringify({ version: LOOKUP_VERSION, prefixLength: 1, shardBytes: Math.max(...shards.map((s) => s.byteLength)) }));
  shardPrefixes(1).forEach((p, i) => writeFileSync(join(dir, 'lookup', 's', `${p}.bin`), shards[i]!));
  const regions = [
    { code: '420583000000', name: '枝江市', level: 'county', parent: null, children: ['420583103000'], years: [] },
    { code: '420583103000', name: '顾家店镇', level: 'township', parent: '420583000000', children: ['420583103201'], years: [] },
    { code: '420583103201', name: '沙碛坪村', level: 'village', parent: '420583103000', children: [], years: [] },
  ];
  writeFileSync(join(dir, 'regions.json'), JSON.stringify(regions));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ tops: ['420583000000'], years: [] }));
  return dir;
}

const data = dataDir();
// The pages' data module reads it once, when writeDataFiles first loads it.
const before = process.env.SITE_DATA_DIR;
process.env.SITE_DATA_DIR = data;
afterAll(() => {
  if (before === undefined) delete process.env.SITE_DATA_DIR;
  else process.env.SITE_DATA_DIR = before;
});
const all = shardPrefixes(1).map((p) => `${p}.bin`);
const listed = (site: string): string[] => readdirSync(join(site, 'lookup', 's')).sort();

describe('writeDataFiles', () => {
  it('copies every lookup shard for the whole site, padded to the size of the largest', async () => {
    const site = join(work, 'whole');
    expect(await writeDataFiles(data, site, undefined)).toBe(16);
    expect(listed(site)).toEqual(all);
    const { shardBytes } = JSON.parse(readFileSync(join(data, 'lookup', 'index.json'), 'utf8')) as { shardBytes: number };
    for (const f of all) {
      const served = readFileSync(join(site, 'lookup', 's', f));
      expect(served.byteLength).toBe(shardBytes);
      expect(Buffer.from(served).equals(Buffer.from(padGzip(readFileSync(join(data, 'lookup', 's', f)), shardBytes)))).toBe(true);
      expect(gunzipSync(served).toString()).toBe(gunzipSync(readFileSync(join(data, 'lookup', 's', f))).toString());
    }
  });

  it('records the size and SHA-256 of every file it writes, for the manifest', async () => {
    const site = join(work, 'recorded');
    await writeDataFiles(data, site, '1/3');
    expect(readdirSync(join(site, FILE_RECORDS_DIR))).toEqual(['1-of-3.tsv']);
    const records = new Map<string, FileRecord | null>();
    addFileRecords(readFileSync(join(site, FILE_RECORDS_DIR, '1-of-3.tsv'), 'utf8'), records);
    expect([...records.keys()].sort()).toEqual(listed(site).map((f) => `lookup/s/${f}`));
    for (const [path, r] of records) {
      const bytes = readFileSync(join(site, path));
      expect(r).toEqual({ path, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
  });

  it('gives each of three page shards its share of the lookup shards: every file once', async () => {
    const shares: string[][] = [];
    for (const k of [0, 1, 2]) {
      const site = join(work, `shard-${k}`);
      await writeDataFiles(data, site, `${k}/3`);
      shares.push(listed(site));
    }
    expect(shares.map((s) => s.length)).toEqual([6, 5, 5]);
    expect(shares.flat().sort()).toEqual(all);
  });

  it('refuses a data folder other than the one the pages read', async () => {
    await expect(writeDataFiles(join(work, 'other'), join(work, 'x'), undefined)).rejects.toThrow('set SITE_DATA_DIR before the build');
  });
});
