/**
 * Province-scale benchmark: generates data with the sample generator, runs the full
 * build, and prints per stage wall time, rate and peak memory, with the two floors
 * measured in the same run on the same data: papaparse parsing alone, and Astro
 * rendering bare notice pages alone. A script, never a test: timings are not asserted.
 *
 *   npm run bench -- --size county|counties10|province [--keep]
 *
 * Writes bench-results/bench-<size>.json so runs can be compared over time.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const results = join(root, 'bench-results');

const SIZES: Record<string, string[]> = {
  county: ['--counties', '420583'],
  counties10: ['--counties', '420102,420103,420104,420105,420106,420107,420111,420112,420113,420583'],
  province: ['--province', '42'],
};

/** Runs a command, returning its wall time and peak RSS (GNU time when present). */
function run(label: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = root): { seconds: number; peakRssMiB: number | null; stdout: string } {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const t0 = performance.now();
  const child = timeBin
    ? spawnSync(timeBin, ['-f', 'MAXRSS_KB=%M', ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(args[0]!, args.slice(1), { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (child.status !== 0) throw new Error(`${label} failed (${child.status}):\n${child.stdout}\n${child.stderr}`);
  const rss = /MAXRSS_KB=(\d+)/.exec(child.stderr ?? '');
  return { seconds, peakRssMiB: rss ? Math.round(Number(rss[1]) / 1024) : null, stdout: child.stdout };
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
  const { values } = parseArgs({ options: { size: { type: 'string', default: 'county' }, keep: { type: 'boolean', default: false } } });
  const size = values.size;
  const genArgs = SIZES[size];
  if (!genArgs) throw new Error(`unknown size ${size}: use ${Object.keys(SIZES).join(', ')}`);
  const work = join(results, `work-${size}`);
  const dataDir = join(work, 'export');
  mkdirSync(work, { recursive: true });
  const node = process.execPath;

  if (!existsSync(join(dataDir, 'payments.csv'))) {
    console.log(`generating ${size} data …`);
    run('generate', [node, 'scripts/generate-sample.ts', '--out', dataDir, ...genArgs]);
  }
  const rows = (await countLines(join(dataDir, 'payments.csv'))) - 1;
  const stages: Array<{ stage: string; seconds: number; rate: string; peakRssMiB: number | null }> = [];

  // Floor 1: papaparse alone.
  const parse = run('parse floor', [node, 'scripts/bench-ingest.ts', '--stage', 'parse', '--dir', dataDir]);
  stages.push({ stage: 'floor: papaparse parse', seconds: parse.seconds, rate: `${Math.round(rows / parse.seconds)} rows/s`, peakRssMiB: parse.peakRssMiB });

  // The full build, with its own stage timings.
  const timings = join(work, 'timings.json');
  const dist = join(work, 'dist');
  const data = join(work, 'data');
  const build = run('build', [node, 'scripts/build.ts'], { DATA_DIR: dataDir, DIST_DIR: dist, SITE_DATA_DIR: data, BUILD_TIMINGS: timings });
  const pages = countFiles(dist, '.html');
  const stageTimes = existsSync(timings) ? (JSON.parse(readFileSync(timings, 'utf8')) as Array<{ stage: string; seconds: number }>) : [];
  for (const s of stageTimes) {
    const rate = s.stage.startsWith('data') ? `${Math.round(rows / s.seconds)} rows/s` : s.stage.startsWith('astro') || s.stage.startsWith('search') ? `${Math.round(pages / s.seconds)} pages/s` : '';
    stages.push({ stage: `build: ${s.stage}`, seconds: s.seconds, rate, peakRssMiB: null });
  }
  stages.push({ stage: 'build: total', seconds: build.seconds, rate: `${pages} pages`, peakRssMiB: build.peakRssMiB });
  const distBytes = readdirSync(dist, { withFileTypes: true, recursive: true }).reduce((n, e) => (e.isFile() ? n + statSync(join(e.parentPath, e.name)).size : n), 0);
  // The site is counted: free its disk before the floor writes its own pages (tens of GB at province size).
  if (!values.keep) rmSync(dist, { recursive: true, force: true });

  // Floor 2: Astro rendering bare notice pages alone, from the same village files.
  const floorDir = join(work, 'astro-floor');
  writeAstroFloor(floorDir);
  const astroFloor = run('astro floor', [node, join(root, 'node_modules/astro/bin/astro.mjs'), 'build', '--root', floorDir, '--outDir', join(work, 'floor-dist'), '--silent'], { SITE_DATA_DIR: data });
  const floorPages = countFiles(join(work, 'floor-dist'), '.html');
  stages.push({ stage: 'floor: Astro bare notices', seconds: astroFloor.seconds, rate: `${Math.round(floorPages / astroFloor.seconds)} pages/s (${floorPages})`, peakRssMiB: astroFloor.peakRssMiB });

  const floors = parse.seconds + astroFloor.seconds;
  console.log(`\n${size}: ${rows} payment rows, ${pages} HTML pages, ${cpus().length} cores, Node ${process.version}`);
  console.log('stage'.padEnd(34) + 'seconds'.padStart(9) + '  rate'.padEnd(28) + 'peak RSS');
  for (const s of stages) console.log(s.stage.padEnd(34) + s.seconds.toFixed(1).padStart(9) + '  ' + s.rate.padEnd(26) + (s.peakRssMiB === null ? '' : `${s.peakRssMiB} MiB`));
  console.log(`total ÷ (parse floor + Astro floor) = ${(build.seconds / floors).toFixed(2)}`);
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, `bench-${size}.json`), JSON.stringify({ size, rows, pages, distBytes, cores: cpus().length, node: process.version, stages, ratioToFloors: build.seconds / floors }, null, 2) + '\n');
  console.log(`figures written to bench-results/bench-${size}.json`);
  if (!values.keep) for (const d of [dist, data, join(work, 'floor-dist'), floorDir]) rmSync(d, { recursive: true, force: true });
}

await main();
