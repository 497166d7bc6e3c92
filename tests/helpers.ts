/** Shared test helpers: fixture paths, temp folders and an in-memory ingest of a fixture file. */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { FILES, type FieldSpec, type PaymentCells } from '../src/lib/contract.ts';
import { ingestFile } from '../src/lib/ingest.ts';
import type { Issue } from '../src/lib/issues.ts';
import { checkPayment } from '../src/lib/checks.ts';
import { buildRegions, type Region } from '../src/lib/regions.ts';

/** Absolute path of a file under tests/fixtures. */
export const fixture = (...parts: string[]): string => resolve(import.meta.dirname, 'fixtures', ...parts);

const tempDirs: string[] = [];

// Registered while the test file imports this module, so on the file's root suite: it runs
// after every suite of the file, wherever tempDir was called (top level, describe, hook, test).
afterAll(() => {
  if (process.env.KEEP_TEST_TMP === '1') return;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

/**
 * A new empty folder under os.tmpdir(), removed once the test file's tests have all run
 * (builds left there took ~600 MB per run). KEEP_TEST_TMP=1 keeps them for debugging.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** The regions of the small valid fixture export. */
export function fixtureRegions(): Map<string, Region> {
  const rows = [
    ['420583000000', '枝江市'], ['420583103000', '顾家店镇'], ['420583103201', '沙碛坪村'], ['420583103202', '青龙湖村'],
  ].map(([code, name], i) => ({ code: code!, name: name!, line: i + 2 }));
  return new Map(buildRegions('regions.csv', rows).regions.map((r) => [r.code, r]));
}

/** Ingests one payments fixture with the real checks; returns records, issues and the report. */
export async function ingestPayments(name: string, fields: readonly FieldSpec[] = FILES.payments.fields) {
  const records: PaymentCells[] = [];
  const issues: Issue[] = [];
  const report = await ingestFile<PaymentCells>({
    file: name,
    bytes: createReadStream(fixture('payments', name), { highWaterMark: 16 }),
    fields,
    check: checkPayment(fixtureRegions()),
    onRecord: (r) => records.push(r),
    onIssue: (i) => issues.push(i),
  });
  return { records, issues, errors: issues.filter((i) => i.severity === 'error'), report };
}

const ROOT = resolve(import.meta.dirname, '..');

/** sha256 over the project-relative paths and contents of files (sorted), skipping missing ones: a cache key for builds. */
export function hashInputs(paths: string[]): string {
  const h = createHash('sha256');
  const walk = (p: string): void => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else {
      h.update(relative(ROOT, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  for (const p of paths) walk(p);
  return h.digest('hex').slice(0, 16);
}

/** sha256 of every file under dir, by relative path (to compare two builds or a build before and after). */
export function treeHash(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
