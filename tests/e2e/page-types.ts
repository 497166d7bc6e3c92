/**
 * Every kind of page the site has, with one example URL each in the e2e build. A page
 * type that has not been built yet is listed with `path: null`, so its tests skip with
 * a message (and start running the day the page lands).
 */
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltSite } from './browser.ts';
import { E2E } from './export.ts';

/** A page type and an example of it. */
export interface PageType {
  /** Short name, used for screenshots: "notice", "overview"… */
  name: string;
  /** What it is, for test names. */
  label: string;
  /** URL path of the example, or null while no such page is built. */
  path: string | null;
  /** The URL pattern, for the skip message. */
  pattern: string;
}

/** The first HTML page under a folder of dist (sorted), as a URL path, or null. */
function firstPageUnder(site: BuiltSite, folder: string): string | null {
  const walk = (rel: string): string | null => {
    const dir = join(site.dist, rel);
    if (!existsSync(dir)) return null;
    const names = readdirSync(dir).sort();
    if (names.includes('index.html') && rel !== folder) return `/${rel}/`;
    for (const n of names) {
      if (statSync(join(dir, n)).isDirectory()) {
        const hit = walk(`${rel}/${n}`);
        if (hit) return hit;
      }
    }
    return null;
  };
  return walk(folder);
}

/** The page types of the site, resolved against a build. */
export function pageTypes(site: BuiltSite): PageType[] {
  const year = Math.max(...E2E.years);
  const at = (path: string) => (site.has(path) ? path : null);
  return [
    { name: 'overview', label: 'county overview', pattern: '/', path: at('/') },
    { name: 'region', label: 'region page', pattern: '/r/{code}/', path: at(`/r/${E2E.town.code}/`) },
    { name: 'county-year', label: 'county year page', pattern: '/r/{county}/{year}/', path: at(`/r/${E2E.county.code}/${year}/`) },
    { name: 'region-year', label: 'township year page', pattern: '/r/{township}/{year}/', path: at(`/r/${E2E.town.code}/${year}/`) },
    { name: 'notice', label: 'village notice', pattern: '/r/{village}/{year}/', path: at(`/r/${E2E.village.code}/${year}/`) },
    { name: 'notice-page', label: 'later page of a long notice', pattern: '/r/{village}/{year}/p/{n}/', path: at(`/r/${E2E.paged.code}/${year}/p/2/`) },
    { name: 'embed', label: 'chart embed', pattern: '/embed/…', path: firstPageUnder(site, 'embed') },
    { name: 'search', label: 'search', pattern: '/search/', path: at('/search/') },
    { name: 'archive', label: 'archive', pattern: '/archive/', path: at('/archive/') },
    { name: 'lookup', label: 'lookup', pattern: '/lookup/', path: at('/lookup/') },
    { name: 'about', label: 'about / methodology', pattern: '/about/', path: at('/about/') },
    { name: 'help', label: 'help page', pattern: '/help/…', path: firstPageUnder(site, 'help') },
    { name: 'announcements', label: 'announcements list', pattern: '/announcements/', path: at('/announcements/') },
    { name: 'announcement', label: 'announcement', pattern: '/announcements/…', path: firstPageUnder(site, 'announcements') },
    { name: 'not-found', label: '404 page', pattern: '/404.html', path: existsSync(join(site.dist, '404.html')) ? '/404.html' : null },
  ];
}

/**
 * The URL pattern of a page: region codes by level, years and page numbers replaced by
 * placeholders, the chart name of an embed too ("/r/{village}/{year}/p/{n}/").
 */
export function patternOf(path: string): string {
  return path
    .replace(/\/(\d{12})(?=\/)/g, (_, c: string) => `/${c.endsWith('00000000') ? '{region}' : c.endsWith('000000') ? '{county}' : c.endsWith('000') ? '{township}' : '{village}'}`)
    .replace(/\/(?:19|20)\d{2}(?=\/)/g, '/{year}')
    .replace(/\/\d+(?=\/)/g, '/{n}')
    .replace(/^(\/embed\/.*\/)[^/{}]+\/$/, '$1{chart}/');
}

/**
 * Page types as built: the planned ones (skipped while missing) and one example of every
 * other URL pattern found in the build, so a new kind of page is checked the day it lands.
 */
export function allPageTypes(site: BuiltSite): PageType[] {
  const planned = pageTypes(site);
  const seen = new Set(planned.filter((t) => t.path).map((t) => patternOf(t.path!)));
  const extra: PageType[] = [];
  for (const path of allPages(site)) {
    if (!path.endsWith('/')) continue; // 404.html and other files are planned explicitly
    const pattern = patternOf(path);
    if (seen.has(pattern)) continue;
    seen.add(pattern);
    const name = pattern.replace(/[{}]/g, '').replace(/^\/|\/$/g, '').replace(/\//g, '-') || 'home';
    extra.push({ name, label: 'page', pattern, path });
  }
  return [...planned, ...extra];
}

/** Every HTML file of the build, as URL paths, sorted. */
export function allPages(site: BuiltSite): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const n of readdirSync(join(site.dist, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      if (statSync(join(site.dist, r)).isDirectory()) walk(r);
      else if (n.endsWith('.html')) out.push('/' + (n === 'index.html' ? (rel ? rel + '/' : '') : r));
    }
  };
  walk('');
  return out;
}
