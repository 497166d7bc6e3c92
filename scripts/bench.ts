/**
 * Province-scale benchmark: generates data with the sample generator, runs the full
 * build, and prints per stage wall time, rate and peak memory (of the whole process tree,
 * sampled from /proc, with the processes it was made of at the peak, named by their script),
 * with the two floors measured in the same run on the same data: papaparse parsing alone,
 * and Astro rendering bare notice pages alone. A script, never a test: timings are not asserted.
 *
 *   npm run bench -- --size county|counties10|province [--keep] [--rebuild]
 *
 * `--rebuild` runs the build a second time on the same export, as an official rebuilding
 * after a change to pages: the data stage comes from its cache (scripts/data-cache.ts), and
 * its stages are listed as `rebuild: …`. The first build starts with an empty cache.
 *
 * Writes bench-results/bench-<size>.json so runs can be compared over time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const results = join(root, 'bench-results');

const SIZES: Record<string, string[]> = {
  county: ['--counties', '420583'],
  counties10: ['--counties', '420102,420103,420104,420105,420106,420107,420111,420112,420113,420583'],
  province: ['--province', '42'],
};

/** Bytes per page, for /proc/{pid}/statm. */
const PAGE_BYTES = Number(spawnSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).stdout?.trim()) || 4096;

/** What a process runs: its script (`build-pages.ts`) or, for a binary, its name (`pagefind`). */
function processName(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const script = args.slice(1).find((a) => /\.(ts|m?js)$/.test(a));
    return basename(script ?? args[0] ?? '?');
  } catch {
    return '?';
  }
}

/**
 * Resident memory of a process and all its descendants (worker threads are in the process;
 * the Pagefind indexer and esbuild are child processes), from /proc, and what it is made of:
 * the largest processes by name and MiB (`build-pages.ts 902 + build-pages.ts 850 + build.ts
 * 310 + 2 others 41`). 0 where there is no /proc.
 */
function treeRss(rootPid: number): { bytes: number; parts: string } {
  const children = new Map<number, number[]>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return { bytes: 0, parts: '' };
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may contain spaces: state, ppid, …
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  const procs: Array<[pid: number, bytes: number]> = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    try {
      procs.push([pid, Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES]);
    } catch {
      continue;
    }
    queue.push(...(children.get(pid) ?? []));
  }
  // A process that ended while it was read counts for nothing.
  procs.sort((a, b) => b[1] - a[1]);
  while (procs.length && procs[procs.length - 1]![1] === 0) procs.pop();
  const bytes = procs.reduce((n, [, b]) => n + b, 0);
  const shown = procs.slice(0, 3).map(([pid, b]) => `${processName(pid)} ${MiB(b)}`);
  const rest = procs.slice(3);
  if (rest.length) shown.push(`${rest.length} other${rest.length > 1 ? 's' : ''} ${MiB(rest.reduce((n, [, b]) => n + b, 0))}`);
  return { bytes, parts: shown.join(' + ') };
}

/** A memory sample: epoch milliseconds, the tree's bytes, and what they are made of ({@link treeRss}). */
type Sample = [number, number, string];
const SAMPLE_MS = 200;

const MiB = (bytes: number): number => Math.round(bytes / 2 ** 20);

/** The highest sample between two epoch times (null when none fell inside). */
function peakSample(samples: Sample[], start: number, end: number): Sample | null {
  let top: Sample | null = null;
  for (const s of samples) if (s[0] >= start && s[0] <= end && (!top || s[1] > top[1])) top = s;
  return top;
}

/**
 * Runs a command, returning its wall time and its process tree's resident memory sampled
 * every {@link SAMPLE_MS} ms (the peak, and every sample, to attribute peaks to stages).
 */
