/**
 * Shared machinery of the browser tests: build the e2e export once (cached by input
 * hash), serve `dist/` on 127.0.0.1 with a small static server, drive Debian's Chromium
 * with playwright-core, and watch every page for what a person would suffer from:
 * requests to other hosts, console errors, axe violations, heavy pages.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { SiteMeta } from '../../src/lib/publish.ts';
import { writeE2eExport } from './export.ts';
import { hashInputs } from '../helpers.ts';

const require = createRequire(import.meta.url);

/** Repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');
/** Where screenshots, PDFs and the page-weight table go (gitignored; CI keeps it as an artefact). */
export const RESULTS = join(ROOT, 'test-results');
/** Debian's Chromium; CHROMIUM_PATH overrides it for other machines. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The phone the resident holds: 390 CSS px wide. */
export const PHONE = { width: 390, height: 844 } as const;

// ---- Chromium --------------------------------------------------------------------

/**
 * Whether the browser tests can run. On CI (CI=true) a missing Chromium is an error, so
 * the browser tests can never pass by not running; locally they skip with a message.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${msg} The browser tests must run on CI.`);
  console.warn(`[e2e] skipped: ${msg}`);
  return false;
}

/** Font families fontconfig offers for Chinese (empty when no CJK font is installed). */
export function chineseFonts(): string[] {
  const r = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort() : [];
}

/** Launches headless Chromium the way CI runs it: no sandbox (root in a container), no GPU, no background traffic. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

// ---- The built site --------------------------------------------------------------

/** A built site: its files, its data stage output and its metadata. */
export interface BuiltSite {
  dist: string;
  data: string;
  meta: SiteMeta;
  /** Whether a page exists, by URL path ("/r/420583103201/2025/"). */
  has(path: string): boolean;
}

function siteFrom(out: string): BuiltSite {
  const dist = join(out, 'dist');
  const data = join(out, 'data');
  return {
    dist,
    data,
    meta: JSON.parse(readFileSync(join(data, 'meta.json'), 'utf8')) as SiteMeta,
    has: (path) => existsSync(join(dist, path, path.endsWith('/') ? 'index.html' : '')),
  };
}

/** Hash of the inputs of the site under test (set by buildE2eSite). */
let buildKey = '';

/**
 * Builds the e2e export with the real build command (`scripts/build.ts`) into a temp
 * folder keyed by the hash of everything the build reads, so all browser test files of
 * one run (and reruns with unchanged sources) share one build.
 */
export function buildE2eSite(): BuiltSite {
  const cache = join(tmpdir(), 'gongshi-e2e');
  mkdirSync(cache, { recursive: true });
  const exportDir = writeE2eExport(join(cache, `export-${process.pid}`));
  const key = hashInputs([exportDir, ...['src', 'scripts', 'public', 'astro.config.mjs', 'package-lock.json'].map((p) => join(ROOT, p))]);
  const out = join(cache, key);
  buildKey = key;
  try {
    if (existsSync(join(out, 'dist', 'index.html'))) return siteFrom(out);
    // Build beside the final folder and rename: a concurrent run of the same key keeps its own copy.
    const work = `${out}.${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: exportDir, DIST_DIR: join(work, 'dist'), SITE_DATA_DIR: join(work, 'data') },
    });
    if (r.status !== 0) {
      rmSync(work, { recursive: true, force: true });
      throw new Error(`e2e build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
    try {
      renameSync(work, out);
    } catch {
      rmSync(work, { recursive: true, force: true }); // another run finished first: use its build
    }
    pruneCache(cache, key);
    return siteFrom(out);
  } finally {
    rmSync(exportDir, { recursive: true, force: true });
  }
}

