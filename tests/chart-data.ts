/** Seeded, hand-sized region-year statistics for chart tests: no files, no clock, no Math.random. */
import { CHANNEL_GROUPS, collectionPeriod, daysBetween, type ChannelGroup } from '../src/lib/aggregate.ts';
import { SiteConfigSchema, levelOf, parentOf } from '../src/lib/contract.ts';
import type { ChartSource } from '../src/lib/charts/catalog.ts';
import type { PublishedRegion, SiteMeta, StatsFile } from '../src/lib/publish.ts';

/** mulberry32: a tiny seeded generator, so "random" test data is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Daily credited counts that add up to `total` along an S-curve centred on day `mid`, with seeded noise. */
export function sCurve(total: number, days: number, mid: number, rand: () => number): number[] {
  const w = Array.from({ length: days }, (_, i) => Math.exp(-(((i - mid) / (days / 6)) ** 2)) * (0.6 + 0.8 * rand()));
  const sum = w.reduce((a, b) => a + b, 0);
  const counts = w.map((x) => Math.floor((x / sum) * total));
  let rest = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % days, rest--) counts[Math.floor(mid + (i % 5))]! += 1;
  return counts;
}

/** Options of {@link makeStats}. */
export interface StatsOptions {
  code: string;
  year: number;
  name?: string;
  shouldEnroll: number | null;
  counts?: number[];
  before?: number;
  after?: number;
  pending?: number;
  refunded?: number;
  channels?: Partial<Record<ChannelGroup, number>>;
  subsidy?: Record<string, number>;
  ageBand?: Record<string, number>;
  period?: { start: string; end: string };
  children?: StatsFile['children'];
}

/** A stats file as the data stage writes it, from a few numbers. */
export function makeStats(o: StatsOptions): StatsFile {
  const period = collectionPeriod(o.year, o.period ?? { start: '09-01', end: '12-31' });
  const days = daysBetween(period.start, period.end) + 1;
  const counts = o.counts ?? new Array<number>(days).fill(0);
  const enrolled = counts.reduce((a, b) => a + b, 0) + (o.before ?? 0) + (o.after ?? 0);
  const pending = o.pending ?? 0;
  const refunded = o.refunded ?? 0;
  const rows = enrolled + pending + refunded;
  const byChannelGroup = Object.fromEntries(CHANNEL_GROUPS.map((g) => [g, 0])) as Record<ChannelGroup, number>;
  if (o.channels) Object.assign(byChannelGroup, o.channels);
  else byChannelGroup.online = rows;
  return {
    code: o.code, year: o.year, name: o.name ?? o.code, shouldEnroll: o.shouldEnroll, rows, enrolled,
    rate: o.shouldEnroll ? enrolled / o.shouldEnroll : null,
    byStatus: { 已到账: { count: enrolled, amountFen: enrolled * 40000 }, 未到账: { count: pending, amountFen: pending * 40000 }, 已退费: { count: refunded, amountFen: refunded * 40000 } },
    byChannel: { '线上/手机': rows }, byChannelGroup,
    bySubsidy: o.subsidy ?? { '': enrolled }, byAgeBand: o.ageBand ?? { '': enrolled },
    daily: { start: period.start, end: period.end, counts, before: o.before ?? 0, after: o.after ?? 0 },
    villages: levelOf(o.code) === 'village' ? 1 : 0, duplicates: 0, children: o.children ?? [],
  };
}

/** Site metadata with the default config (milestones 11-20 80%, 12-20 95%; target 95%). */
export function makeMeta(asOf: string, years: number[], tops: string[]): SiteMeta {
  return { siteName: '医保缴费公示', baseUrl: 'https://gongshi.example.cn', asOf, years, tops, config: SiteConfigSchema.parse({}), inputs: [] };
}

/** A chart source over in-memory stats; regions and their years are derived from the stats given. */
export function fakeSource(meta: SiteMeta, all: StatsFile[]): ChartSource {
  const stats = new Map(all.map((s) => [`${s.year}:${s.code}`, s]));
  const regions = new Map<string, PublishedRegion>();
  for (const s of all) {
    let r = regions.get(s.code);
    if (!r) regions.set(s.code, (r = { code: s.code, name: s.name, level: levelOf(s.code), parent: parentOf(s.code), children: [], years: [] }));
    if (!r.years.includes(s.year)) r.years.push(s.year);
  }
  for (const r of regions.values()) {
    r.years.sort();
    const p = r.parent ? regions.get(r.parent) : undefined;
    if (p && !p.children.includes(r.code)) p.children.push(r.code);
  }
  for (const r of regions.values()) r.children.sort();
  return { meta, region: (c) => regions.get(c), stats: (y, c) => stats.get(`${y}:${c}`) ?? null };
}
