import { describe, expect, it } from 'vitest';
import {
  comparePublicationIds, groupChanges, isPublicationId, NewestEntries, orderPublications, publicationDate, publicationRecord,
  type ChangeEntry, type PublicationRecord,
} from '../../src/lib/publications.ts';
import { atomDate, entryPath, escapeXml, renderAtom } from '../../src/lib/feeds.ts';
import { isDataFile, pagePath, renderManifest, renderSitemaps } from '../../src/lib/site-index.ts';

const entry = (over: Partial<ChangeEntry>): ChangeEntry => ({
  publication: '2026-02-15', date: '2026-02-15', asOf: '2026-02-15', kind: 'corrected', year: 2026, code: '420583103201', name: '沙碛坪村',
  township: { code: '420583103000', name: '顾家店镇' }, version: 2, rows: 10,
  counts: { added: 0, removed: 0, changed: 1, fields: { status: 1 }, statuses: { '未到账→已到账': 1 }, reordered: false }, ...over,
});

describe('publication ids', () => {
  it('are real dates with an optional sequence number', () => {
    expect(['2026-01-10', '2026-02-15-2', '2024-02-29'].every(isPublicationId)).toBe(true);
    expect(['2026-02-30', '2025-02-29', '2026-1-10', '2026-01-10-0', '2026-01-10b', 'latest', ''].some(isPublicationId)).toBe(false);
  });

  it('order by date, then sequence number', () => {
    expect(['2026-02-15-2', '2026-02-15', '2025-12-31', '2026-02-15-10'].sort(comparePublicationIds)).toEqual(['2025-12-31', '2026-02-15', '2026-02-15-2', '2026-02-15-10']);
    expect(publicationDate('2026-02-15-2')).toBe('2026-02-15');
  });

  it('reports folder names that are not ids instead of skipping them', () => {
    expect(orderPublications(['2026-02-15', 'tmp', '2026-01-10', '2026-13-01'])).toEqual({ ids: ['2026-01-10', '2026-02-15'], invalid: ['2026-13-01', 'tmp'] });
  });

  it('records the inputs of a publication sorted by file, with the export\'s as-of date', () => {
    const meta = { asOf: '2026-02-14', years: [2026], inputs: [{ file: 'payments.csv', encoding: 'utf-8' as const, read: 1, valid: 1, rejected: 0, errors: 0, warnings: 0, bytes: 10, sha256: 'b' }] };
    const r = publicationRecord('2026-02-15', meta, [{ file: 'enrollment.csv', bytes: 3, sha256: 'a' }], { notices: 1, new: 1, corrected: 0, withdrawn: 0, rowsAdded: 0, rowsRemoved: 0, rowsChanged: 0 });
    expect(r.inputs).toEqual([{ file: 'enrollment.csv', bytes: 3, sha256: 'a' }, { file: 'payments.csv', bytes: 10, sha256: 'b' }]);
    expect([r.id, r.date, r.asOf]).toEqual(['2026-02-15', '2026-02-15', '2026-02-14']);
  });
});

describe('NewestEntries', () => {
  it('keeps exactly the newest entries, newest first, whatever the order they come in', () => {
    const all: ChangeEntry[] = [];
    for (let i = 0; i < 60; i++) all.push(entry({ publication: `2026-0${1 + (i % 5)}-01`, date: `2026-0${1 + (i % 5)}-01`, code: `4205831032${String(i).padStart(2, '0')}` }));
    const keep = new NewestEntries(7);
    for (const e of [...all].reverse()) keep.add(e);
    const expected = [...all].sort((a, b) => (a.publication !== b.publication ? (a.publication < b.publication ? 1 : -1) : a.code < b.code ? -1 : 1)).slice(0, 7);
    expect(keep.entries()).toEqual(expected);
  });
});

describe('groupChanges', () => {
  const pub = (id: string, corrected: number): PublicationRecord => ({ id, date: id, asOf: id, years: [2026], inputs: [], notices: 5, new: 0, corrected, withdrawn: 0, rowsAdded: 0, rowsRemoved: 0, rowsChanged: corrected });
  it('groups by publication, marks the first and says when entries were cut', () => {
    const groups = groupChanges([entry({}), entry({ code: '420583103202' })], [pub('2026-02-15', 3), pub('2026-01-10', 0)]);
    expect(groups.map((g) => [g.publication.id, g.first, g.entries.length, g.cut])).toEqual([['2026-02-15', false, 2, true], ['2026-01-10', true, 0, false]]);
  });
});