/** Removes old builds of other keys: keeps the newest few (other runs may still be using them) and anything from the last hour. */
function pruneCache(cache: string, keep: string): void {
  const hourAgo = Date.now() - 3_600_000;
  const builds = readdirSync(cache)
    .filter((n) => n !== keep)
    .map((n) => ({ p: join(cache, n), t: statSync(join(cache, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const [i, b] of builds.entries()) if (i >= 3 && b.t < hourAgo) rmSync(b.p, { recursive: true, force: true });
}

// ---- Static server ---------------------------------------------------------------

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
};

/** A running static server. */
export interface StaticServer {
  origin: string;
  /** Paths that answered 404, in order. */
  notFound: string[];
  close(): Promise<void>;
}

/**
 * Serves dir on 127.0.0.1 like a plain static host: `index.html` for folders (with a
 * redirect to the trailing slash), content types by extension, `404.html` (or a plain
 * text) with status 404, nothing outside dir.
 */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const root = resolve(dir);
  const notFound: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { location: url.pathname + '/' + url.search }).end();
        return;
      }
      file = join(file, 'index.html');
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      notFound.push(url.pathname);
      const page = join(root, '404.html');
      res.writeHead(404, { 'content-type': existsSync(page) ? TYPES['.html']! : TYPES['.txt']! });
      res.end(existsSync(page) ? readFileSync(page) : 'Not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'content-length': statSync(file).size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    notFound,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}

// ---- Pages under watch -----------------------------------------------------------

/**
 * The static server and Chromium of one test file: started before its tests when the site
 * was built (`site` not null), closed after them. Read `session.browser` and
 * `session.server` inside tests and hooks (they are set in `beforeAll`).
 */
export function siteSession(site: { dist: string } | null): { browser: Browser; server: StaticServer } {
  const session = {} as { browser: Browser; server: StaticServer };
  beforeAll(async () => {
    if (!site) return;
    session.server = await serveStatic(site.dist);
    session.browser = await launchBrowser();
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}

/** One response the page received, with its gzip size for the budgets. */
export interface Loaded {
  url: string;
  type: string;
  status: number;
  gzipBytes: number;
}

/** What happened while a page was open. */
export interface Watch {
  /** Requests to any host other than the site (blocked, and a failure). */
  foreign: string[];
  /** console.error messages and uncaught exceptions. */
  errors: string[];
  /** Responses with status ≥ 400 (broken links to styles, scripts, images). */
  broken: string[];
  /** Every response of the site, for the weight budgets. */
  loaded: Loaded[];
  /** Dialogs (alert, confirm, prompt) the page opened. */
  dialogs: string[];
  /** Every request the pages made: method, URL and body, to prove what never leaves the phone. */
  requests: string[];
  /** Waits for the response bodies to be measured. */
  settle(): Promise<void>;
}

/** Options of a watched browser context. */
export interface ContextOptions {
  viewport?: { width: number; height: number };
  /** Test-only: let injected scripts run in spite of the page's CSP (the XSS test compares with and without). */
  bypassCSP?: boolean;
  javaScriptEnabled?: boolean;
  acceptDownloads?: boolean;
}

/** A browser context whose pages are watched; requests to other hosts are blocked and recorded. */
export async function watchedContext(browser: Browser, origin: string, opts: ContextOptions = {}): Promise<{ context: BrowserContext; watch: Watch }> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? PHONE,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    bypassCSP: opts.bypassCSP ?? false,
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    acceptDownloads: opts.acceptDownloads ?? true,
    serviceWorkers: 'block',
  });
  const pending: Promise<void>[] = [];
  const watch: Watch = {
    foreign: [], errors: [], broken: [], loaded: [], dialogs: [], requests: [],
    settle: async () => {
      await Promise.all(pending);
    },
  };
  const isSite = (u: string) => u.startsWith(origin + '/') || u === origin || /^(data|blob|about):/.test(u);
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (isSite(u)) return route.continue();
    watch.foreign.push(u);
    return route.abort('blockedbyclient');
  });
  context.on('request', (r) => void watch.requests.push(`${r.method()} ${r.url()} ${r.postData() ?? ''}`));
  context.on('page', (page) => watchPage(page, watch, isSite, pending));
  return { context, watch };
}

