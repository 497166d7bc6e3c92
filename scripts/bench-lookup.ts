/**
 * Benchmark of the lookup page in headless Chromium: builds a small site from the raw
 * fixture export (tests/fixtures/raw, anonymized so the tokens are real), serves it on
 * 127.0.0.1 and times lookups from "查询" to the results shown, on this machine's CPU and
 * on a cheap phone (CPU 6× slower, slow 3G: 400 ms latency, 50 KB/s).
 *
 *   npm run bench:lookup -- [--shards dist/lookup/s] [--runs 5]
 *
 * The fixture's shards are tiny; --shards copies shards of a real site (e.g. the sample's
 * 4,096 shards of ~5 KB, built by this checkout: the page reads one shard format version,
 * and a site's shards are padded to one size) over the fixture's, so the download and decoding cost what
 * they cost there (the lookups then find nothing, which costs the same).
 * Timings depend on the machine and its load: measured here, never asserted in tests.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { idCheckChar } from '../src/lib/token.ts';
import { runAnonymize } from './anonymize.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { shards: { type: 'string' }, runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), 'bench-lookup-'));
try {
  const exportDir = join(work, 'export');
  mkdirSync(exportDir);
  for (const f of ['regions.csv', 'enrollment.csv', 'site.json']) copyFileSync(join(root, 'tests/fixtures/raw', f), join(exportDir, f));
  const anon = await runAnonymize({ input: join(root, 'tests/fixtures/raw/payments-raw.csv'), outDir: exportDir, reportFile: join(work, 'report.txt'), log: () => {} });
  if (!anon.ok) throw new Error('the raw fixture was refused');
  const dist = join(work, 'dist');
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.ts')], { cwd: root, encoding: 'utf8', env: { ...process.env, DATA_DIR: exportDir, DIST_DIR: dist, SITE_DATA_DIR: join(work, 'data') } });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);

  const shardDir = join(dist, 'lookup', 's');
  if (values.shards) {
    const source = readdirSync(values.shards).filter((f) => f.endsWith('.bin')).sort();
    readdirSync(shardDir).sort().forEach((f, i) => copyFileSync(join(values.shards!, source[(i * 257) % source.length]!), join(shardDir, f)));
  }
  const shardBytes = statSync(join(shardDir, readdirSync(shardDir)[0]!)).size;

  const server = createServer((req, res) => {
    let file = join(dist, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404).end();
    const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript' };
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  console.log(`shards of ${shardBytes} bytes, PBKDF2 ${anon.params!.iterations} iterations, ${runs} lookups each`);
  const profiles = [
    { label: 'this machine', cpu: 1, net: null },
    { label: 'cheap phone (CPU ×6, slow 3G 400 ms / 50 KB/s)', cpu: 6, net: { offline: false, latency: 400, downloadThroughput: 50 * 1024, uploadThroughput: 20 * 1024 } },
  ];
  for (const profile of profiles) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${origin}/lookup/`);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
    if (profile.net) {
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', profile.net);
    }
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const first17 = `999${String(100 + i)}19800101${String(100 + i)}`;
      await page.click('#lk-clear');
      await page.fill('#lk-id', first17 + idCheckChar(first17));
      await page.fill('#lk-name', `测试${'甲乙丙丁戊己庚辛壬癸'[i % 10]}`);
      await page.click('#lookup button[type=submit]');
      await page.waitForSelector('#lk-results:not([hidden])');
      times.push(Number(await page.getAttribute('#lk-results', 'data-ms')));
    }
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    console.log(`${profile.label}: median ${median} ms (${times.join(', ')})`);
    await context.close();
  }
  await browser.close();
  server.close();
} finally {
  rmSync(work, { recursive: true, force: true });
}
