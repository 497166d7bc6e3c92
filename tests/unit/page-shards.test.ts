/**
 * How pages are split between Astro builds that run at once, and how their folders are
 * stitched back into one site.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageShardCount, parsePageShard, shardFilter, shardHeapMb, townshipPart, townshipShards, wholeCounties } from '../../src/lib/page-shards.ts';
import { levelOf } from '../../src/lib/contract.ts';
import type { PublishedRegion } from '../../src/lib/publish.ts';
import { mergeTree, stitchShards } from '../../scripts/build-pages.ts';
import { tempDir, treeHash } from '../helpers.ts';

function region(code: string, years = [2025, 2026]): PublishedRegion {
  return { code, name: code, level: levelOf(code), parent: null, children: [], years };
}

/** Two counties: one of 3 townships with 4 villages each, one of 2 townships with 10 villages each. */
const REGIONS: PublishedRegion[] = [
  region('420000000000'), region('420500000000'), region('420583000000'), region('420600000000'), region('420683000000'),
  ...[101, 102, 103].flatMap((t) => [region(`420583${t}000`), ...[1, 2, 3, 4].map((v) => region(`420583${t}${String(200 + v)}`))]),
  ...[201, 202].flatMap((t) => [region(`420683${t}000`), ...Array.from({ length: 10 }, (_, v) => region(`420683${t}${String(201 + v)}`))]),
];

describe('page shards', () => {
  it('reads k/n and refuses anything else', () => {
    expect(parsePageShard(undefined)).toBeNull();
    expect(parsePageShard('')).toBeNull();
    expect(parsePageShard('1/3')).toEqual({ index: 1, count: 3 });
    for (const bad of ['3/3', '-1/2', '1', 'a/b', '0/0']) expect(() => parsePageShard(bad), bad).toThrow(/PAGE_SHARD/);
  });

  it('puts a township and its villages in one shard, and the levels above it in shard 0', () => {
    expect(townshipPart('420583101203')).toBe('420583101');
    expect(townshipPart('420583101000')).toBe('420583101');
    expect(townshipPart('420583000000')).toBeNull();
    for (const count of [2, 3]) {
      const filters = Array.from({ length: count }, (_, index) => shardFilter(REGIONS, { index, count }));
      for (const r of REGIONS) {
        const owners = filters.flatMap((f, i) => (f.region(r.code) ? [i] : []));
        expect(owners, r.code).toHaveLength(1);
        if (r.level === 'village') expect(owners).toEqual(filters.flatMap((f, i) => (f.region(`${r.code.slice(0, 9)}000`) ? [i] : [])));
        if (townshipPart(r.code) === null) expect(owners).toEqual([0]);
      }
      expect(filters.map((f) => f.site())).toEqual([true, ...Array(count - 1).fill(false)]);
      // Numbered files (lookup shards) are spread: each position has exactly one owner.
      for (let i = 0; i < 20; i++) expect(filters.filter((f) => f.spread(i))).toHaveLength(1);
    }
  });

  it('cuts townships into contiguous ranges of about equal weight', () => {
    const shards = townshipShards(REGIONS, 2);
    // Weights: 5 regions × 2 years for each of the first three townships, 11 × 2 for the other
    // two (74 in all); a township goes where the midpoint of its weight falls: 5, 15, 25, 41, 63 of 74.
    expect([...shards]).toEqual([['420583101', 0], ['420583102', 0], ['420583103', 0], ['420683201', 1], ['420683202', 1]]);
    const three = [...townshipShards(REGIONS, 3).values()];
    expect(three).toEqual([...three].sort()); // contiguous in code order
    expect(new Set(three)).toEqual(new Set([0, 1, 2]));
  });

  it('cuts a large site into more shards than jobs, and fits each shard\'s heap limit to its weight', () => {
    // 37 townships and villages × 2 years = 74 units of weight; the site's levels above weigh nothing.
    expect(pageShardCount(REGIONS, 2)).toBe(2);
    expect(pageShardCount(REGIONS, 1)).toBe(1);
    expect(pageShardCount(REGIONS, 1, 74)).toBe(1);
    expect(pageShardCount(REGIONS, 1, 73)).toBe(2);
    expect(pageShardCount(REGIONS, 2, 10)).toBe(8);
    expect(pageShardCount(REGIONS.filter((r) => r.level !== 'village' && r.level !== 'township'), 2, 1)).toBe(2);
    // Small shards get the floor; a shard of a province's weight in one build gets more.
    expect(shardHeapMb(REGIONS, 1)).toBe(512);
    const province = Array.from({ length: 84_000 }, (_, i) => region(String(420_583_100_001 + i), [2026]));
    expect(shardHeapMb(province, 9)).toBe(512);
    expect(shardHeapMb(province, 2)).toBeGreaterThan(shardHeapMb(province, 4));
    expect(shardHeapMb(province, 2)).toBe(Math.ceil(2 * (100 + (42_000 * 13) / 1024)));
  });

  it('gives a shard the search bundles of the counties it renders whole', () => {
    // Two shards: the first county's three townships, then the second's two (above).
    expect(wholeCounties(REGIONS, { index: 0, count: 2 })).toEqual(['420583000000']);
    expect(wholeCounties(REGIONS, { index: 1, count: 2 })).toEqual(['420683000000']);
    // Three shards split one county: its bundle is no shard's.
    const three = [0, 1, 2].map((index) => wholeCounties(REGIONS, { index, count: 3 }));
    const split = [...new Set(REGIONS.filter((r) => townshipPart(r.code)).map((r) => `${r.code.slice(0, 6)}000000`))].filter((c) => !three.flat().includes(c));
    expect(split.length).toBeGreaterThan(0);
    for (const c of split) {
      const owners = [0, 1, 2].filter((index) => REGIONS.some((r) => r.code.startsWith(c.slice(0, 6)) && townshipPart(r.code) && shardFilter(REGIONS, { index, count: 3 }).region(r.code)));
      expect(owners.length, c).toBeGreaterThan(1);
    }
    expect(three.flat()).toHaveLength(new Set(three.flat()).size);
    expect(wholeCounties(REGIONS, null)).toEqual(['420583000000', '420683000000']);
  });

  it('renders every page when no shard is given, or one shard of one', () => {
    for (const f of [shardFilter(REGIONS, null), shardFilter(REGIONS, { index: 0, count: 1 })]) {
      expect(REGIONS.every((r) => f.region(r.code))).toBe(true);
      expect(f.site() && f.spread(7)).toBe(true);
    }
  });
});

