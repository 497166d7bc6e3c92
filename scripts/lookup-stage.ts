/**
 * The data stage's part for the private lookup and 两头缴: as payments stream past,
 * each one with a `person_key` is appended (a line of {@link spillLine}) to a spill file
 * named by the key's first 2 hex characters (256 buckets), so every record of one person
 * lands in one bucket.
 * At the end the buckets are read one at a time (memory bounded by 1/256 of the records per
 * thread; a large spill is read by two threads, each taking a range of buckets), duplicates
 * are found person by person, and the shards, the per-village duplicate marks and the
 * lookup index are written.
 *
 *   outDir/lookup/index.json        LookupIndex
 *   outDir/lookup/s/{prefix}.bin    shards (gzip of the shard JSON), not padded: the site's copy
 *                                   is padded to index.shardBytes, the largest (getLookupShard)
 *   outDir/dupes/{year}/{code}.json DupesFile of village-years with a 两头缴
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import type { PaymentCells } from '../src/lib/contract.ts';
import { findDuplicates, sortMarks, type DuplicateMark, type DupesFile } from '../src/lib/duplicates.ts';
import { KEY_HEX, LOOKUP_VERSION, prefixLengthFor, renderShard, shardPrefixes, toEntry, type LookupIndex, type ShardEntry, type ShardRecord } from '../src/lib/lookup.ts';
import { formatYuan } from '../src/lib/publish.ts';
import type { Region } from '../src/lib/regions.ts';
import type { TokenParams } from '../src/lib/token.ts';
import { defaultJobs, workerResult } from './worker-result.ts';

/** A spilled payment: key, year, village, 序号, status, fen, date, channel, masked name, masked ID. */
export type SpillRow = [key: string, year: number, code: string, row: number, status: string, amountFen: number, paidOn: string, channel: string, name: string, idNumber: string];

/**
 * One spill line: the row as JSON. Both ways tried instead cost more at province scale:
 * - tab-separated lines split back into strings sliced from the whole spill file, and the
 *   province's lookup phase took 19% longer (its first 16 buckets: 95.2 s against 80.1 s),
 *   most of it in `JSON.stringify` of the shards;
 * - JSON from a template literal is a rope of the row's cells, which are slices of
 *   papaparse's input: 40,000 buffered lines held 44 MiB of heap against 14 MiB
 *   (a micro-benchmark), and the province's reading phase ran 300 MB higher.
 */
export function spillLine(r: SpillRow): string {
  return JSON.stringify(r);
}

/** The row of a {@link spillLine}. */
export function parseSpillLine(line: string): SpillRow {
  return JSON.parse(line) as SpillRow;
}

const FLUSH_RECORDS = 100_000;
/**
 * zlib level of the shards. Level 9 took 17% of the data stage's CPU on a county for
 * shards a few percent smaller than level 6 (all shards are padded to the largest anyway).
 */
const GZIP_LEVEL = 6;
/** Hex characters of the key naming a spill bucket: 256 files, few enough for large appends. */
const SPILL_HEX = 2;
/** Number of spill buckets. */
export const SPILL_BUCKETS = 16 ** SPILL_HEX;
/**
 * Below this many spilled records the buckets are read in one thread: a worker's start-up
 * costs more than it saves.
 */
