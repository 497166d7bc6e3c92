/**
 * The sample site (枝江市, `npm run build` without DATA_DIR) built once for the tests
 * that need real volume, cached in the temp folder by a hash of everything the build
 * reads, so test files of one run (and reruns with unchanged sources) share one build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashInputs } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** A built sample site: the site folder and the data stage output. */
export interface SampleSite {
  dist: string;
  data: string;
  /** The build's console output (empty when it came from the cache). */
  log: string;
}

/**
 * Builds the sample site with the real build command (generating data/sample first if
 * it is missing), or returns the cached build of the same sources. SAMPLE_SITE=/path
 * (a folder with dist/ and data/ from `npm run build`) uses that build instead.
 */
export function buildSampleSite(): SampleSite {
  if (process.env.SAMPLE_SITE) return { dist: join(process.env.SAMPLE_SITE, 'dist'), data: join(process.env.SAMPLE_SITE, 'data'), log: '' };
  const cache = join(tmpdir(), 'gongshi-sample');
  mkdirSync(cache, { recursive: true });
  // Generate the sample first (as `npm run build` would), so the cache key covers it from the first run.
  const sample = join(ROOT, 'data/sample');
  if (!existsSync(join(sample, 'payments.csv'))) {
    const g = spawnSync(process.execPath, [join(ROOT, 'scripts/generate-sample.ts'), '--out', sample], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (g.status !== 0) throw new Error(`sample generation failed (exit ${g.status}):\n${g.stdout}\n${g.stderr}`);
  }
  // And its correction history (as `npm run build` would): tests read that export back, so it
  // must exist in this checkout even when the site itself comes from the cache.
  const h = spawnSync(process.execPath, [join(ROOT, 'scripts/make-corrections.ts')], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (h.status !== 0) throw new Error(`sample history failed (exit ${h.status}):\n${h.stdout}\n${h.stderr}`);
  const key = hashInputs(['src', 'scripts', 'public', 'data/sample', 'data/sample-history', 'astro.config.mjs', 'package-lock.json'].map((p) => join(ROOT, p)));
  const out = join(cache, key);
  if (existsSync(join(out, 'dist', 'index.html'))) return { dist: join(out, 'dist'), data: join(out, 'data'), log: '' };
  const work = `${out}.${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, DIST_DIR: join(work, 'dist'), SITE_DATA_DIR: join(work, 'data') };
  delete env.DATA_DIR;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.ts')], { cwd: ROOT, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`sample build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  try {
    renameSync(work, out);
  } catch {
    rmSync(work, { recursive: true, force: true }); // a concurrent run finished first: use its build
  }
  return { dist: join(out, 'dist'), data: join(out, 'data'), log: r.stdout };
}