async function run(label: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = root): Promise<{ seconds: number; peakRssMiB: number | null; samples: Sample[] }> {
  const t0 = performance.now();
  const child = spawn(args[0]!, args.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Only the end of the output is kept: it is shown if the command fails.
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    const rss = child.pid === undefined ? null : treeRss(child.pid);
    if (rss && rss.bytes > 0) samples.push([Date.now(), rss.bytes, rss.parts]);
  }, SAMPLE_MS);
  const status = await new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => done(code));
  });
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  if (status !== 0) throw new Error(`${label} failed (${status}):\n${output}`);
  const peak = samples.reduce((m, [, b]) => Math.max(m, b), 0);
  return { seconds, peakRssMiB: peak > 0 ? MiB(peak) : null, samples };
}

/** Lines of a file, streamed (a province export is several GB, past what one read can hold). */
async function countLines(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  }
  return n;
}

function countFiles(dir: string, ext: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name.endsWith(ext)) n++;
  return n;
}

/** A minimal Astro project rendering one bare notice (title + table) per village-year CSV. */
function writeAstroFloor(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'src/pages/r/[code]/[year]'), { recursive: true });
  writeFileSync(join(dir, 'astro.config.mjs'), "import { defineConfig } from 'astro/config';\nexport default defineConfig({ trailingSlash: 'always', build: { format: 'directory' } });\n");
  writeFileSync(join(dir, 'src/pages/r/[code]/[year]/index.astro'), `---
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
export function getStaticPaths() {
  const rows = join(process.env.SITE_DATA_DIR, 'rows');
  return readdirSync(rows).flatMap((year) => readdirSync(join(rows, year)).map((f) => ({ params: { code: f.slice(0, -4), year } })));
}
const { code, year } = Astro.params;
const rows = Papa.parse(readFileSync(join(process.env.SITE_DATA_DIR, 'rows', year, code + '.csv'), 'utf8'), { skipEmptyLines: true }).data.slice(1);
---
<html lang="zh-CN"><head><meta charset="utf-8"><title>{code} {year}</title></head><body>
<h1>{code} {year}年度缴费公示</h1>
<table><tbody>{rows.map((r, i) => <tr><td>{i + 1}</td><td>{r[2]}</td><td>{r[3]}</td><td>{r[4]}</td><td>{r[5]}</td><td>{r[6]}</td><td>{r[7]}</td></tr>)}</tbody></table>
</body></html>
`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: 'county' }, keep: { type: 'boolean', default: false }, rebuild: { type: 'boolean', default: false } } });
  const size = values.size;
  const genArgs = SIZES[size];
  if (!genArgs) throw new Error(`unknown size ${size}: use ${Object.keys(SIZES).join(', ')}`);
  const work = join(results, `work-${size}`);
  const dataDir = join(work, 'export');
  mkdirSync(work, { recursive: true });
  const node = process.execPath;

  if (!existsSync(join(dataDir, 'payments.csv'))) {
    console.log(`generating ${size} data …`);
    await run('generate', [node, 'scripts/generate-sample.ts', '--out', dataDir, ...genArgs]);
  }
  const rows = (await countLines(join(dataDir, 'payments.csv'))) - 1;
  const stages: Array<{ stage: string; seconds: number; rate: string; peakRssMiB: number | null; atPeak?: string }> = [];
  /** A stage's peak and the processes it was made of. */
  const peakOf = (samples: Sample[], start: number, end: number): { peakRssMiB: number | null; atPeak: string } => {
    const top = peakSample(samples, start, end);
    return { peakRssMiB: top ? MiB(top[1]) : null, atPeak: top?.[2] ?? '' };
  };

  // Floor 1: papaparse alone.
  const parse = await run('parse floor', [node, 'scripts/bench-ingest.ts', '--stage', 'parse', '--dir', dataDir]);
  stages.push({ stage: 'floor: papaparse parse', seconds: parse.seconds, rate: `${Math.round(rows / parse.seconds)} rows/s`, peakRssMiB: parse.peakRssMiB });

  // The full build, with its own stage timings.
  const timings = join(work, 'timings.json');
  const dist = join(work, 'dist');
  const data = join(work, 'data');
  // The data stage cache of an earlier run would turn the build into a rebuild.
  rmSync(`${data}.cache`, { recursive: true, force: true });
  let pages = 0;
  const timedBuild = async (label: string): Promise<number> => {
    rmSync(timings, { force: true });
    const build = await run(label, [node, 'scripts/build.ts'], { DATA_DIR: dataDir, DIST_DIR: dist, SITE_DATA_DIR: data, BUILD_TIMINGS: timings });
    pages = countFiles(dist, '.html');
    const stageTimes = existsSync(timings) ? (JSON.parse(readFileSync(timings, 'utf8')) as Array<{ stage: string; seconds: number; start: number; end: number }>) : [];
    for (const s of stageTimes) {
      const rate = s.stage.startsWith('data') ? `${Math.round(rows / s.seconds)} rows/s` : s.stage.startsWith('astro') || s.stage.startsWith('search') ? `${Math.round(pages / s.seconds)} pages/s` : '';
      stages.push({ stage: `${label}: ${s.stage}`, seconds: s.seconds, rate, ...peakOf(build.samples, s.start, s.end) });
    }
    stages.push({ stage: `${label}: total`, seconds: build.seconds, rate: `${pages} pages`, ...peakOf(build.samples, 0, Infinity) });
    return build.seconds;
  };
  const buildSeconds = await timedBuild('build');
  const distBytes = readdirSync(dist, { withFileTypes: true, recursive: true }).reduce((n, e) => (e.isFile() ? n + statSync(join(e.parentPath, e.name)).size : n), 0);
  if (values.rebuild) {
    // The rebuild writes a whole new site before the swap: without the first one on disk, a
    // province needs one site's space (28 GB) instead of two.
    rmSync(dist, { recursive: true, force: true });
    await timedBuild('rebuild');
  }
  // The site is counted: free its disk before the floor writes its own pages (tens of GB at province size).
  if (!values.keep) rmSync(dist, { recursive: true, force: true });

  // Floor 2: Astro rendering bare notice pages alone, from the same village files.
  const floorDir = join(work, 'astro-floor');
  writeAstroFloor(floorDir);
  const astroFloor = await run('astro floor', [node, join(root, 'node_modules/astro/bin/astro.mjs'), 'build', '--root', floorDir, '--outDir', join(work, 'floor-dist'), '--silent'], { SITE_DATA_DIR: data });
  const floorPages = countFiles(join(work, 'floor-dist'), '.html');
  stages.push({ stage: 'floor: Astro bare notices', seconds: astroFloor.seconds, rate: `${Math.round(floorPages / astroFloor.seconds)} pages/s (${floorPages})`, peakRssMiB: astroFloor.peakRssMiB });

  const floors = parse.seconds + astroFloor.seconds;
  console.log(`\n${size}: ${rows} payment rows, ${pages} HTML pages, ${cpus().length} cores, Node ${process.version}`);
  console.log('stage'.padEnd(34) + 'seconds'.padStart(9) + '  rate'.padEnd(28) + 'peak RSS'.padEnd(12) + 'at the peak (MiB)');
  for (const s of stages) {
    console.log(s.stage.padEnd(34) + s.seconds.toFixed(1).padStart(9) + '  ' + s.rate.padEnd(26) + (s.peakRssMiB === null ? '' : `${s.peakRssMiB} MiB`).padEnd(12) + (s.atPeak ?? ''));
  }
  console.log(`total ÷ (parse floor + Astro floor) = ${(buildSeconds / floors).toFixed(2)}`);
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, `bench-${size}.json`), JSON.stringify({ size, rows, pages, distBytes, cores: cpus().length, node: process.version, stages, ratioToFloors: buildSeconds / floors }, null, 2) + '\n');
  console.log(`figures written to bench-results/bench-${size}.json`);
  if (!values.keep) for (const d of [dist, data, `${data}.cache`, join(work, 'floor-dist'), floorDir]) rmSync(d, { recursive: true, force: true });
}

await main();