const PARALLEL_MIN_RECORDS = 200_000;

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
    list.push(spillLine([key, p.coverage_year, p.region_code, row, p.status, p.amount, p.paid_on, p.channel, p.name, p.id_number]));
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

  /**
   * Reads the spill bucket by bucket, its own and the `parts`' (each bucket's files in
   * order: a person's records may be in several parts); writes shards, duplicate marks and
   * the index; removes the spills. The output does not depend on how rows were split.
   *
   * The buckets are cut into `jobs` ranges (default: both cores for a large spill), each
   * read by a thread of its own: a person's records are all in one bucket, so the ranges
   * are independent. The output does not depend on `jobs` either.
   */
  async finish(params: TokenParams | null, parts: readonly SpillInfo[] = [], jobs?: number): Promise<LookupStageResult> {
    const spills = this.spills(parts);
    const records = spills.reduce((n, p) => n + p.records, 0);
    const prefixLength = prefixLengthFor(records);
    const threads = Math.max(1, jobs ?? (records >= PARALLEL_MIN_RECORDS ? defaultJobs() : 1));
    const results = await readBucketRanges({ outDir: this.outDir, spills, prefixLength, regions: this.regions }, bucketRanges(prefixLength, threads));
    return this.complete(params, spills, results);
  }

  /**
   * Ends the stage with bucket ranges that lookup jobs read elsewhere (`node
   * scripts/build-data.ts --lookup k/n`): their shards are already in outDir/lookup/s, and
   * `results` cover every bucket once. Writes the duplicate marks and the index, as
   * {@link finish} does, and removes the spills (the parts' may be absent: no one reads them).
   */
  adopt(params: TokenParams | null, parts: readonly SpillInfo[], results: readonly BucketRangeResult[]): LookupStageResult {
    return this.complete(params, this.spills(parts), results);
  }

  /** This stage's spill (flushed) and the parts'. */
  private spills(parts: readonly SpillInfo[]): SpillInfo[] {
    this.flush();
    return [{ dir: this.spillDir, records: this.records }, ...parts];
  }

  private complete(params: TokenParams | null, spills: readonly SpillInfo[], results: readonly BucketRangeResult[]): LookupStageResult {
    const records = spills.reduce((n, p) => n + p.records, 0);
    const prefixLength = prefixLengthFor(records);
    // Every spilled record read (ranges never overlap): a spill file missing (a lookup job on a part
    // folder copied without its spill) would otherwise give shards without its persons.
    const read = results.reduce((n, r) => n + r.records, 0);
    if (read !== records) throw new Error(`查询文件只读到 ${read} 条记录，数据分片共有 ${records} 条：某个查询分片读取的数据分片不全（缺少 .lookup-spill 文件），请重新运行查询分片`);
    const marks = new Map<string, DuplicateMark[]>();
    const duplicates = new Map<string, number>();
    for (const r of results) {
      for (const [vy, list] of r.marks) {
        const all = marks.get(vy);
        if (all) all.push(...list);
        else marks.set(vy, list);
      }
      for (const [vy, n] of r.duplicates) duplicates.set(vy, (duplicates.get(vy) ?? 0) + n);
    }
    // The site pads every shard to the size of the largest, so a response's size says nothing
    // about whose it is. Its copy reads and writes each shard anyway: padding here too took
    // 0.8 ms a shard (1,024 of a province's), about 53 s for 65,536 in one thread.
    const shardBytes = Math.max(...results.map((r) => r.shardBytes));
    const prefixes = shardPrefixes(prefixLength);
    for (const [vy, list] of [...marks].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [year, code] = vy.split(':') as [string, string];
      const file: DupesFile = { year: Number(year), code, rows: sortMarks(list) };
      const path = join(this.outDir, 'dupes', year, `${code}.json`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(file));
    }
    const index: LookupIndex = {
      version: LOOKUP_VERSION, keyHex: KEY_HEX, prefixLength, shardCount: prefixes.length, shardBytes,
      persons: results.reduce((n, r) => n + r.persons, 0), records,
      duplicatePersons: results.reduce((n, r) => n + r.duplicatePersons, 0), params,
    };
    mkdirSync(join(this.outDir, 'lookup'), { recursive: true });
    writeFileSync(join(this.outDir, 'lookup', 'index.json'), JSON.stringify(index, null, 1));
    for (const spill of spills) rmSync(spill.dir, { recursive: true, force: true });
    return { index, duplicates };
  }
}

/** What reading bucket ranges needs besides the ranges: where to write, the spills, how shards are cut, the regions (place names). */
export type BucketRangeInput = Omit<BucketRangeTask, 'from' | 'to'>;

/**
 * Reads bucket ranges, each in a thread of its own (the last in this thread, the others in
 * workers started first), writing their shards into outDir/lookup/s.
 */
export async function readBucketRanges(input: BucketRangeInput, ranges: ReadonlyArray<readonly [number, number]>): Promise<BucketRangeResult[]> {
  mkdirSync(join(input.outDir, 'lookup', 's'), { recursive: true });
  const tasks = ranges.map(([from, to]): BucketRangeTask => ({ ...input, from, to }));
  return Promise.all([...tasks.slice(0, -1).map(runRangeWorker), Promise.resolve().then(() => finishBuckets(tasks[tasks.length - 1]!))]);
}