describe('Atom feeds', () => {
  it('escape text from the export and date every entry by its publication, never the clock', () => {
    const xml = renderAtom({
      siteName: '医保缴费公示', baseUrl: 'https://gongshi.example.cn',
      feed: { code: '420583103000', name: '顾家店镇 <b>&', updated: '2026-02-15', entries: [entry({ name: '<img src=x onerror=alert(1)>"村' }), entry({ kind: 'new', version: 1, publication: '2026-01-10', date: '2026-01-10', counts: null })] },
    });
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('<b>');
    expect(xml).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;村');
    expect(xml.match(/<updated>[^<]+<\/updated>/g)).toEqual(['<updated>2026-02-15T00:00:00+08:00</updated>', '<updated>2026-02-15T00:00:00+08:00</updated>', '<updated>2026-01-10T00:00:00+08:00</updated>']);
    expect(xml).toContain('<id>tag:gongshi.example.cn,2026-02-15:/r/420583103201/2026/v/2/#corrected</id>');
    expect(xml).toContain('href="https://gongshi.example.cn/r/420583103201/2026/"'); // a first version links to the notice
    expect(xml.match(/<entry>/g)).toHaveLength(2);
  });

  it('link a correction to the version it made, which stays at its URL', () => {
    expect(entryPath(entry({}))).toBe('/r/420583103201/2026/v/2/');
    expect(entryPath(entry({ kind: 'withdrawn', version: 3 }))).toBe('/r/420583103201/2026/v/3/');
    expect(atomDate('2026-02-15')).toBe('2026-02-15T00:00:00+08:00');
    expect(escapeXml('a\u0001b&')).toBe('ab&amp;');
  });
});

describe('manifest and sitemap', () => {
  it('lists data files only: CSV, JSON and shards outside scripts, styles and the search index', () => {
    expect(['api/2026/420583103201.csv', 'api/2026/420583103201.json', 'lookup/s/0a.bin', 'api/2026/420583103201/v/1.csv'].every(isDataFile)).toBe(true);
    expect(['_astro/x.js', 'pagefind/pagefind-entry.json', 'manifest.json', 'index.html', 'feeds/420583000000.xml'].some(isDataFile)).toBe(false);
  });

  it('renders valid JSON with files sorted by path, one per line', () => {
    const text = renderManifest({ siteName: 's', baseUrl: 'https://x.cn', publication: '2026-02-15', asOf: '2026-02-15', algorithm: 'sha256', publications: [],
      files: [{ path: '/b.csv', bytes: 2, sha256: 'bb' }, { path: '/a.csv', bytes: 1, sha256: 'aa' }] });
    const m = JSON.parse(text);
    expect(m.files.map((f: { path: string }) => f.path)).toEqual(['/a.csv', '/b.csv']);
    expect(text).toContain('\n  {"path":"/a.csv","bytes":1,"sha256":"aa"},\n');
    expect(JSON.parse(renderManifest({ ...m, files: [] })).files).toEqual([]);
  });

  it('leaves embeds and notice versions out of the sitemap', () => {
    expect(pagePath('index.html')).toBe('/');
    expect(pagePath('r/420583103201/2026/index.html')).toBe('/r/420583103201/2026/');
    expect(pagePath('r/420583103201/2026/v/1/index.html')).toBeNull();
    expect(pagePath('embed/2026/420583000000/trend/index.html')).toBeNull();
    expect(pagePath('404.html')).toBeNull();
  });

  it('splits a big sitemap into files under a sitemap index', () => {
    const pages = Array.from({ length: 5 }, (_, i) => ({ path: `/p${4 - i}/`, lastmod: '2026-02-15' }));
    const one = renderSitemaps(pages, 'https://x.cn');
    expect([...one.keys()]).toEqual(['sitemap.xml']);
    expect(one.get('sitemap.xml')!.indexOf('/p0/')).toBeLessThan(one.get('sitemap.xml')!.indexOf('/p4/'));
    const split = renderSitemaps(pages, 'https://x.cn', 2);
    expect([...split.keys()].sort()).toEqual(['sitemap-1.xml', 'sitemap-2.xml', 'sitemap-3.xml', 'sitemap.xml']);
    expect(split.get('sitemap.xml')).toContain('<sitemapindex');
    expect(split.get('sitemap-3.xml')).toContain('<loc>https://x.cn/p4/</loc><lastmod>2026-02-15</lastmod>');
  });
});
