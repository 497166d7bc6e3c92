/**
 * Benchmark of the ingest (parse + validate + aggregate) on the county sample and on a
 * generated 5M-row export. Prints rows/s and peak memory per stage; writes the figures
 * to bench-results/ingest.json. A script, not a test: timings are never asserted.
 *
 *   npm run bench:ingest [-- --sizes county,5m --read-chunk BYTES]
 *   node scripts/bench-ingest.ts --stage parse|validate|aggregate|data-stage --dir EXPORT [--read-chunk BYTES]
 *
 * `--read-chunk` sets the bytes read at a time by the parse, validate and aggregate stages
 * (default READ_CHUNK_BYTES, src/lib/encoding.ts, which the data stage uses), to compare sizes.
 *
 * Each measurement runs in its own process so peak RSS belongs to that stage alone.
 * Stages, cumulative: parse (papaparse alone, the floor), +validate (schema, PII guard,
 * cross-file checks), +aggregate (village accumulators), full data stage (writes .data).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCsv } from '../src/lib/csv.ts';
import { decodeChunks, READ_CHUNK_BYTES } from '../src/lib/encoding.ts';
import { FILES, type PaymentCells } from '../src/lib/contract.ts';
import { ingestFile } from '../src/lib/ingest.ts';
import { checkPayment } from '../src/lib/checks.ts';
import { buildRegions } from '../src/lib/regions.ts';
import { VillageAccumulator } from '../src/lib/aggregate.ts';
import Papa from 'papaparse';

const root = resolve(import.meta.dirname, '..');
const STAGES = ['parse', 'validate', 'aggregate', 'data-stage'] as const;
type Stage = (typeof STAGES)[number];

/** Runs one stage over an export folder in this process and prints a JSON result line. */
async function measure(stage: Stage, dir: string, readChunk: number): Promise<void> {
  const t0 = performance.now();
  let rows = 0;
  if (stage === 'parse') {
    await parseCsv(decodeChunks(createReadStream(join(dir, 'payments.csv'), { highWaterMark: readChunk })), (batch) => (rows += batch.length));
    rows -= 1; // header
  } else if (stage === 'data-stage') {
    const out = join(dir, '.bench-out');
    const { runDataStage } = await import('./build-data.ts');
    const result = await runDataStage({ dataDir: dir, outDir: out, reportFile: join(dir, '.bench-issues.txt'), log: () => {} });
    rows = result.reports.find((r) => r.file === 'payments.csv')?.read ?? 0;
    rmSync(out, { recursive: true, force: true });
  } else {
    const regionRows = Papa.parse<string[]>(readFileSync(join(dir, 'regions.csv'), 'utf8'), { skipEmptyLines: true }).data.slice(1)
      .map(([code, name], i) => ({ code: code!, name: name!, line: i + 2 }));
    const regions = new Map(buildRegions('regions.csv', regionRows).regions.map((r) => [r.code, r]));
    const acc = new VillageAccumulator({ start: '09-01', end: '12-31' });
    let issues = 0;
    const report = await ingestFile<PaymentCells>({
      file: 'payments.csv',
      bytes: createReadStream(join(dir, 'payments.csv'), { highWaterMark: readChunk }),
      fields: FILES.payments.fields,
      check: checkPayment(regions),
      onRecord: stage === 'aggregate' ? (p) => acc.add(p) : () => {},
      onIssue: () => issues++,
    });
    rows = report.read;
    if (issues) throw new Error(`${issues} issues in a generated export`);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ stage, rows, seconds, rowsPerSecond: Math.round(rows / seconds), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: 'county,5m' }, stage: { type: 'string' }, dir: { type: 'string' }, 'read-chunk': { type: 'string' } } });
  const readChunk = Number(values['read-chunk'] ?? READ_CHUNK_BYTES);
  if (!Number.isInteger(readChunk) || readChunk < 1) throw new Error(`--read-chunk takes a number of bytes, not ${values['read-chunk']}`);
  if (values.stage) return measure(values.stage as Stage, values.dir!, readChunk);

  const sizes: Record<string, { dir: string; args: string[] }> = {
    county: { dir: join(root, 'data/sample'), args: [] },
    '5m': { dir: join(root, 'bench-results/data-5m'), args: ['--province', '42', '--years', '2026', '--rows-per-year', '5000000'] },
  };
  const results: unknown[] = [];
  for (const size of values.sizes.split(',')) {
    const spec = sizes[size];
    if (!spec) throw new Error(`unknown size ${size}; use county or 5m`);
    if (!existsSync(join(spec.dir, 'payments.csv'))) {
      console.log(`generating ${size} data in ${spec.dir} …`);
      const gen = spawnSync(process.execPath, [join(root, 'scripts/generate-sample.ts'), '--out', spec.dir, ...spec.args], { stdio: 'inherit' });
      if (gen.status !== 0) throw new Error('sample generation failed');
    }
    for (const stage of STAGES) {
      const child = spawnSync(process.execPath, [import.meta.filename, '--stage', stage, '--dir', spec.dir, '--read-chunk', String(readChunk)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${stage} on ${size} failed: ${child.stderr}`);
      const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
      results.push({ size, ...r });
      console.log(`${size.padEnd(7)} ${stage.padEnd(11)} ${String(r.rows).padStart(9)} rows  ${r.seconds.toFixed(1).padStart(6)} s  ${String(r.rowsPerSecond).padStart(8)} rows/s  peak ${r.peakRssMiB} MiB`);
    }
  }
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results/ingest.json'), JSON.stringify({ node: process.version, cpus: (await import('node:os')).cpus().length, results }, null, 2) + '\n');
  console.log('figures written to bench-results/ingest.json');
}

await main();
