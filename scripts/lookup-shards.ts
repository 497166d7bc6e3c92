/**
 * The lookup shards in the site (`/lookup/s/{prefix}.bin`, up to 4,096 files): an Astro
 * integration copies the data stage's files into the built site when the build is done,
 * instead of rendering each one as an endpoint. Rendered, they took about 5 s of a county's
 * pages stage, 1 ms each; copied, a fraction of that (scripts/bench.ts, "astro pages").
 *
 * A page shard (PAGE_SHARD=k/n, src/lib/page-shards.ts) copies its share, as the endpoint
 * did, so the stitched site is the same. The dev server serves them from a route injected
 * in dev only (src/routes/lookup-shard.ts).
 */
import { constants, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { shardPrefixes, type LookupIndex } from '../src/lib/lookup.ts';
import { parsePageShard, shardFilter } from '../src/lib/page-shards.ts';
import type { PublishedRegion } from '../src/lib/publish.ts';

/**
 * Copies the lookup shards of the data stage output `dataDir` that page shard `shard` (k/n,
 * or none: every one) serves into the site folder `siteDir`. Returns how many it copied.
 */
export function copyLookupShards(dataDir: string, siteDir: string, shard: string | undefined): number {
  const indexPath = join(dataDir, 'lookup', 'index.json');
  if (!existsSync(indexPath)) return 0;
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as LookupIndex;
  const regions = JSON.parse(readFileSync(join(dataDir, 'regions.json'), 'utf8')) as PublishedRegion[];
  const filter = shardFilter(regions, parsePageShard(shard));
  const prefixes = shardPrefixes(index.prefixLength).filter((_, i) => filter.spread(i));
  const to = join(siteDir, 'lookup', 's');
  mkdirSync(to, { recursive: true });
  // A copy, not a link: the site must not share files with the data stage's output and cache.
  for (const prefix of prefixes) copyFileSync(join(dataDir, 'lookup', 's', `${prefix}.bin`), join(to, `${prefix}.bin`), constants.COPYFILE_FICLONE);
  return prefixes.length;
}

/** The integration: copies the shards after a build, serves them in dev. */
export function lookupShards(): AstroIntegration {
  let root = process.cwd();
  return {
    name: 'lookup-shards',
    hooks: {
      'astro:config:setup': ({ config, command, injectRoute }) => {
        // SITE_DATA_DIR is relative to the project: a build may run from another folder (scripts/build-pages.ts).
        root = fileURLToPath(config.root);
        if (command === 'dev') injectRoute({ pattern: '/lookup/s/[prefix].bin', entrypoint: new URL('../src/routes/lookup-shard.ts', import.meta.url) });
      },
      'astro:build:done': ({ dir }) => {
        copyLookupShards(resolve(root, process.env.SITE_DATA_DIR ?? '.data'), fileURLToPath(dir), process.env.PAGE_SHARD);
      },
    },
  };
}
