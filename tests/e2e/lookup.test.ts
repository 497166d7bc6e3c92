/**
 * The private lookup end to end: a raw fixture export goes through `npm run anonymize`
 * (so the tokens are real), the site is built from it, and headless Chromium looks up a
 * known 两头缴 person. Every request the page makes is logged: none may carry the ID
 * number, the name or the full token. Lookup timings are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { stripTypeScriptTypes } from 'node:module';
import { extname, join, normalize, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardPrefixes, type LookupIndex } from '../../src/lib/lookup.ts';
import { deriveToken, deriveTokenNormalized, idCheckChar } from '../../src/lib/token.ts';
import { runAnonymize } from '../../scripts/anonymize.ts';
import { axeProblems } from './browser.ts';
import { fixture, tempDir } from '../helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = join(ROOT, 'test-results');
const ci = process.env.CI === 'true' || process.env.CI === '1';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && ci) throw new Error(`Chromium not found at ${CHROMIUM}: the browser tests must run on CI (apt-get install -y chromium).`);

/** The known persons of tests/fixtures/raw/payments-raw.csv, read from the fixture (never written into src/). */
function rawPerson(name: string): { id: string; name: string } {
  const line = readFileSync(fixture('raw', 'payments-raw.csv'), 'utf8').split(/\r?\n/).find((l) => l.split(',')[2]?.trim() === name)!;
  return { id: line.split(',')[3]!, name };
}

interface Logged {
  url: string;
  method: string;
  headers: string;
  body: string;
}

/** Serves dist on 127.0.0.1 like a plain static host, logging every request it receives. */
async function serve(dir: string, log: string[]): Promise<{ origin: string; close(): Promise<void> }> {
  const root = resolve(dir);
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml', '.csv': 'text/csv; charset=utf-8' };
  const server: Server = createServer((req, res) => {
    log.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }) };
}

