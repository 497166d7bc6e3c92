/**
 * The private lookup's static shards (HIBP range-API style). Every payment with a
 * `person_key` goes into the shard named by the first {@link LookupIndex.prefixLength}
 * hex characters of the key, so one person's records across villages and years sit in
 * one file; the browser fetches that one file and filters it locally.
 *
 * Only the first {@link KEY_HEX} hex characters (16 bits) of a key are published: enough
 * to pick a resident's records out of a shard together with their masked ID and name,
 * too few to confirm a guess. Someone who runs the key derivation for every candidate
 * birth date and name of a published row then gets thousands of matching candidates,
 * not one (see src/pages/about/privacy.mdx).
 *
 * Shards are gzip files (the JSON compresses about 9×), padded to one size with a
 * gzip comment, so they stay plain gzip and need no server-side compression.
 *
 * Pure and free of Node and DOM imports: the data stage and the lookup page share it.
 */
import { gunzipSync } from 'fflate';
import type { TokenParams } from './token.ts';
import { pageOfRow, yearPath } from './urls.ts';

/** Hex characters of a key that are published (prefix in the shard's file name + the rest in the shard). */
export const KEY_HEX = 4;

/** Mean records per shard the prefix length aims at (small downloads, little padding), up to 4,096 shards. */
export const TARGET_RECORDS_PER_SHARD = 64;

/** The prefix length of 4,096 shards, kept until their mean exceeds {@link LARGE_SHARD_RECORDS} records. */
const SMALL_PREFIX_LENGTH = 3;

/**
 * Mean records per shard above which 4,096 shards become 65,536. Ten counties (5 million
 * records) have 1,224 records a shard, 30,275 bytes padded with format 1 (which held the
 * notice's link): about a second on slow 3G (400 ms latency, 50 KB/s). More files for
 * them would not change what a resident waits for.
 */
export const LARGE_SHARD_RECORDS = 2048;

/**
 * Longest shard prefix: 4 hex characters = 65,536 files at most, every bit of the key
 * that is published. A province (75 million records) gets about 1,150 records a shard;
 * at 4,096 shards its shard was 714 KB (a measured province build), 14 s to download on
 * a slow 3G connection of 50 KB/s.
 */
export const MAX_PREFIX_LENGTH = 4;

/** Format version of index and shard files (2: entries without the notice link, which the page computes). */
export const LOOKUP_VERSION = 2;

/** `lookup/index.json`: how the shards were cut, and the public token parameters. */
export interface LookupIndex {
  version: number;
  keyHex: number;
  /** Hex characters of the key in a shard's name: 16^prefixLength shard files. */
  prefixLength: number;
  shardCount: number;
  /** Every shard file has exactly this many bytes (padded with spaces). */
  shardBytes: number;
  /** Distinct person keys. */
  persons: number;
  /** Payment records in all shards. */
  records: number;
  /** Persons with a 两头缴 (credited in two or more villages in one coverage year). */
  duplicatePersons: number;
  /** Token parameters from site.json `lookup`, or null when the publisher set none (lookup disabled). */
  params: TokenParams | null;
}

/** One payment of a person as the lookup page shows it (all fields already public on the notice). */
export interface LookupRecord {
  year: number;
  code: string;
  /** 序号 of the row on its village notice (1-based). */
  row: number;
  status: string;
  /** Yuan with two decimals, as on the notice. */
  amount: string;
  paidOn: string;
  channel: string;
  /** Masked name. */
  name: string;
  /** Masked ID number. */
  idNumber: string;
  /** Township and village names (the places below the site's top region). */
  place: string;
  /** Link to the notice page that lists the row (computed from code, year and row: not in the shard). */
  href: string;
  /** Part of a 两头缴: credited here and in another village for the same coverage year. */
  duplicate: boolean;
}

/** What a shard holds of a record: all but the link, which follows from code, year and row. */
export type ShardRecord = Omit<LookupRecord, 'href'>;

/**
 * A shard entry: the key's published rest (empty when the shard's name holds all of it),
 * then the record's fields in {@link LookupRecord} order, without the link.
 */
export type ShardEntry = [k: string, year: number, code: string, row: number, status: string, amount: string, paidOn: string, channel: string, name: string, idNumber: string, place: string, duplicate: 0 | 1];

/** A shard file's content before padding. */
export interface Shard {
  v: number;
  entries: ShardEntry[];
}