describe('stitching shard folders', () => {
  const write = (path: string, text: string): void => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };

  it('moves each shard\'s pages into one site and keeps one copy of the pages every shard has', () => {
    const work = tempDir('gongshi-stitch-');
    const [a, b, c] = ['a', 'b', 'c'].map((s) => join(work, s)) as [string, string, string];
    for (const s of [a, b, c]) {
      write(join(s, 'index.html'), 'home');
      write(join(s, '_astro', 'site.css'), 'css');
    }
    write(join(a, 'r', '420583101000', 'index.html'), 'town 1');
    write(join(b, 'r', '420583102000', 'index.html'), 'town 2');
    write(join(b, 'r', '420583102201', '2025', 'index.html'), 'village');
    write(join(c, 'api', '2025', '420583102201.csv'), 'rows');
    const out = join(work, 'site');
    stitchShards([a, b, c], out);
    expect(Object.keys(treeHash(out)).sort()).toEqual(['/_astro/site.css', '/api/2025/420583102201.csv', '/index.html', '/r/420583101000/index.html', '/r/420583102000/index.html', '/r/420583102201/2025/index.html']);
    expect(readFileSync(join(out, 'r', '420583102201', '2025', 'index.html'), 'utf8')).toBe('village');
    expect(readdirSync(work).sort()).toEqual(['site']); // the shard folders are gone
  });

  it('stops, naming the file, when two shards wrote different bytes to one path', () => {
    const work = tempDir('gongshi-stitch-');
    write(join(work, 'a', 'about', 'index.html'), 'one');
    write(join(work, 'b', 'about', 'index.html'), 'two');
    expect(() => mergeTree(join(work, 'b'), join(work, 'a'))).toThrow(/about\/index\.html/);
    expect(() => stitchShards([join(work, 'b')], join(work, 'a'))).toThrow(/already exists/);
  });
});