function watchPage(page: Page, watch: Watch, isSite: (u: string) => boolean, pending: Promise<void>[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => watch.errors.push(`uncaught: ${e.message}`));
  page.on('dialog', (d) => {
    watch.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('response', (r) => {
    const url = r.url();
    if (!isSite(url) || url.startsWith('data:')) return;
    if (r.status() >= 400) watch.broken.push(`${r.status()} ${url}`);
    const type = r.request().resourceType();
    pending.push(r.body().then(
      (b) => void watch.loaded.push({ url, type, status: r.status(), gzipBytes: b.length ? gzipSync(b).length : 0 }),
      () => void watch.loaded.push({ url, type, status: r.status(), gzipBytes: 0 }),
    ));
  });
}

/** What went wrong on a page: all four lists are empty when it stayed on the site, logged no error, loaded nothing broken and opened no dialog. */
export function cleanReport(watch: Watch): { foreign: string[]; errors: string[]; broken: string[]; dialogs: string[] } {
  return { foreign: watch.foreign, errors: watch.errors, broken: watch.broken, dialogs: watch.dialogs };
}

/** Gzip weights of what a page loaded, by kind, in bytes. */
export function weights(watch: Watch): { html: number; css: number; js: number; other: number } {
  const w = { html: 0, css: 0, js: 0, other: 0 };
  for (const l of watch.loaded) {
    if (l.type === 'document') w.html += l.gzipBytes;
    else if (l.type === 'stylesheet') w.css += l.gzipBytes;
    else if (l.type === 'script') w.js += l.gzipBytes;
    else w.other += l.gzipBytes;
  }
  return w;
}

/** Adds a row to test-results/page-weights.json (a table for people; budgets are asserted in the tests). */
export function recordWeight(page: string, w: Record<string, number>): void {
  const file = join(RESULTS, 'page-weights.json');
  mkdirSync(RESULTS, { recursive: true });
  const old = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { build?: string; pages?: Record<string, unknown> }) : {};
  // Figures of another build (older sources) are dropped, so the table describes one site.
  const pages = old.build === buildKey ? { ...old.pages } : {};
  pages[page] = w;
  const sorted = Object.fromEntries(Object.keys(pages).sort().map((k) => [k, pages[k]]));
  writeFileSync(file, JSON.stringify({ build: buildKey, unit: 'bytes (gzip for html, css, js, other)', pages: sorted }, null, 2) + '\n');
}

// ---- Accessibility ----------------------------------------------------------------

/** A serious or critical axe violation, reduced to what a person needs to fix it. */
export interface AxeProblem {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page and returns its serious and critical violations. axe is
 * evaluated through the DevTools protocol rather than a `<script>` tag, so the page's
 * own Content-Security-Policy stays in force while it is checked.
 */
export async function axeProblems(page: Page): Promise<AxeProblem[]> {
  await page.evaluate(`${axeSource}\n;void 0`);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One stop of the keyboard: what got focus and whether the focus can be seen. */
export interface FocusStop {
  tag: string;
  text: string;
  href: string | null;
  inMain: boolean;
  visible: boolean;
}

/**
 * Presses Tab up to max times from the top of the page and records where focus lands
 * and whether it is visibly marked (a non-zero outline, including Chromium's default
 * focus ring, or a box shadow).
 */
export async function tabThrough(page: Page, max: number): Promise<FocusStop[]> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const stops: FocusStop[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
      const shadow = cs.boxShadow !== 'none';
      const r = el.getBoundingClientRect();
      return {
        tag: el.tagName.toLowerCase(),
        text: (el.innerText || el.getAttribute('aria-label') || (el as HTMLInputElement).value || '').trim().slice(0, 40),
        href: el.getAttribute('href'),
        inMain: !!el.closest('main'),
        visible: (outline || shadow) && r.width > 0 && r.height > 0,
      };
    });
    if (!stop) break;
    stops.push(stop);
  }
  return stops;
}

// ---- Artefacts -------------------------------------------------------------------

/** Saves a full-page screenshot to test-results/screenshots/{name}.png and returns the PNG. */
export async function screenshot(page: Page, name: string): Promise<Buffer> {
  const dir = join(RESULTS, 'screenshots');
  mkdirSync(dir, { recursive: true });
  return page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
