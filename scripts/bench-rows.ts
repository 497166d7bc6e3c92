/**
 * How fast notices read their rows: a village-year's rows file parsed as pages do
 * (parsePublicCsvBytes, in pieces) against the file read as one string (parsePublicCsv) and
 * against its bytes decoded whole, over every rows file of a folder. Checks first that all
 * ways give the same rows, then times each, alternated, six rounds (the first left out).
 *
 *   node scripts/bench-rows.ts .data/rows/2026
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parsePublicCsv, parsePublicCsvBytes, type PublicRow } from '../src/lib/publish.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node scripts/bench-rows.ts <folder of rows files, e.g. .data/rows/2026>');
const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => join(dir, f));
const ways: Record<string, (path: string) => PublicRow[]> = {
  pieces: (f) => parsePublicCsvBytes(readFileSync(f)),
  string: (f) => parsePublicCsv(readFileSync(f, 'utf8')),
  decodedWhole: (f) => parsePublicCsvBytes(readFileSync(f), Infinity),
};
for (const f of files) {
  const rows = ways.string!(f);
  for (const [name, read] of Object.entries(ways)) if (name !== 'string' && !isDeepStrictEqual(read(f), rows)) throw new Error(`${name} reads other rows from ${f}`);
}
const times = new Map<string, number[]>(Object.keys(ways).map((k) => [k, []]));
for (let round = 0; round < 6; round++) {
  for (const [name, read] of Object.entries(ways)) {
    const t = performance.now();
    for (const f of files) read(f);
    if (round > 0) times.get(name)!.push((performance.now() - t) / files.length);
  }
}
console.log(`${files.length} files of ${dir}`);
for (const [name, v] of times) console.log(`${name.padEnd(12)} ${Math.min(...v).toFixed(3)}–${Math.max(...v).toFixed(3)} ms a file`);
