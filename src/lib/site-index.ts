/**
 * The site's indexes for machines: `/manifest.json` (every published data file with its
 * size and SHA-256, and the publication history) and `/sitemap.xml`. Pure: the build's
 * last step (scripts/site-index.ts) lists the built files, takes their writer's records of
 * size and SHA-256 or hashes them, and passes them in, so both describe exactly the bytes
 * that are served.
 */
import { escapeXml } from './feeds.ts';
import type { PublicationRecord } from './publications.ts';

/** Extensions of published data files (downloads, API, lookup shards). */
export const DATA_FILE = /\.(csv|json|bin)$/;
/** Folders of the built site that hold no data files (scripts, styles, the search index). */
export const NOT_DATA = /^(_astro|pagefind)\//;
/** URLs per sitemap file (the protocol's limit); more go into sitemap-{n}.xml under a sitemap index. */
export const SITEMAP_SIZE = 50_000;

/**
 * Folder of the built site where the writer of the data files (scripts/site-files.ts)
 * records each file's size and SHA-256 as it writes it, one `{shard}.tsv` per page shard,
 * so that the manifest need not read the files again (on a province, hundreds of thousands).
 * The manifest step takes the records and removes the folder: it is never published.
 */
export const FILE_RECORDS_DIR = '.file-records';

/** A data file's size and SHA-256 as its writer recorded them (path relative to the site, with /). */
export interface FileRecord {
  path: string;
  bytes: number;
  sha256: string;
}

/** The records' file: one `path<TAB>bytes<TAB>sha256` line per file. */
export function renderFileRecords(records: readonly FileRecord[]): string {
  return records.map((r) => `${r.path}\t${r.bytes}\t${r.sha256}\n`).join('');
}

const RECORD_LINE = /^([^\t\n]+)\t(\d+)\t([0-9a-f]{64})$/;

/**
 * Adds the records of one records file to `into`. A line that is not a record is skipped,
 * and a path recorded twice with other values is marked `null`: such files are hashed
 * again, as are files without a record.
 */
export function addFileRecords(text: string, into: Map<string, FileRecord | null>): void {
  for (const line of text.split('\n')) {
    const m = RECORD_LINE.exec(line);
    if (!m) continue;
    const record = { path: m[1]!, bytes: Number(m[2]), sha256: m[3]! };
    const had = into.get(record.path);
    into.set(record.path, had === undefined || (had && had.bytes === record.bytes && had.sha256 === record.sha256) ? record : null);
  }
}

/** One file in the manifest. */
export interface ManifestFile {
  /** Site path, e.g. /api/2026/420583101201.csv. */
  path: string;
  bytes: number;
  sha256: string;
}

/** /manifest.json. */
export interface Manifest {
  siteName: string;
  baseUrl: string;
  /** Id of the publication the site shows. */
  publication: string;
  asOf: string;
  algorithm: 'sha256';
  /** Publications oldest first, with the hashes of their input files. */
  publications: PublicationRecord[];
  /** Every data file, sorted by path. */
  files: ManifestFile[];
}

/** True when a file of the built site (path relative to its root, with /) is a data file listed in the manifest. */
export function isDataFile(rel: string): boolean {
  return DATA_FILE.test(rel) && !NOT_DATA.test(rel) && rel !== 'manifest.json';
}

const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The manifest JSON: one file per line, so a diff between two publications reads well. */
export function renderManifest(m: Manifest): string {
  const { files, ...rest } = m;
  const head = JSON.stringify(rest, null, 1).replace(/\n\}$/, '');
  const lines = [...files].sort(byPath).map((f) => `  ${JSON.stringify(f)}`);
  return `${head},\n "files": [${lines.length ? `\n${lines.join(',\n')}\n ` : ''}]\n}\n`;
}

/** One page in the sitemap. */
export interface SitemapEntry {
  /** Site path ending in /. */
  path: string;
  /** YYYY-MM-DD when known (the publication of a notice's current version). */
  lastmod?: string;
}

/**
 * Site path of a built HTML file for the sitemap, or null for pages not to list: embeds
 * (made for framing) and notice versions (`/v/`, marked noindex: searchers should land on
 * the current notice).
 */
export function pagePath(rel: string): string | null {
  if (!rel.endsWith('index.html') || rel.startsWith('embed/') || /^r\/\d+\/\d{4}\/v\//.test(rel)) return null;
  return '/' + rel.slice(0, -'index.html'.length);
}

function urlset(entries: readonly SitemapEntry[], baseUrl: string): string {
  const urls = entries.map((e) => `<url><loc>${escapeXml(new URL(e.path, baseUrl).href)}</loc>${e.lastmod ? `<lastmod>${e.lastmod}</lastmod>` : ''}</url>`);
  return `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}

/**
 * The sitemap files: `sitemap.xml` alone, or, above {@link SITEMAP_SIZE} pages, a sitemap
 * index at `sitemap.xml` pointing to `sitemap-1.xml`…, pages sorted by path.
 */
export function renderSitemaps(entries: readonly SitemapEntry[], baseUrl: string, size = SITEMAP_SIZE): Map<string, string> {
  const sorted = [...entries].sort(byPath);
  const out = new Map<string, string>();
  if (sorted.length <= size) {
    out.set('sitemap.xml', urlset(sorted, baseUrl));
    return out;
  }
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i += size) {
    const name = `sitemap-${parts.length + 1}.xml`;
    parts.push(name);
    out.set(name, urlset(sorted.slice(i, i + size), baseUrl));
  }
  const list = parts.map((p) => `<sitemap><loc>${escapeXml(new URL(`/${p}`, baseUrl).href)}</loc></sitemap>`);
  out.set('sitemap.xml', `<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${list.join('\n')}\n</sitemapindex>\n`);
  return out;
}
