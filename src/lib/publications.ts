/**
 * Publications: each build from an export is a publication with a date-based id, an "as
 * of" date taken from the export (never the build machine's clock) and the hash of every
 * input file. A history folder holds several (`publications/<id>/`, each a full export);
 * the latest is the current site, earlier versions of a notice stay reachable.
 *
 * This module holds the shapes of the files the build writes about publications and the
 * pure rules (ids, ordering, versions of a notice, feed entries); scripts/publications.ts
 * does the reading and writing.
 */
import type { DiffCounts, FieldChange, RowRef } from './corrections.ts';
import type { SiteMeta } from './publish.ts';

/** A publication id: the publication date, with an optional sequence number for a second one that day (2026-02-15, 2026-02-15-2). */
export const PUBLICATION_ID = /^(\d{4})-(\d{2})-(\d{2})(?:-([1-9]\d{0,2}))?$/;

/** True when `id` is a valid publication id (a real calendar date, optional -N suffix). */
export function isPublicationId(id: string): boolean {
  const m = PUBLICATION_ID.exec(id);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Orders publication ids oldest first: by date, then by sequence number (none before -2). */
export function comparePublicationIds(a: string, b: string): number {
  const ma = PUBLICATION_ID.exec(a);
  const mb = PUBLICATION_ID.exec(b);
  if (!ma || !mb) throw new Error(`not a publication id: ${ma ? b : a}`);
  const da = a.slice(0, 10);
  const db = b.slice(0, 10);
  if (da !== db) return da < db ? -1 : 1;
  return Number(ma[4] ?? 1) - Number(mb[4] ?? 1);
}

/** The publication date (YYYY-MM-DD) of an id. */
export function publicationDate(id: string): string {
  if (!PUBLICATION_ID.test(id)) throw new Error(`not a publication id: ${id}`);
  return id.slice(0, 10);
}

/**
 * Validates and orders the folder names of a history's `publications/` folder. Names that
 * are not ids are reported (not silently skipped): a typo would otherwise hide a publication.
 */
export function orderPublications(names: readonly string[]): { ids: string[]; invalid: string[] } {
  const ids = names.filter(isPublicationId).sort(comparePublicationIds);
  const invalid = names.filter((n) => !isPublicationId(n)).sort();
  return { ids, invalid };
}

/** One input file of a publication, as hashed while it was read. */
export interface PublicationInput {
  file: string;
  bytes: number;
  sha256: string;
}

/** Counts of what a publication changed in the notices (against the previous publication). */
export interface PublicationCounts {
  /** Village-year notices in this publication. */
  notices: number;
  /** Notices that did not exist in the previous publication (every notice of the first one). */
  new: number;
  /** Notices whose rows changed. */
  corrected: number;
  /** Notices of the previous publication missing from this one. */
  withdrawn: number;
  rowsAdded: number;
  rowsRemoved: number;
  rowsChanged: number;
}

/** One publication in the history (publications.json, /manifest.json). */
export interface PublicationRecord extends PublicationCounts {
  id: string;
  /** Publication date, from the id. */
  date: string;
  /** "As of" date of the data, from the export. */
  asOf: string;
  years: number[];
  inputs: PublicationInput[];
}

/** The record of a publication from the data stage's meta and extra inputs (site.json), inputs sorted by file name. */
export function publicationRecord(id: string, meta: Pick<SiteMeta, 'asOf' | 'years' | 'inputs'>, extraInputs: readonly PublicationInput[], counts: PublicationCounts): PublicationRecord {
  const inputs = [...meta.inputs.map(({ file, bytes, sha256 }) => ({ file, bytes, sha256 })), ...extraInputs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { id, date: publicationDate(id), asOf: meta.asOf, years: [...meta.years], inputs, ...counts };
}

/** The id of a single export's publication: its as-of date (a single export has no history folder to name it). */
export function singleExportId(asOf: string): string {
  if (!isPublicationId(asOf)) throw new Error(`as-of date ${asOf} is not a YYYY-MM-DD date`);
  return asOf;
}

/** One version of a village-year's notice: a publication in which its rows changed (or first appeared). */
export interface NoticeVersion {
  /** Version number, 1 for the first publication that had the notice. */
  n: number;
  publication: string;
  date: string;
  asOf: string;
  /** Content hash of the rows (src/lib/integrity.ts). */
  hash: string;
  rows: number;
}

/** How a version differs from the previous one; rows are capped at {@link MAX_LISTED_ROWS} per kind. */
export interface NoticeCorrection {
  /** The version this correction made. */
  version: number;
  publication: string;
  date: string;
  asOf: string;
  counts: DiffCounts;
  added: RowRef[];
  removed: RowRef[];
  changed: Array<{ before: RowRef; after: RowRef; fields: FieldChange[] }>;
  /** True when some rows were left out of the lists above (the counts are complete). */
  truncated: boolean;
}

/** history/{year}/{code}.json: every version of one village-year's notice and the corrections between them. */
export interface NoticeHistory {
  year: number;
  code: string;
  versions: NoticeVersion[];
  corrections: NoticeCorrection[];
  /** Set when the latest publication no longer has this notice. */
  withdrawn: { publication: string; date: string; rows: number } | null;
}

/** versions.json: a notice with version pages, and the row count of each version (for paging). */
export interface VersionedNotice {
  year: number;
  code: string;
  /** Rows of versions 1…n. */
  rows: number[];
  /** True when the latest publication no longer has it. */
  withdrawn: boolean;
}

/** Rows listed per kind in a stored correction (the counts stay complete; both versions' CSVs have every row). */
export const MAX_LISTED_ROWS = 1000;

/** The current (latest) version of a notice. */
export function currentVersion(h: NoticeHistory): NoticeVersion {
  return h.versions[h.versions.length - 1]!;
}

/** Path of version n of a notice (built only for notices with more than one version). */
export function versionPath(code: string, year: number, n: number, page = 1): string {
  return page <= 1 ? `/r/${code}/${year}/v/${n}/` : `/r/${code}/${year}/v/${n}/p/${page}/`;
}

/** Path of the CSV of version n of a notice. */
export function versionCsvPath(code: string, year: number, n: number): string {
  return `/api/${year}/${code}/v/${n}.csv`;
}

/** What happened to a notice in a publication. */
export type ChangeKind = 'new' | 'corrected' | 'withdrawn';

/** One notice event of a publication (changes.json, feeds). */
export interface ChangeEntry {
  publication: string;
  date: string;
  asOf: string;
  kind: ChangeKind;
  year: number;
  code: string;
  name: string;
  /** Township (乡镇/街道) of the village, for grouping and township feeds. */
  township: { code: string; name: string } | null;
  /** The version this event made (the last version for a withdrawal). */
  version: number;
  rows: number;
  counts: DiffCounts | null;
}

/** Orders change entries newest first: publication, then year (newest first), then code. */
export function compareChanges(a: ChangeEntry, b: ChangeEntry): number {
  if (a.publication !== b.publication) return -comparePublicationIds(a.publication, b.publication);
  if (a.year !== b.year) return b.year - a.year;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

/** Entries per Atom feed (newest first); older ones stay on the notices' own version lists. */
export const FEED_SIZE = 100;

/**
 * Keeps the newest `size` entries of a growing list without holding them all: call
 * `add` for each entry in any order, `entries()` at the end.
 */
export class NewestEntries {
  private list: ChangeEntry[] = [];
  private readonly size: number;

  constructor(size = FEED_SIZE) {
    this.size = size;
  }

  /** Adds an entry. */
  add(e: ChangeEntry): void {
    this.list.push(e);
    if (this.list.length >= this.size * 2) this.trim();
  }

  private trim(): void {
    this.list.sort(compareChanges);
    this.list.length = Math.min(this.list.length, this.size);
  }

  /** The newest entries, newest first. */
  entries(): ChangeEntry[] {
    this.trim();
    return this.list;
  }
}

/** feeds/{code}.json: the newest notice events of a county or township, for its Atom feed. */
export interface FeedFile {
  code: string;
  name: string;
  /** Date of the latest publication (the feed's updated time; never the clock). */
  updated: string;
  entries: ChangeEntry[];
}

/** Said under a publication whose changes were not all kept in changes.json. */
export const CHANGES_LIMIT_NOTE = '这次发布改动的公示较多，这里只列出一部分；每份公示页面上都有它自己的完整更正记录。';

/** A publication with its change entries, for the /changes/ page. */
export interface ChangeGroup {
  publication: PublicationRecord;
  /** True for the first publication (nothing to compare with). */
  first: boolean;
  entries: ChangeEntry[];
  /** True when some of this publication's changes are not in the list (see {@link CHANGES_LIMIT_NOTE}). */
  cut: boolean;
}

/** Groups change entries by publication, in the order of `publications` (pass them newest first). */
export function groupChanges(entries: readonly ChangeEntry[], publications: readonly PublicationRecord[]): ChangeGroup[] {
  const oldest = publications.reduce<string | null>((min, p) => (min === null || comparePublicationIds(p.id, min) < 0 ? p.id : min), null);
  return publications.map((p) => {
    const mine = entries.filter((e) => e.publication === p.id);
    const first = p.id === oldest;
    return { publication: p, first, entries: mine, cut: !first && mine.length < p.corrected + p.new + p.withdrawn };
  });
}