/** A range of spill buckets to read, and where to write their shards (plain data: it is sent to a worker thread). */
export interface BucketRangeTask {
  outDir: string;
  spills: readonly SpillInfo[];
  prefixLength: number;
  regions: ReadonlyMap<string, Region>;
  /** First bucket (its number: 0 is "00") and the bucket after the last. */
  from: number;
  to: number;
}

/** What a range of buckets found (plain data: it comes back from a worker thread). */
export interface BucketRangeResult {
  /** Duplicate marks per `year:code` of a village. */
  marks: Array<[string, DuplicateMark[]]>;
  /** Rows that are part of a 两头缴, per `year:code` of a village. */
  duplicates: Array<[string, number]>;
  persons: number;
  duplicatePersons: number;
  /** Spilled records read. */
  records: number;
  /** Size of the largest shard written. */
  shardBytes: number;
}

/**
 * Cuts the spill buckets [from, to) (default: all of them) into `jobs` contiguous ranges of
 * about equal size that never split a shard (a shard spans several buckets when its prefix
 * is shorter than a bucket's); `from` and `to` must be shard boundaries.
 */
export function bucketRanges(prefixLength: number, jobs: number, from = 0, to = SPILL_BUCKETS): Array<[number, number]> {
  const step = 16 ** Math.max(0, SPILL_HEX - prefixLength);
  const units = (to - from) / step;
  const n = Math.max(1, Math.min(jobs, units));
  return Array.from({ length: n }, (_, i) => [from + Math.round((units * i) / n) * step, from + Math.round((units * (i + 1)) / n) * step]);
}

/** Names from below the site's top region down to the village ("顾家店镇 沙碛坪村"). */
function placeNamer(regions: ReadonlyMap<string, Region>): (code: string) => string {
  const cache = new Map<string, string>();
  return (code) => {
    let name = cache.get(code);
    if (name === undefined) {
      const names: string[] = [];
      for (let r = regions.get(code); r && r.parent !== null; r = regions.get(r.parent)) names.unshift(r.name);
      cache.set(code, (name = names.join(' ')));
    }
    return name;
  };
}

/**
 * Reads the buckets of a range, person by person: finds 两头缴 and writes the range's
 * shards (the site pads them to the largest shard of every range).
 */
export function finishBuckets(task: BucketRangeTask): BucketRangeResult {
  const { outDir, spills, prefixLength, regions } = task;
  const place = placeNamer(regions);
  const shardDir = join(outDir, 'lookup', 's');
  const marks = new Map<string, DuplicateMark[]>();
  const duplicates = new Map<string, number>();
  let persons = 0;
  let duplicatePersons = 0;
  let records = 0;
  let shardBytes = 0;
  const open = new Map<string, ShardEntry[]>();
  const writeShard = (prefix: string): void => {
    const gz = gzipSync(renderShard(open.get(prefix) ?? []), { level: GZIP_LEVEL });
    writeFileSync(join(shardDir, `${prefix}.bin`), gz);
    open.delete(prefix);
    shardBytes = Math.max(shardBytes, gz.byteLength);
  };

  // Buckets in key order: a shard is complete once the last bucket it spans has been read.
  for (const bucket of shardPrefixes(SPILL_HEX).slice(task.from, task.to)) {
    const people = new Map<string, SpillRow[]>();
    for (const spill of spills) {
      const path = join(spill.dir, `${bucket}.jsonl`);
      if (!existsSync(path)) continue;
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line) continue;
        const r = parseSpillLine(line);
        records++;
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
        const record: ShardRecord = {
          year, code, row, status, amount: formatYuan(amountFen), paidOn, channel, name, idNumber,
          place: place(code), duplicate: flagged.has(i),
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
  return { marks: [...marks], duplicates: [...duplicates], persons, duplicatePersons, records, shardBytes };
}

/** Runs {@link finishBuckets} in a worker thread. */
function runRangeWorker(task: BucketRangeTask): Promise<BucketRangeResult> {
  return workerResult<BucketRangeResult>(new URL('./lookup-range-worker.ts', import.meta.url), task, `lookup buckets ${task.from}–${task.to - 1}`);
}