describe.skipIf(!hasChromium)('the private lookup in headless Chromium', () => {
  const work = tempDir('lookup-e2e-');
  const exportDir = join(work, 'export');
  const dist = join(work, 'dist');
  const data = join(work, 'data');
  const serverLog: string[] = [];
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  let index: LookupIndex;

  beforeAll(async () => {
    mkdirSync(exportDir);
    for (const f of ['regions.csv', 'enrollment.csv', 'site.json']) copyFileSync(fixture('raw', f), join(exportDir, f));
    const anon = await runAnonymize({ input: fixture('raw', 'payments-raw.csv'), outDir: exportDir, reportFile: join(work, 'anonymize.txt'), log: () => {} });
    expect(anon.ok).toBe(true);
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.ts')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: exportDir, DIST_DIR: dist, SITE_DATA_DIR: data } });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    index = JSON.parse(readFileSync(join(data, 'lookup', 'index.json'), 'utf8')) as LookupIndex;
    server = await serve(dist, serverLog);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('publishes every shard with exactly the same size', () => {
    const dir = join(dist, 'lookup', 's');
    const files = readdirSync(dir).sort();
    expect(files).toEqual(shardPrefixes(index.prefixLength).map((p) => `${p}.bin`));
    expect(new Set(files.map((f) => statSync(join(dir, f)).size))).toEqual(new Set([index.shardBytes]));
  });

  it('computes the same token in Chromium Web Crypto as in Node, from the same token.ts', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.origin}/lookup/`);
    const source = stripTypeScriptTypes(readFileSync(join(ROOT, 'src/lib/token.ts'), 'utf8'));
    await page.addScriptTag({ type: 'module', content: `${source}\nglobalThis.__deriveToken = deriveToken;` });
    await page.waitForFunction(() => (globalThis as { __deriveToken?: unknown }).__deriveToken !== undefined);
    const params = index.params!;
    const digits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 17, maxLength: 17 }).map((d) => d.join(''));
    const name = fc.array(fc.constantFrom('张', '欧阳', '测', '試', '𠀋', '·', ' ', '伟', 'A'), { minLength: 2, maxLength: 6 }).map((c) => c.join('')).filter((n) => n.trim().length > 0 && !/^[·\s]+$/.test(n));
    const samples = fc.sample(fc.tuple(digits, name, fc.boolean()), { numRuns: 40, seed: 6 });
    for (const [d, n, lower] of samples) {
      const id = (d + idCheckChar(d))[lower ? 'toLowerCase' : 'toUpperCase']();
      const inNode = await deriveToken(id, n, params);
      const inBrowser = await page.evaluate(([i, nm, p]) => (globalThis as unknown as { __deriveToken: (a: string, b: string, c: unknown) => Promise<string> }).__deriveToken(i, nm, p), [id, n, params] as const);
      expect(inBrowser).toBe(inNode);
    }
    await context.close();
  });

  async function lookUp(page: Page, id: string, name: string): Promise<void> {
    await page.fill('#lk-id', id);
    await page.fill('#lk-name', name);
    await page.click('#lookup button[type=submit]');
  }

  it('finds a 两头缴 person\'s two payments (and the earlier year), with no request carrying the ID, the name or the full token', async () => {
    const person = rawPerson('赵测五');
    const token = await deriveToken(person.id, person.name, index.params!);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const requests: Logged[] = [];
    page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), headers: JSON.stringify(r.headers()), body: r.postData() ?? '' }));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    serverLog.length = 0;
    await page.goto(`${server.origin}/lookup/`);
    await lookUp(page, person.id, person.name);
    await page.waitForSelector('#lk-results:not([hidden])');

    const records = await page.$$eval('#lk-list .rec', (els) => els.map((el) => ({
      head: el.querySelector('.rec-h')!.textContent,
      dup: (el.querySelector('.flag') as HTMLElement).checkVisibility(),
      status: el.querySelector('dd[data-f=status]')!.textContent,
      href: el.querySelector('a.notice')!.getAttribute('href'),
    })));
    expect(records).toEqual([
      { head: '2025年度 · 顾家店镇 沙碛坪村', dup: true, status: '已到账', href: '/r/420583103201/2025/' },
      { head: '2025年度 · 顾家店镇 青龙湖村', dup: true, status: '已到账', href: '/r/420583103202/2025/' },
      { head: '2024年度 · 顾家店镇 沙碛坪村', dup: false, status: '已到账', href: '/r/420583103201/2024/' },
    ]);
    expect(await page.isVisible('#lk-dup')).toBe(true);
    expect(await page.textContent('#lk-dup')).toContain('申请退费');
    expect(await page.textContent('#lk-dup-what')).toContain('2025年度您在顾家店镇 沙碛坪村、顾家店镇 青龙湖村都有“已到账”的缴费');
    const ms = Number(await page.getAttribute('#lk-results', 'data-ms'));
    console.log(`[lookup] token + shard fetch + render in Chromium: ${ms} ms (PBKDF2 ${index.params!.iterations} iterations, shard ${index.shardBytes} bytes)`);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'lookup-390.png'), fullPage: true });
    expect(await axeProblems(page), 'axe on the lookup form with its results').toEqual([]);

    // The same lookup on a cheap phone: CPU slowed 6× and a slow 3G link (400 ms, 50 KB/s). Printed, not asserted.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 50 * 1024, uploadThroughput: 20 * 1024 });
    await page.click('#lk-clear');
    await lookUp(page, person.id, person.name);
    await page.waitForSelector('#lk-results:not([hidden])');
    console.log(`[lookup] same lookup, CPU ×6 slower and slow 3G: ${await page.getAttribute('#lk-results', 'data-ms')} ms`);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

    // The network log: one shard, from this site, and nothing that identifies the person.
    const shardRequests = requests.filter((r) => r.url.includes('/lookup/s/'));
    const shard = `/lookup/s/${token.slice(0, index.prefixLength)}.bin`;
    expect(shardRequests.map((r) => new URL(r.url).pathname)).toEqual([shard, shard]);
    const secrets = [person.id, person.id.toLowerCase(), person.id.slice(6, 14), token, token.slice(0, 8), person.name, encodeURIComponent(person.name)];
    for (const r of requests) {
      expect(new URL(r.url).origin).toBe(server.origin);
      for (const s of secrets) expect(`${r.url} ${r.headers} ${r.body}`).not.toContain(s);
    }
    for (const line of serverLog) for (const s of secrets) expect(line).not.toContain(s);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('accepts a lower-case x and finds a single payment; explains a wrong check digit in Chinese', async () => {
    const person = rawPerson('孙测七');
    expect(person.id).toMatch(/x$/);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${server.origin}/lookup/`);
    const wrong = person.id.slice(0, 16) + String((Number(person.id[16]) + 1) % 10) + 'x';
    await lookUp(page, wrong, person.name);
    await page.waitForSelector('#lk-id-err:not([hidden])');
    expect(await page.textContent('#lk-id-err')).toContain('校验码');
    expect(await page.isHidden('#lk-results')).toBe(true);
    await lookUp(page, ` ${person.id} `, person.name);
    await page.waitForSelector('#lk-results:not([hidden])');
    expect(await page.$$eval('#lk-list .rec .rec-h', (els) => els.map((e) => e.textContent))).toEqual(['2025年度 · 顾家店镇 青龙湖村']);
    expect(await page.isHidden('#lk-dup')).toBe(true);
    await lookUp(page, person.id, '孙测八');
    await page.waitForFunction(() => !document.querySelector('#lk-none')?.hasAttribute('hidden'));
    expect(await page.$$eval('#lk-list .rec', (els) => els.length)).toBe(0);
    await context.close();
  });

  it('works in a form that sends nothing without JavaScript', async () => {
    const html = readFileSync(join(dist, 'lookup', 'index.html'), 'utf8');
    const form = /<form id="lookup"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
    const inputs = form.match(/<input[^>]*>/g) ?? [];
    expect(inputs.length).toBe(2);
    for (const input of inputs) expect(input).not.toMatch(/\sname=/);
    expect(html).toMatch(/<form id="lookup"[^>]*hidden/);
    expect(html).toContain('<noscript>');
  });

  it('derives tokens that match the anonymized export for every person of the fixture', async () => {
    const csv = readFileSync(join(exportDir, 'payments.csv'), 'utf8');
    for (const name of ['张测一', '欧阳测四', '阿依古丽·买买提']) {
      const p = rawPerson(name);
      const token = await deriveTokenNormalized(p.id.toUpperCase(), name, index.params!);
      expect(csv).toContain(token);
    }
  });
});
