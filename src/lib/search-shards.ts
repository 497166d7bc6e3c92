/**
 * How the search index is split into bundles (scripts/search-index.ts builds them,
 * src/lib/search-client.ts searches them): one bundle for the site (articles and every
 * page outside /r/, and the pages of the province, its cities and its counties) and one per
 * county (the pages of its townships and villages).
 *
 * A county's own pages are in the site bundle because Pagefind ranks a term by how rare it
 * is in its bundle: in the county's bundle its name is on every page, so a search for
 * 枝江市 would rank the county's page below an article that mentions it once.
 *
 * Pagefind holds every indexed page in memory while it builds an index (about 0.2 MB a
 * page here), so one index of a province's 110,000 pages needed over 9 GB. A county's
 * bundle holds at most a few thousand pages, and the bundles are built one after the other.
 */
import type { PublishedRegion } from './publish.ts';
import type { ShardIndex } from './search-client.ts';

/** The 6-digit county part of a 12-digit region code. */
const countyPart = (code: string): string => code.slice(0, 6);

/** Province, city and county codes end in six zeros; a township's or village's never does. */
export function isSiteLevel(code: string): boolean {
  return code.endsWith('000000');
}

/**
 * Pages of the site bundle: top-level files, folders not named exactly "r" nor starting with
 * "em", and under r/ the region and region-year pages of the province, its cities and its
 * counties. The later pages of a long notice (r/{code}/{year}/p/{n}/) are never indexed: they
 * repeat page 1's header, so a big community would be listed ten times for one query.
 * embed/ holds a chart widget per region, year and chart, none indexed (no
 * data-pagefind-body): matching them made Pagefind read every one, for nothing. The sample
 * site has 1,692 of them for 232 regions (`find dist/embed -name '*.html'`), about 7 a region. (Pagefind's globs have no exclusion, hence the
 * alternatives.)
 */
export const SITE_GLOB = '{*.html,[!re]*/**/*.html,e[!m]*/**/*.html,r?*/**/*.html,r/??????000000/index.html,r/??????000000/*/index.html}';

/** Pages of a county's bundle: the region and region-year pages under it (every code with its six digits, but its own). */
export function shardGlob(countyCode: string): string {
  const p = countyPart(countyCode);
  // The rest of the code is not all zeros: its first non-zero digit is at one of the six places.
  const below = Array.from({ length: 6 }, (_, zeros) => `${p}${'0'.repeat(zeros)}[1-9]`);
  return `{${below.flatMap((b) => [`r/${b}*/index.html`, `r/${b}*/*/index.html`]).join(',')}}`;
}

/**
 * The county bundles of a publication, with the filter values of their pages: one for every
 * county that has townships or villages in the publication (also when the county itself is
 * not in it, as in a site of one township), in code order.
 */
export function shardIndex(regions: readonly PublishedRegion[]): ShardIndex {
  const names = new Map(regions.filter((r) => r.level === 'county').map((r) => [r.code, r.name]));
  const shards = new Map<string, Set<string>>();
  for (const r of regions) {
    if (isSiteLevel(r.code)) continue;
    const county = `${countyPart(r.code)}000000`;
    const towns = shards.get(county) ?? new Set<string>();
    if (r.level === 'township') towns.add(r.name);
    shards.set(county, towns);
  }
  return {
    shards: [...shards.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([code, towns]) => ({ code, county: names.get(code) ?? '', townships: [...towns].sort() })),
  };
}

/** Folders under r/ that no bundle's glob covers (none for a consistent publication). */
export function unindexedRegionDirs(dirNames: readonly string[], index: ShardIndex): string[] {
  const counties = new Set(index.shards.map((s) => countyPart(s.code)));
  return dirNames.filter((d) => !isSiteLevel(d) && !counties.has(countyPart(d)));
}

/** Start of a notice's payment table (src/components/NoticeTable.astro). */
const PAYMENT_TABLE = '<table class="nt"';

/**
 * A page's HTML without its payment table, as the search stage gives it to Pagefind. The
 * table sits inside a `data-pagefind-ignore` element, so the index is the same either way
 * (tested), but Pagefind no longer parses 1,000 rows per notice: most of a notice's bytes.
 * Cell text is escaped, so `</table>` only ever closes the table.
 */
export function withoutPaymentTable(html: string): string {
  const start = html.indexOf(PAYMENT_TABLE);
  if (start === -1) return html;
  const end = html.indexOf('</table>', start);
  if (end === -1) return html;
  return html.slice(0, start) + html.slice(end + '</table>'.length);
}
