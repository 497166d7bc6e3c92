/**
 * The lookup shards are copied into the built site by an integration (scripts/site-files.ts),
 * each page shard its share: together the shards copy every file once, byte for byte.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyLookupShards } from '../../scripts/site-files.ts';
import { shardPrefixes } from '../../src/lib/lookup.ts';
import { tempDir } from '../helpers.ts';

const work = tempDir('lookup-shards-');

/** A data stage output with 16 lookup shards of different bytes and a few regions. */
function dataDir(): string {
  const dir = join(work, 'data');
  mkdirSync(join(dir, 'lookup', 's'), { recursive: true });
  writeFileSync(join(dir, 'lookup', 'index.json'), JSON.stringify({ prefixLength: 1 }));
  for (const p of shardPrefixes(1)) writeFileSync(join(dir, 'lookup', 's', `${p}.bin`), `shard ${p}`);
  const regions = [
    { code: '420583000000', name: '枝江市', level: 3, parent: null, children: ['420583103000'], years: [2025] },
    { code: '420583103000', name: '顾家店镇', level: 4, parent: '420583000000', children: ['420583103201'], years: [2025] },
    { code: '420583103201', name: '沙碛坪村', level: 5, parent: '420583103000', children: [], years: [2025] },
  ];
  writeFileSync(join(dir, 'regions.json'), JSON.stringify(regions));
  return dir;
}

const listed = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('copyLookupShards', () => {
  const data = dataDir();
  const all = shardPrefixes(1).map((p) => `${p}.bin`);

  it('copies every shard, byte for byte, for the whole site', async () => {
    const site = join(work, 'whole');
    expect(await copyLookupShards(data, site, undefined)).toBe(16);
    expect(listed(join(site, 'lookup', 's'))).toEqual(all);
    for (const f of all) expect(readFileSync(join(site, 'lookup', 's', f), 'utf8')).toBe(readFileSync(join(data, 'lookup', 's', f), 'utf8'));
  });

  it('gives each of three page shards its share: every file once', async () => {
    const shares: string[][] = [];
    for (const k of [0, 1, 2]) {
      const site = join(work, `shard-${k}`);
      await copyLookupShards(data, site, `${k}/3`);
      shares.push(listed(join(site, 'lookup', 's')));
    }
    expect(shares.map((s) => s.length)).toEqual([6, 5, 5]);
    expect(shares.flat().sort()).toEqual(all);
  });

  it('copies nothing when the publication has no lookup', async () => {
    const site = join(work, 'none');
    expect(await copyLookupShards(join(work, 'no-data'), site, undefined)).toBe(0);
    expect(existsSync(site)).toBe(false);
  });
});
