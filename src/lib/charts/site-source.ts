/**
 * The charts' view of the published data: `site-data.ts` behind the {@link ChartSource}
 * interface, with a bounded cache so a county page that ranks its villages at several
 * dates reads each small stats file once, while memory stays flat on a province build.
 */
import { getMeta, getRegionMap, getStats } from '../site-data.ts';
import type { StatsFile } from '../publish.ts';
import type { ChartSource } from './catalog.ts';

const CACHE_LIMIT = 4000;
const cache = new Map<string, StatsFile | null>();

function cachedStats(year: number, code: string): StatsFile | null {
  const key = `${year}:${code}`;
  if (cache.has(key)) return cache.get(key)!;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const region = getRegionMap().get(code);
  const s = region?.years.includes(year) ? getStats(year, code) : null;
  cache.set(key, s);
  return s;
}

/** The chart source of this build. */
export function siteChartSource(): ChartSource {
  return { meta: getMeta(), region: (code) => getRegionMap().get(code), stats: cachedStats };
}
