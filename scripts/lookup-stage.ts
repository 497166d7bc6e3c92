/**
 * The data stage's part for the private lookup and 两头缴: as payments stream past,
 * each one with a `person_key` is appended to a spill file named by the key's first 2
 * hex characters (256 buckets), so every record of one person lands in one bucket.
 * At the end the buckets are read one at a time (memory bounded by 1/256 of the records),
 * duplicates are found person by person, and the padded shards, the per-village
 * duplicate marks and the lookup index are written.
 *
 *   outDir/lookup/index.json        LookupIndex
 *   outDir/lookup/s/{prefix}.bin    shards (gzip of the shard JSON), all padded to the same size
 *   outDir/dupes/{year}/{code}.json DupesFile of village-years with a 两头缴
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import type { PaymentCells } from '../src/lib/contract.ts';
import { findDuplicates, sortMarks, type DuplicateMark, type DupesFile } from '../src/lib/duplicates.ts';
import { KEY_HEX, LOOKUP_VERSION, padGzip, prefixLengthFor, renderShard, shardPrefixes, toEntry, type LookupIndex, type LookupRecord, type ShardEntry } from '../src/lib/lookup.ts';
import { pageOfRow, yearPath } from '../src/lib/notice.ts';
import { formatYuan } from '../src/lib/publish.ts';
import type { Region } from '../src/lib/regions.ts';
import type { TokenParams } from '../src/lib/token.ts';

/** A spilled payment: key, year, village, 序号, status, fen, date, channel, masked name, masked ID. */
type SpillRow = [key: string, year: number, code: string, row: number, status: string, amountFen: number, paidOn: string, channel: string, name: string, idNumber: string];

const FLUSH_RECORDS = 100_000;
/**
 * zlib level of the shards. Level 9 took 17% of the data stage's CPU on a county for
 * shards a few percent smaller than level 6 (all shards are padded to the largest anyway).
 */
const GZIP_LEVEL = 6;
/** Hex characters of the key naming a spill bucket: 256 files, few enough for large appends. */
const SPILL_HEX = 2;

/** A spill folder and how many records it holds. */
export interface SpillInfo {
  dir: string;
  records: number;
}

/** What {@link LookupStage.finish} hands back to the data stage. */
export interface LookupStageResult {
  index: LookupIndex;
  /** Rows that are part of a 两头缴, per `year:code` of a village. */
  duplicates: Map<string, number>;
}

/** Collects payments for the lookup shards and the 两头缴 detection while they stream past. */
export class LookupStage {
  private readonly outDir: string;
  private readonly spillDir: string;
  private readonly regions: ReadonlyMap<string, Region>;
  private buffers = new Map<string, string[]>();
  private buffered = 0;
  private records = 0;

  /** `spillName`: a folder of its own under outDir for each part of a data stage split across threads. */
  constructor(outDir: string, regions: ReadonlyMap<string, Region>, spillName = '.lookup-spill') {
    this.outDir = outDir;
    this.regions = regions;
    this.spillDir = join(outDir, spillName);
    rmSync(this.spillDir, { recursive: true, force: true });
    mkdirSync(this.spillDir, { recursive: true });
  }

  /** Adds one published payment and its 序号 in the village-year's notice. */
  add(p: PaymentCells, row: number): void {
    const key = p.person_key;
    if (!key) return;
    const bucket = key.slice(0, SPILL_HEX);
    let list = this.buffers.get(bucket);
    if (!list) this.buffers.set(bucket, (list = []));
    list.push(JSON.stringify([key, p.coverage_year, p.region_code, row, p.status, p.amount, p.paid_on, p.channel, p.name, p.id_number] satisfies SpillRow));
    this.records++;
    if (++this.buffered >= FLUSH_RECORDS) this.flush();
  }

  /** The spill written so far (flushed), for {@link finish} of the stage that merges the parts. */
  spill(): SpillInfo {
    this.flush();
    return { dir: this.spillDir, records: this.records };
  }

  /** Appends buffered records to their spill files. */
  flush(): void {
    for (const [bucket, lines] of this.buffers) appendFileSync(join(this.spillDir, `${bucket}.jsonl`), lines.join('\n') + '\n');
    this.buffers.clear();
    this.buffered = 0;
  }

  private readonly placeCache = new Map<string, string>();
  /** Names from below the site's top region down to the village ("顾家店镇 沙碛坪村"). */
  private place(code: string): string {
    let name = this.placeCache.get(code);
    if (name === undefined) {
      const names: string[] = [];
      for (let r = this.regions.get(code); r && r.parent !== null; r = this.regions.get(r.parent)) names.unshift(r.name);
      this.placeCache.set(code, (name = names.join(' ')));
    }
    return name;
  }

