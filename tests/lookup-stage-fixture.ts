/**
 * A small lookup stage for tests: three villages of two townships, and payments streamed
 * through a LookupStage the way the data stage does it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PaymentCells } from '../src/lib/contract.ts';
import type { LookupIndex } from '../src/lib/lookup.ts';
import { buildRegions } from '../src/lib/regions.ts';
import { LookupStage } from '../scripts/lookup-stage.ts';
import { tempDir } from './helpers.ts';

export const regions = new Map(buildRegions('regions.csv', [
  ['420583000000', '枝江市'], ['420583103000', '顾家店镇'], ['420583103201', '沙碛坪村'], ['420583103202', '青龙湖村'], ['420583104000', '董市镇'], ['420583104201', '姚家港村'],
].map(([code, name], i) => ({ code: code!, name: name!, line: i + 2 }))).regions.map((r) => [r.code, r]));
export const VILLAGES = ['420583103201', '420583103202', '420583104201'];
export const params = { salt: '00112233445566778899aabbccddeeff', iterations: 1000 };

export function payment(key: string, year: number, code: string, status: PaymentCells['status'], name = '张*', id = '420583********123X'): PaymentCells {
  return { coverage_year: year, region_code: code, name, id_number: id, amount: 40000, paid_on: `${year - 1}-10-20`, channel: '线上/手机', status, subsidy: undefined, age_band: undefined, person_key: key };
}

/** Streams payments through a LookupStage in a temp dir, numbering rows per village-year like the data stage. */
export async function stage(payments: PaymentCells[], jobs = 1) {
  const dir = tempDir('lookup-test-');
  const s = new LookupStage(dir, regions);
  const rows = new Map<string, number>();
  for (const p of payments) {
    const k = `${p.coverage_year}:${p.region_code}`;
    const row = (rows.get(k) ?? 0) + 1;
    rows.set(k, row);
    s.add(p, row);
  }
  const result = await s.finish(params, [], jobs);
  const shardDir = join(dir, 'lookup', 's');
  return { dir, shardDir, result, index: JSON.parse(readFileSync(join(dir, 'lookup', 'index.json'), 'utf8')) as LookupIndex };
}
