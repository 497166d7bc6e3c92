/**
 * The integrity of the published record, end to end with the real build command:
 * - a site built from two hand-made publications (tests/fixtures/publications) shows on
 *   every notice, and every version page, the content hash recomputed from its CSV
 *   download; lists the corrections; feeds them; its manifest describes every data file;
 * - two builds of the same inputs give byte-identical sites, however many page shards
 *   rendered them;
 * - a build killed during the Astro step, a failing publication, or a build killed in the
 *   middle of the swap leaves the previously published site as it was.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir, treeHash } from '../helpers.ts';
import { contentHash } from '../../src/lib/integrity.ts';
import { FILE_RECORDS_DIR, renderFileRecords, type Manifest } from '../../src/lib/site-index.ts';
import { writeSiteIndex } from '../../scripts/site-index.ts';
import type { PublishedRegion } from '../../src/lib/publish.ts';
import type { VersionedNotice } from '../../src/lib/publications.ts';

const root = resolve(import.meta.dirname, '../..');
const BUILD_TIMEOUT = 300_000;

function env(out: string, dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, DATA_DIR: dataDir, DIST_DIR: join(out, 'dist'), SITE_DATA_DIR: join(out, 'data'), ...extra };
}

function build(dataDir: string, out: string, extra: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [join(root, 'scripts/build.ts')], { cwd: root, encoding: 'utf8', env: env(out, dataDir, extra), maxBuffer: 64 << 20 });
}

const pageHash = (html: string): string | undefined => /id="content-hash"[^>]*>([0-9a-f]{64})</.exec(html)?.[1];
const text = (html: string): string => html.replace(/<[^>]+>/g, '').replace(/&gt;/g, '>').replace(/&lt;/g, '<');

describe('a site built from two publications', () => {
  const out = tempDir('gongshi-integrity-');
  const dist = join(out, 'dist');
  const read = (...p: string[]): string => readFileSync(join(dist, ...p), 'utf8');
  let log = '';

  beforeAll(() => {
    // Three page shards for two townships, two at a time: one shard renders only the pages
    // every shard renders, and the third starts when one of the first two has ended.
    const r = build(fixture('publications'), out, { PAGE_JOBS: '2', PAGE_SHARDS: '3' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    log = r.stdout;
  }, BUILD_TIMEOUT);

  it('shows on every notice the content hash recomputed from its CSV download', () => {
    const regions = JSON.parse(readFileSync(join(out, 'data', 'regions.json'), 'utf8')) as PublishedRegion[];
    let checked = 0;
    for (const r of regions.filter((x) => x.level === 'village')) {
      for (const year of r.years) {
        const shown = pageHash(read('r', r.code, String(year), 'index.html'));
        expect(shown, `${r.code} ${year}`).toBe(contentHash(read('api', String(year), `${r.code}.csv`)));
        checked++;
      }
    }
    expect(checked).toBe(5);
  });

  it('keeps every version of a corrected notice at its own URL, with the hash of that version\'s CSV', () => {
    const versioned = JSON.parse(readFileSync(join(out, 'data', 'versions.json'), 'utf8')) as VersionedNotice[];
    const hashes = new Set<string>();
    for (const v of versioned) {
      v.rows.forEach((rows, i) => {
        const n = i + 1;
        const csv = read('api', String(v.year), v.code, 'v', `${n}.csv`);
        expect(csv.trim().split('\n')).toHaveLength(rows + 1);
        const shown = pageHash(read('r', v.code, String(v.year), 'v', String(n), 'index.html'));
        expect(shown).toBe(contentHash(csv));
        hashes.add(shown!);
      });
    }
    expect(versioned.length).toBe(4);
    expect(hashes.size).toBe(7); // versions of one notice differ; the withdrawn notice has one
    // The version that was corrected still shows the old rows.
    const v1 = text(read('r', '420583103201', '2025', 'v', '1', 'index.html'));
    expect(v1).toContain('已被第 2 版更正');
    expect(v1).not.toContain('刘**');
  });

  it('lists on the corrected notice what changed, including the removed row', () => {
    const notice = text(read('r', '420583103201', '2025', 'index.html'));
    expect(notice).toContain('到账状态：未到账 → 已到账');
    expect(notice).toContain('到账状态：未到账 → 已退费');
    expect(notice).toContain('缴费金额：400.00 → 380.00；缴费渠道：银行 → 窗口');
    expect(notice).toMatch(/序号 6　刘\*\*　420583\*\*\*\*\*\*\*\*8080\s*新增/);
    expect(notice).toMatch(/第 2 版，2025年2月15日发布，数据截至2025年2月14日/);
    const removed = text(read('r', '420583103202', '2025', 'index.html'));
    expect(removed).toMatch(/原序号 1　王\*\*　420583\*\*\*\*\*\*\*\*7788\s*删除：原记录：400\.00 元/);
    const unchanged = read('r', '420583103201', '2024', 'index.html');
    expect(text(unchanged)).toContain('发布以来没有更正');
    expect(unchanged).not.toContain('id="corrections"');
  });

  it('lists the corrections on /changes/ and in the county and township feeds, dated by publication', () => {
    const changes = text(read('changes', 'index.html'));
    expect(changes.indexOf('2025年2月15日发布')).toBeLessThan(changes.indexOf('2025年1月10日发布'));
    expect(changes).toContain('顾家店镇 青龙湖村 2025年度');
    const county = read('feeds', '420583000000.xml');
    expect(county.match(/<entry>/g)).toHaveLength(10);
    expect(county).toContain('<updated>2025-02-15T00:00:00+08:00</updated>');
    expect(county).toContain('沙碛坪村 2025年度医保缴费公示：更正（第 2 版）');
    const town = read('feeds', '420583103000.xml');
    expect(town).not.toContain('董市');
    const head = read('r', '420583103201', '2025', 'index.html').split('</head>')[0]!;
    expect(head).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(head).toContain('href="/feeds/420583103000.xml"');
    expect(head).toContain('rel="predecessor-version" href="/r/420583103201/2025/v/1/"');
  });

  it('describes every data file in /manifest.json with its size and SHA-256', () => {
    const m = JSON.parse(read('manifest.json')) as Manifest;
    expect(m.publication).toBe('2025-02-15');
    expect(m.publications.map((p) => p.id)).toEqual(['2025-01-10', '2025-02-15']);
    const listed = new Set(m.files.map((f) => f.path));
    for (const f of m.files) {
      const bytes = readFileSync(join(dist, f.path));
      expect(bytes.length, f.path).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), f.path).toBe(f.sha256);
    }
    for (const p of ['/api/2025/420583103201.csv', '/api/2025/420583103201/v/1.csv', '/api/2025/420583103201.json']) expect(listed.has(p), p).toBe(true);
    expect([...listed].some((p) => p.startsWith('/pagefind/') || p.startsWith('/_astro/'))).toBe(false);
  });

  it('takes the sizes and hashes the data files\' writer recorded, and publishes no record', () => {
    // Every data file of this site is written by scripts/site-files.ts, in three shards.
    const m = /清单：(\d+) 个数据文件（[^）]*；(\d+) 个在写入时已算好）/.exec(log);
    expect(m, log).not.toBeNull();
    expect(Number(m![2])).toBe(Number(m![1]));
    expect(existsSync(join(dist, FILE_RECORDS_DIR))).toBe(false);
  });

  it('writes the same manifest when its files are hashed again, in threads or not', async () => {
    // The build's manifest came from the writer's records (above); the records are gone now,
    // so these read and hash every file.
    const before = read('manifest.json');
    // A build hashes in threads from 20,000 data files; here every range is a few files.
    for (const jobs of [1, 2, 3]) {
      const r = await writeSiteIndex({ siteDir: dist, dataDir: join(out, 'data'), log: () => {}, jobs, parallelMin: 0 });
      expect(r.hashed).toBe(r.files);
      expect(read('manifest.json'), `${jobs} threads`).toBe(before);
    }
  });

  it('uses a record only when the file still has its size, and hashes the rest', async () => {
    const site = tempDir('gongshi-records-');
    cpSync(dist, site, { recursive: true });
    const manifest = (): Manifest => JSON.parse(readFileSync(join(site, 'manifest.json'), 'utf8')) as Manifest;
    const real = new Map(manifest().files.map((f) => [f.path, f]));
    const [a, b, c] = ['/api/2025/420583103201.csv', '/api/2025/420583103201.json', '/api/2024/420583103201.csv'].map((p) => real.get(p)!);
    const fake = '0'.repeat(64);
    mkdirSync(join(site, FILE_RECORDS_DIR));
    // a: recorded with its size (taken as recorded); b: with another size (hashed);
    // c: recorded twice with different hashes, in two shards' files (hashed).
    writeFileSync(join(site, FILE_RECORDS_DIR, '0-of-2.tsv'), renderFileRecords([
      { path: a!.path.slice(1), bytes: a!.bytes, sha256: fake },
      { path: b!.path.slice(1), bytes: b!.bytes + 1, sha256: fake },
      { path: c!.path.slice(1), bytes: c!.bytes, sha256: fake },
    ]) + 'not a record\n');
    writeFileSync(join(site, FILE_RECORDS_DIR, '1-of-2.tsv'), renderFileRecords([{ path: c!.path.slice(1), bytes: c!.bytes, sha256: 'f'.repeat(64) }]));
    const r = await writeSiteIndex({ siteDir: site, dataDir: join(out, 'data'), log: () => {} });
    expect(r.hashed).toBe(r.files - 1);
    const now = new Map(manifest().files.map((f) => [f.path, f]));
    expect(now.get(a!.path)).toEqual({ ...a, sha256: fake });
    expect(now.get(b!.path)).toEqual(b);
    expect(now.get(c!.path)).toEqual(c);
    expect(existsSync(join(site, FILE_RECORDS_DIR))).toBe(false);
  });

  it('has a sitemap of current pages and a robots.txt pointing to it', () => {
    const sitemap = read('sitemap.xml');
    expect(sitemap).toContain('<loc>https://gongshi.example.cn/r/420583103201/2025/</loc><lastmod>2025-02-15</lastmod>');
    expect(sitemap).toContain('<loc>https://gongshi.example.cn/r/420583103201/2024/</loc><lastmod>2025-01-10</lastmod>');
    expect(sitemap).not.toContain('/v/');
    expect(read('robots.txt')).toContain('Sitemap: https://gongshi.example.cn/sitemap.xml');
  });

  it('is rebuilt byte for byte from the same inputs, whatever the output folder and the number of page shards', () => {
    const again = tempDir('gongshi-integrity-again-');
    // One Astro build of every page, against the three stitched shards of the first build.
    const r = build(fixture('publications'), again, { PAGE_JOBS: '1' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const a = treeHash(dist);
    const b = treeHash(join(again, 'dist'));
    const differ = Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]);
    expect(differ).toEqual([]);
    expect(treeHash(join(again, 'data'))).toEqual(treeHash(join(out, 'data')));
  }, BUILD_TIMEOUT);
});

describe('atomic publish', () => {
  const out = tempDir('gongshi-atomic-');
  let before: { dist: Record<string, string>; data: Record<string, string> };
  const snapshot = () => ({ dist: treeHash(join(out, 'dist')), data: treeHash(join(out, 'data')) });

  beforeAll(() => {
    const r = build(fixture('valid'), out);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    before = snapshot();
  }, BUILD_TIMEOUT);

  it('a build killed during the Astro step leaves the previous site untouched', async () => {
    const child = spawn(process.execPath, [join(root, 'scripts/build.ts')], { cwd: root, env: env(out, fixture('publications')), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    let killed = false;
    const distNext = join(out, 'dist.next');
    // Page shards render into dist.next.shards/ and are stitched into dist.next at the end.
    const shards = `${distNext}.shards`;
    const writing = (): boolean => [distNext, shards].some((d) => existsSync(d) && readdirSync(d, { recursive: true }).some((f) => String(f).endsWith('.html')));
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    child.stderr.on('data', (b: Buffer) => (log += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      log += b.toString();
      if (killed || !log.includes('数据处理用时')) return;
      killed = true;
      // The Astro step has started: kill the whole build as soon as it has written pages.
      const started = Date.now();
      const poll = setInterval(() => {
        if (writing() || Date.now() - started > 120_000) {
          clearInterval(poll);
          process.kill(-child.pid!, 'SIGKILL');
        }
      }, 10);
    });
    expect(await exited, log).toBe('SIGKILL');
    expect(log).not.toContain('网站已生成');
    expect(writing()).toBe(true); // it was killed half-way, with a half-written site
    expect(snapshot()).toEqual(before);
  }, BUILD_TIMEOUT);

  it('a history whose latest publication is invalid publishes nothing and names the publication', () => {
    const history = tempDir('gongshi-bad-history-');
    cpSync(fixture('valid'), join(history, 'publications', '2025-01-10'), { recursive: true });
    cpSync(fixture('broken'), join(history, 'publications', '2025-02-15'), { recursive: true });
    const r = build(history, out);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('[发布 2025-02-15] 导出数据有');
    expect(r.stdout + r.stderr).toContain('已发布的网站保持不变');
    expect(snapshot()).toEqual(before);
    expect(existsSync(join(out, 'dist.next')) || existsSync(join(out, 'data.next-publications'))).toBe(false);
  }, BUILD_TIMEOUT);

  it('a build killed between the two renames of the swap gets the previous site back', () => {
    // The state such a kill leaves: the old site moved aside, the new one not yet in place.
    renameSync(join(out, 'dist'), join(out, 'dist.old'));
    mkdirSync(join(out, 'dist.next'));
    writeFileSync(join(out, 'dist.next', 'index.html'), 'half');
    const r = build(fixture('broken'), out);
    expect(r.status).not.toBe(0);
    expect(snapshot()).toEqual(before);
    expect(existsSync(join(out, 'dist.old'))).toBe(false);
  }, BUILD_TIMEOUT);
});