  /**
   * Reads the spill bucket by bucket, its own and the `parts`' (each bucket's files in
   * order: a person's records may be in several parts); writes shards, duplicate marks and
   * the index; removes the spills. The output does not depend on how rows were split.
   */
  finish(params: TokenParams | null, parts: readonly SpillInfo[] = []): LookupStageResult {
    this.flush();
    const spills = [{ dir: this.spillDir, records: this.records }, ...parts];
    const records = spills.reduce((n, p) => n + p.records, 0);
    const prefixLength = prefixLengthFor(records);
    const shardDir = join(this.outDir, 'lookup', 's');
    mkdirSync(shardDir, { recursive: true });
    const marks = new Map<string, DuplicateMark[]>();
    const duplicates = new Map<string, number>();
    let persons = 0;
    let duplicatePersons = 0;
    let shardBytes = 0;
    const prefixes = shardPrefixes(prefixLength);
    const open = new Map<string, ShardEntry[]>();
    const writeShard = (prefix: string): void => {
      const path = join(shardDir, `${prefix}.bin`);
      writeFileSync(path, gzipSync(renderShard(open.get(prefix) ?? []), { level: GZIP_LEVEL }));
      open.delete(prefix);
      shardBytes = Math.max(shardBytes, statSync(path).size);
    };

    // Buckets in key order: a shard is complete once the last bucket it spans has been read.
    for (const bucket of shardPrefixes(SPILL_HEX)) {
      const people = new Map<string, SpillRow[]>();
      for (const spill of spills) {
        const path = join(spill.dir, `${bucket}.jsonl`);
        if (!existsSync(path)) continue;
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (!line) continue;
          const r = JSON.parse(line) as SpillRow;
          let list = people.get(r[0]);
          if (!list) people.set(r[0], (list = []));
          list.push(r);
        }
      }
      for (const [key, rows] of people) {
        const shard = key.slice(0, prefixLength);
        let entries = open.get(shard);
        if (!entries) open.set(shard, (entries = []));
        persons++;
        const flagged = new Set<number>();
        const hits = findDuplicates(rows.map(([, year, code, row, status]) => ({ year, code, row, status })));
        for (const hit of hits) {
          const [, year, code, row] = rows[hit.index]!;
          flagged.add(hit.index);
          const vy = `${year}:${code}`;
          let list = marks.get(vy);
          if (!list) marks.set(vy, (list = []));
          list.push({ row, others: hit.others });
          duplicates.set(vy, (duplicates.get(vy) ?? 0) + 1);
        }
        if (hits.length) duplicatePersons++;
        rows.forEach(([, year, code, row, status, amountFen, paidOn, channel, name, idNumber], i) => {
          const record: LookupRecord = {
            year, code, row, status, amount: formatYuan(amountFen), paidOn, channel, name, idNumber,
            place: this.place(code), href: yearPath(code, year, pageOfRow(row - 1)), duplicate: flagged.has(i),
          };
          entries.push(toEntry(key, prefixLength, record));
        });
      }
      if (prefixLength > SPILL_HEX) {
        for (const sub of shardPrefixes(prefixLength - SPILL_HEX)) writeShard(bucket + sub);
      } else if (bucket.slice(prefixLength) === 'f'.repeat(SPILL_HEX - prefixLength)) {
        writeShard(bucket.slice(0, prefixLength));
      }
    }
    // Pad every shard to the size of the largest, so a response's size says nothing about whose it is.
    for (const prefix of prefixes) {
      const path = join(shardDir, `${prefix}.bin`);
      const gz = readFileSync(path);
      if (gz.byteLength < shardBytes) writeFileSync(path, padGzip(gz, shardBytes));
    }
    for (const [vy, list] of [...marks].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [year, code] = vy.split(':') as [string, string];
      const file: DupesFile = { year: Number(year), code, rows: sortMarks(list) };
      const path = join(this.outDir, 'dupes', year, `${code}.json`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(file));
    }
    const index: LookupIndex = {
      version: LOOKUP_VERSION, keyHex: KEY_HEX, prefixLength, shardCount: prefixes.length, shardBytes,
      persons, records, duplicatePersons, params,
    };
    writeFileSync(join(this.outDir, 'lookup', 'index.json'), JSON.stringify(index, null, 1));
    for (const spill of spills) rmSync(spill.dir, { recursive: true, force: true });
    return { index, duplicates };
  }
}
