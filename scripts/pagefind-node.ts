/**
 * Runs the site's generated Pagefind bundles (`dist/pagefind/`) in Node through the search
 * page's own client (src/lib/search-client.ts), the same code a phone runs, with `fetch`
 * answered from the files on disk. Counts every file the bundles load, so the benchmark can report what a first query transfers.
 * Used by scripts/bench-search.ts and the search tests.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { SiteSearch, type PagefindModule, type ResultData, type SearchOptions } from '../src/lib/search-client.ts';

/** One search hit as the search page uses it. */
export type Hit = ResultData;

/** Options of a search (Pagefind's filters and sort). */
export type { SearchOptions };

/** The bundle loaded in Node. */
export interface NodePagefind {
  /**
   * Searches as the search page does; returns the number of results and the data of the first
   * `withData` (10, a screenful). A sort the page would refuse (too many bundles) throws.
   */
  search(term: string | null, options?: SearchOptions, withData?: number): Promise<{ count: number; hits: Hit[] }>;
  filters(): Promise<Record<string, Record<string, number>>>;
  /** Files the bundle fetched so far, with their sizes on disk (as served, before HTTP compression). */
  loaded: Array<{ file: string; bytes: number }>;
}

let instance = 0;
let installed = false;
const loaders = new Map<string, Array<{ file: string; bytes: number }>>();

/** Answers file: URLs from disk (Node's fetch does not), recording sizes per bundle. */
function installFetch(): void {
  if (installed) return;
  installed = true;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith('file:')) return realFetch(input, init);
    const path = fileURLToPath(url.split('?')[0]!);
    const body = await readFile(path);
    for (const [dir, list] of loaders) if (path.startsWith(dir)) list.push({ file: path.slice(dir.length), bytes: body.length });
    return new Response(body, { status: 200 });
  }) as typeof fetch;
}

/** Loads a fresh instance of the site's bundles in `pagefindDir` (dist/pagefind). */
export async function loadPagefind(pagefindDir: string): Promise<NodePagefind> {
  installFetch();
  const dir = pagefindDir.endsWith('/') ? pagefindDir : `${pagefindDir}/`;
  const loaded: Array<{ file: string; bytes: number }> = [];
  loaders.set(dir, loaded);
  const entry = join(dir, 'pagefind.js');
  loaded.push({ file: 'pagefind.js', bytes: (await readFile(entry)).length });
  // A new query string gives a new module instance, so each load starts cold.
  const pf = (await import(/* @vite-ignore */ `${pathToFileURL(entry).href}?instance=${++instance}`)) as PagefindModule;
  const site = new SiteSearch(pf, pathToFileURL(dir).href, { baseUrl: '/', excerptLength: 24 });
  return {
    loaded,
    filters: () => site.filters(),
    async search(term, options = {}, withData = 10) {
      const r = await site.search(term, options);
      if ('needsPlace' in r) throw new Error('a sorted search over this many county bundles needs a place filter');
      return { count: r.count, hits: await r.next(withData) };
    },
  };
}
