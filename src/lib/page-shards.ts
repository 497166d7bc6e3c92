/**
 * How the pages of a site are split between Astro builds that run at once (on both cores,
 * or as separate jobs on several machines; scripts/build-pages.ts runs them and stitches
 * their folders into one site).
 *
 * The unit is a township: its page and its villages' pages (notices, later pages, versions,
 * CSV files, charts, 未到账 lists, feed) are rendered by one shard. Townships are taken in
 * code order and cut into contiguous ranges of about the same number of regions, so a
 * county's townships stay together. Everything else (the province, cities and counties,
 * the archive, the lookup shards' copies, the articles) is rendered by shard 0; pages
 * without parameters are rendered by every shard, and the stitch keeps one copy after
 * checking the copies are the same bytes.
 */
import type { PublishedRegion } from './publish.ts';
import { isSiteLevel } from './search-shards.ts';

/** The k-th (from 0) of n shards. */
export interface PageShard {
  index: number;
  count: number;
}

/** Parses `k/n` (k from 0); null for an empty value (the whole site). */
export function parsePageShard(spec: string | undefined): PageShard | null {
  if (spec === undefined || spec === '') return null;
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 0 && index < count)) throw new Error(`PAGE_SHARD must be k/n with 0 ≤ k < n, not "${spec}"`);
  return { index, count };
}

/** The 9-digit township part of a region code, or null for the province, a city or a county. */
export function townshipPart(code: string): string | null {
  return isSiteLevel(code) ? null : code.slice(0, 9);
}

/** The weight of each township (by its 9-digit part): its and its villages' regions × coverage years. */
function townshipWeights(regions: readonly PublishedRegion[]): Map<string, number> {
  const weight = new Map<string, number>();
  for (const r of regions) {
    const t = townshipPart(r.code);
    if (t !== null) weight.set(t, (weight.get(t) ?? 0) + Math.max(1, r.years.length));
  }
  return weight;
}

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

/**
 * The township weight one Astro build takes by default. An Astro build holds every route of
 * its shard until it ends: measured on the ten-county site (4,833 weight, 14,943 pages), the
 * live heap peaked at about 85 MB plus 13 KB per unit of weight (`node --trace-gc`, shards of
 * 1/6 and the whole). 10,000 units keep a shard's heap near 220 MB.
 */
export const SHARD_WEIGHT = 10_000;

/** How many shards a site's pages take: one per job at least, and no shard above `perShard` weight. */
export function pageShardCount(regions: readonly PublishedRegion[], jobs: number, perShard = SHARD_WEIGHT): number {
  return Math.max(jobs, Math.ceil(sum(townshipWeights(regions).values()) / perShard));
}

/**
 * The heap limit (MiB, `--max-old-space-size`) of the Astro build of one of `count` shards:
 * twice the heap measured for its weight (above), at least 512. Without a limit V8 lets an
 * Astro build's heap grow to several times what it holds (3.1 GB for a province's pages in
 * one build); with it, garbage is collected sooner and two builds at once fit in memory.
 */
export function shardHeapMb(regions: readonly PublishedRegion[], count: number): number {
  const perShard = sum(townshipWeights(regions).values()) / count;
  return Math.max(512, Math.ceil(2 * (100 + (perShard * 13) / 1024)));
}

/**
 * The shard of every township of a site (by its 9-digit part): contiguous ranges in code
 * order, each with about 1/n of the townships' and villages' regions.
 */
export function townshipShards(regions: readonly PublishedRegion[], count: number): Map<string, number> {
  const weight = townshipWeights(regions);
  const total = sum(weight.values());
  const out = new Map<string, number>();
  let before = 0;
  for (const t of [...weight.keys()].sort()) {
    const w = weight.get(t)!;
    // The shard of the township's midpoint in the running total.
    out.set(t, Math.min(count - 1, Math.floor(((before + w / 2) * count) / total)));
    before += w;
  }
  return out;
}

/** Which pages a shard renders. */
export interface ShardFilter {
  /** Pages of a region (its page, its years, its files). */
  region(code: string): boolean;
  /** Site-wide pages with parameters (archive years, announcements, overview years). */
  site(): boolean;
  /** Copies of numbered files spread over every shard (lookup shards: their place in the list). */
  spread(position: number): boolean;
}

/** Every page: no shard given. */
export const WHOLE_SITE: ShardFilter = { region: () => true, site: () => true, spread: () => true };

/** The filter of one shard of a site. */
export function shardFilter(regions: readonly PublishedRegion[], shard: PageShard | null): ShardFilter {
  if (!shard || shard.count === 1) return WHOLE_SITE;
  const towns = townshipShards(regions, shard.count);
  return {
    region: (code) => {
      const t = townshipPart(code);
      return (t === null ? 0 : (towns.get(t) ?? 0)) === shard.index;
    },
    site: () => shard.index === 0,
    spread: (position) => position % shard.count === shard.index,
  };
}

/**
 * The county search bundles (src/lib/search-shards.ts) a shard renders every page of: the
 * counties all of whose townships are in the shard, in code order. The shard's job can index
 * them; a county split between shards is indexed after the stitch.
 */
export function wholeCounties(regions: readonly PublishedRegion[], shard: PageShard | null): string[] {
  const filter = shardFilter(regions, shard);
  const whole = new Map<string, boolean>();
  for (const r of regions) {
    if (isSiteLevel(r.code)) continue;
    const county = `${r.code.slice(0, 6)}000000`;
    whole.set(county, (whole.get(county) ?? true) && filter.region(r.code));
  }
  return [...whole].filter(([, w]) => w).map(([c]) => c).sort();
}