/**
 * The shard prefix length for a number of records: the shortest giving ≤
 * {@link TARGET_RECORDS_PER_SHARD} per shard, at most 4,096 shards; 65,536 when 4,096 would
 * hold more than {@link LARGE_SHARD_RECORDS} each.
 */
export function prefixLengthFor(records: number): number {
  for (let len = 1; len < SMALL_PREFIX_LENGTH; len++) if (records / 16 ** len <= TARGET_RECORDS_PER_SHARD) return len;
  return records / 16 ** SMALL_PREFIX_LENGTH <= LARGE_SHARD_RECORDS ? SMALL_PREFIX_LENGTH : MAX_PREFIX_LENGTH;
}

/** Every shard prefix of a length, in order ("0", "1", … or "000" … "fff"). */
export function shardPrefixes(prefixLength: number): string[] {
  return Array.from({ length: 16 ** prefixLength }, (_, i) => i.toString(16).padStart(prefixLength, '0'));
}

/** The shard (file name without extension) holding a token's records. */
export function shardOf(token: string, prefixLength: number): string {
  return token.slice(0, prefixLength);
}

/** The part of a token's key published inside its shard. */
export function entryKey(token: string, prefixLength: number): string {
  return token.slice(prefixLength, KEY_HEX);
}

/** Path of a shard file on the site. */
export function shardPath(prefix: string): string {
  return `/lookup/s/${prefix}.bin`;
}

/** Shard entry of a record of the person with `token`. */
export function toEntry(token: string, prefixLength: number, r: ShardRecord): ShardEntry {
  return [entryKey(token, prefixLength), r.year, r.code, r.row, r.status, r.amount, r.paidOn, r.channel, r.name, r.idNumber, r.place, r.duplicate ? 1 : 0];
}

function compareEntries(a: ShardEntry, b: ShardEntry): number {
  return (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0) || a[3] - b[3];
}

/** Shard text (JSON, entries sorted) before padding. */
export function renderShard(entries: ShardEntry[]): string {
  return JSON.stringify({ v: LOOKUP_VERSION, entries: [...entries].sort(compareEntries) } satisfies Shard);
}

const FCOMMENT = 0x10;

/**
 * Pads a gzip member (as zlib writes it: 10-byte header, no optional fields) to exactly
 * `size` bytes by adding a header comment (FCOMMENT: spaces ended by NUL). The result is
 * still a standard gzip file; every decoder skips the comment.
 */
export function padGzip(gz: Uint8Array, size: number): Uint8Array {
  if (gz[0] !== 0x1f || gz[1] !== 0x8b || gz[3] !== 0) throw new Error('padGzip expects a gzip member with no optional header fields');
  const extra = size - gz.byteLength;
  if (extra < 0) throw new Error(`shard of ${gz.byteLength} bytes does not fit the padded size ${size}`);
  if (extra === 0) return gz;
  const out = new Uint8Array(size);
  out.set(gz.subarray(0, 10));
  out[3] = FCOMMENT;
  out.fill(0x20, 10, 10 + extra - 1);
  out[10 + extra - 1] = 0;
  out.set(gz.subarray(10), 10 + extra);
  return out;
}

/** Parses shard JSON. */
export function parseShard(text: string): Shard {
  const shard = JSON.parse(text) as Shard;
  if (shard.v !== LOOKUP_VERSION || !Array.isArray(shard.entries)) throw new Error(`unknown shard format ${String(shard.v)}`);
  return shard;
}

/** Decodes a fetched shard file (padded gzip of the shard JSON). */
export function decodeShard(bytes: Uint8Array): Shard {
  return parseShard(new TextDecoder().decode(gunzipSync(bytes)));
}

/**
 * The records of one person in a shard: same published key AND same masked ID and
 * masked name, which rules out the strangers who share the short key. Newest year
 * first, then by place and row.
 */
export function findRecords(shard: Shard, token: string, prefixLength: number, maskedId: string, maskedName: string): LookupRecord[] {
  const k = entryKey(token, prefixLength);
  return shard.entries
    .filter((e) => e[0] === k && e[9] === maskedId && e[8] === maskedName)
    .map(([, year, code, row, status, amount, paidOn, channel, name, idNumber, place, duplicate]) => ({ year, code, row, status, amount, paidOn, channel, name, idNumber, place, href: yearPath(code, year, pageOfRow(row - 1)), duplicate: duplicate === 1 }))
    .sort((a, b) => b.year - a.year || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || a.row - b.row);
}
