/**
 * Runs the site's generated Pagefind bundle (`dist/pagefind/pagefind.js`) in Node, the
 * same code a phone runs, with `fetch` answered from the files on disk. Counts every
 * file the bundle loads, so the benchmark can report what a first query transfers.
 * Used by scripts/bench-search.ts and the search tests.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

/** One search hit as the search page uses it. */
export interface Hit {
  url: string;
  meta: Record<string, string>;
  excerpt: string;
  /** Words Pagefind indexed for the page. */
  word_count: number;
}

/** Options of a search (Pagefind's filters and sort). */
export interface SearchOptions {
  filters?: Record<string, string | string[]>;
  sort?: Record<string, 'asc' | 'desc'>;
}

/** The bundle loaded in Node. */
export interface NodePagefind {
  /** Searches; returns the number of results and the data of the first `withData` (10, a screenful). */
  search(term: string | null, options?: SearchOptions, withData?: number): Promise<{ count: number; hits: Hit[] }>;
  filters(): Promise<Record<string, Record<string, number>>>;
  /** Files the bundle fetched so far, with their sizes on disk (as served, before HTTP compression). */
  loaded: Array<{ file: string; bytes: number }>;
}

interface PagefindModule {
  options(o: Record<string, unknown>): Promise<void>;
  init(): Promise<void>;
  search(term: string | null, o?: SearchOptions): Promise<{ results: Array<{ data(): Promise<Hit> }> }>;
  filters(): Promise<Record<string, Record<string, number>>>;
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

/** Loads a fresh instance of the bundle in `pagefindDir` (dist/pagefind). */
export async function loadPagefind(pagefindDir: string): Promise<NodePagefind> {
  installFetch();
  const dir = pagefindDir.endsWith('/') ? pagefindDir : `${pagefindDir}/`;
  const loaded: Array<{ file: string; bytes: number }> = [];
  loaders.set(dir, loaded);
  const entry = join(dir, 'pagefind.js');
  loaded.push({ file: 'pagefind.js', bytes: (await readFile(entry)).length });
  // A new query string gives a new module instance, so each load starts cold.
  const pf = (await import(/* @vite-ignore */ `${pathToFileURL(entry).href}?instance=${++instance}`)) as PagefindModule;
  await pf.options({ basePath: pathToFileURL(dir).href, baseUrl: '/', excerptLength: 24 });
  await pf.init();
  return {
    loaded,
    filters: () => pf.filters(),
    async search(term, options = {}, withData = 10) {
      const r = await pf.search(term, options);
      const hits = await Promise.all(r.results.slice(0, withData).map((x) => x.data()));
      return { count: r.results.length, hits };
    },
  };
}
