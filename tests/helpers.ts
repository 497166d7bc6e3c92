/** Shared test helpers: fixture paths and an in-memory ingest of a fixture file. */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { FILES, type FieldSpec, type PaymentCells } from '../src/lib/contract.ts';
import { ingestFile } from '../src/lib/ingest.ts';
import type { Issue } from '../src/lib/issues.ts';
import { checkPayment } from '../src/lib/checks.ts';
import { buildRegions, type Region } from '../src/lib/regions.ts';

/** Absolute path of a file under tests/fixtures. */
export const fixture = (...parts: string[]): string => resolve(import.meta.dirname, 'fixtures', ...parts);

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
