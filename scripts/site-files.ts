/**
 * The site's data files, written by an Astro integration when the build is done instead of
 * rendered as endpoints, one Astro route per file (about 1 ms each, their largest group by
 * count): chart downloads and API files (src/lib/data-files.ts), and the lookup shards,
 * copied from the data stage's output (up to 4,096 files). On a county, Astro took about 5 s
 * for the lookup shards and 8 s for the chart and API files (`ASTRO_LOG=info`, the time of
 * each file it lists); written here, 0.2–1.9 s and 1.1–1.6 s (each function timed alone,
 * three runs).
 *
 * A page shard (PAGE_SHARD=k/n, src/lib/page-shards.ts) writes its share, as the endpoints
 * did, so the stitched site is the same. The dev server serves the files from routes
 * injected in dev only (src/routes/data-file.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { shardPrefixes, type LookupIndex } from '../src/lib/lookup.ts';
import { parsePageShard, shardFilter, type ShardFilter } from '../src/lib/page-shards.ts';
import type { PublishedRegion } from '../src/lib/publish.ts';
import { writeFiles } from './write-files.ts';

/**
 * Copies the lookup shards of the data stage output `dataDir` that page shard `shard` (k/n,
 * or none: every one) serves into the site folder `siteDir`. Returns how many it copied.
 */
export async function copyLookupShards(dataDir: string, siteDir: string, shard: string | undefined): Promise<number> {
  const indexPath = join(dataDir, 'lookup', 'index.json');
  if (!existsSync(indexPath)) return 0;
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as LookupIndex;
  const filter = filterOf(dataDir, shard);
  const prefixes = shardPrefixes(index.prefixLength).filter((_, i) => filter.spread(i));
  // A copy, not a link: the site must not share files with the data stage's output and cache.
  const file = (prefix: string): string => join('lookup', 's', `${prefix}.bin`);
  return writeFiles((function* () {
    for (const p of prefixes) yield [join(siteDir, file(p)), readFileSync(join(dataDir, file(p)))] as const;
  })());
}

/** The filter of page shard `shard` (k/n, or none: the whole site) of the site of `dataDir`. */
function filterOf(dataDir: string, shard: string | undefined): ShardFilter {
  const regions = JSON.parse(readFileSync(join(dataDir, 'regions.json'), 'utf8')) as PublishedRegion[];
  return shardFilter(regions, parsePageShard(shard));
}

/**
 * Writes the chart and API files of the site of `dataDir` that page shard `shard` renders
 * into `siteDir`. The modules read SITE_DATA_DIR once (src/lib/site-data.ts): it must be
 * `dataDir`. Returns how many files it wrote.
 */
export async function writeDataFiles(dataDir: string, siteDir: string, shard: string | undefined): Promise<number> {
  const { siteDataDir } = await import('../src/lib/site-data.ts');
  if (siteDataDir() !== resolve(dataDir)) throw new Error(`the pages read ${siteDataDir()}, not ${dataDir}: set SITE_DATA_DIR before the build`);
  const { apiFiles, chartFiles } = await import('../src/lib/data-files.ts');
  const filter = filterOf(dataDir, shard);
  return writeFiles((function* () {
    for (const files of [chartFiles(filter), apiFiles(filter)]) for (const file of files) yield [join(siteDir, file.path), file.body()] as const;
  })());
}

/** The integration: writes the data files after a build, serves them in dev. */
export function siteFiles(): AstroIntegration {
  let root = process.cwd();
  return {
    name: 'site-files',
    hooks: {
      'astro:config:setup': ({ config, command, injectRoute }) => {
        // SITE_DATA_DIR is relative to the project: a build may run from another folder (scripts/build-pages.ts).
        root = fileURLToPath(config.root);
        if (command !== 'dev') return;
        for (const ext of ['csv', 'json', 'svg', 'bin']) injectRoute({ pattern: `/[...dir]/[name].${ext}`, entrypoint: new URL(`../src/routes/data-${ext}.ts`, import.meta.url) });
      },
      'astro:build:done': async ({ dir }) => {
        const dataDir = resolve(root, process.env.SITE_DATA_DIR ?? '.data');
        const siteDir = fileURLToPath(dir);
        await copyLookupShards(dataDir, siteDir, process.env.PAGE_SHARD);
        await writeDataFiles(dataDir, siteDir, process.env.PAGE_SHARD);
      },
    },
  };
}
