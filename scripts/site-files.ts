/**
 * The site's data files, written by an Astro integration when the build is done instead of
 * rendered as endpoints, one Astro route per file (about 1 ms each, their largest group by
 * count): chart downloads, API files and the lookup shards (src/lib/data-files.ts; up to
 * 65,536 lookup shards, the data stage's padded to one size). On a county, Astro took about 5 s
 * for the lookup shards and 8 s for the chart and API files (`ASTRO_LOG=info`, the time of
 * each file it lists); written here, 0.2–1.9 s and 1.1–1.6 s (each function timed alone,
 * three runs).
 *
 * A page shard (PAGE_SHARD=k/n, src/lib/page-shards.ts) writes its share, as the endpoints
 * did, so the stitched site is the same. The dev server serves the files from routes
 * injected in dev only (src/routes/data-file.ts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { parsePageShard, shardFilter } from '../src/lib/page-shards.ts';
import { FILE_RECORDS_DIR, renderFileRecords, type FileRecord } from '../src/lib/site-index.ts';
import { writeFiles } from './write-files.ts';

/**
 * Writes the data files of the site of `dataDir` that page shard `shard` (k/n, or none: the
 * whole site) renders into `siteDir`: chart downloads, API files and its share of the lookup
 * shards (copies, not links: the site must not share files with the data stage's output and
 * its cache), and records each file's size and SHA-256 for the manifest (FILE_RECORDS_DIR,
 * one file per shard). The modules read SITE_DATA_DIR once (src/lib/site-data.ts): it must
 * be `dataDir`. Returns how many files it wrote.
 */
export async function writeDataFiles(dataDir: string, siteDir: string, shard: string | undefined): Promise<number> {
  const { getRegions, siteDataDir } = await import('../src/lib/site-data.ts');
  if (siteDataDir() !== resolve(dataDir)) throw new Error(`the pages read ${siteDataDir()}, not ${dataDir}: set SITE_DATA_DIR before the build`);
  const { apiFiles, chartFiles, lookupFiles } = await import('../src/lib/data-files.ts');
  const filter = shardFilter(getRegions(), parsePageShard(shard));
  const records: FileRecord[] = [];
  const count = await writeFiles((function* () {
    for (const files of [lookupFiles(filter), chartFiles(filter), apiFiles(filter)]) {
      for (const file of files) {
        const body = file.body();
        const bytes = typeof body === 'string' ? Buffer.from(body) : body;
        records.push({ path: file.path, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
        yield [join(siteDir, file.path), bytes] as const;
      }
    }
  })());
  // Written once every file is: the manifest step takes them instead of reading the files.
  mkdirSync(join(siteDir, FILE_RECORDS_DIR), { recursive: true });
  writeFileSync(join(siteDir, FILE_RECORDS_DIR, `${shard ? shard.replace('/', '-of-') : 'all'}.tsv`), renderFileRecords(records));
  return count;
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
        await writeDataFiles(resolve(root, process.env.SITE_DATA_DIR ?? '.data'), fileURLToPath(dir), process.env.PAGE_SHARD);
      },
    },
  };
}
