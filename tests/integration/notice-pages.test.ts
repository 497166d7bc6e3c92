/**
 * The notice pages as built by the real build command: a golden file of one village
 * notice (/r/420583103201/2025/ from tests/fixtures/valid), escaping of
 * hostile text, the village CSV, pagination of a big community with stable URLs, the
 * 30 KB budget of a 1,000-row page, and every payment row of the fixture, a generated
 * big village and the sample export in exactly one notice page.
 *
 * The golden file is compared, never rewritten, unless asked: `UPDATE_GOLDEN=1 npx vitest
 * run tests/integration/notice-pages.test.ts` refreshes it (review the diff before committing).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../helpers.ts';
import { reconcileNotices, rowsOfPage } from '../notice-rows.ts';
import { buildSampleSite } from '../sample-site.ts';
import { pageWeight } from '../../scripts/notice-weight.ts';
import type { PublishedRegion, SiteMeta } from '../../src/lib/publish.ts';

const root = resolve(import.meta.dirname, '../..');
const GOLDEN = join(root, 'tests/golden/notice-420583103201-2025.html');

function build(dataDir: string): { dist: string; data: string } {
  const out = tempDir('gongshi-notice-');
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, DIST_DIR: join(out, 'dist'), SITE_DATA_DIR: join(out, 'data') },
  });
  if (r.status !== 0) throw new Error(`build of ${dataDir} failed:\n${r.stdout}\n${r.stderr}`);
  return { dist: join(out, 'dist'), data: join(out, 'data') };
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const page = (dist: string, path: string): string => readFileSync(join(dist, path, 'index.html'), 'utf8');

/**
 * The parts of a notice this test owns, in a form that diffs well: the breadcrumbs, head,
 * totals, help, rows and links, in page order (the shell belongs to the layout, and
 * other components inserted between them to their own tests); one tag per line, asset
 * hashes dropped.
 */
function goldenForm(html: string): string {
  const parts = [...html.matchAll(/<nav class="breadcrumbs[\s\S]*?<\/nav>|<header class="nh"[\s\S]*?<\/header>|<section class="(?:sum|guide|more)[ "][\s\S]*?<\/section>|<section class="rows"[\s\S]*?<\/table>[\s\S]*?<\/section>/g)].map((m) => m[0]);
  if (parts.length !== 6) throw new Error(`expected breadcrumbs, head and 4 sections in the notice, found ${parts.length}`);
  return parts.join('\n').replace(/(\/_astro\/[^"]+?)\.[\w-]{8}\.(css|js)"/g, '$1.*.$2"').replace(/></g, '>\n<') + '\n';
}

// ---- A generated export: one community with 2,345 rows, one village with exactly 1,000 ----------

/** Seeded PRNG (mulberry32): the same export on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BIG = '420583001001';
const THOUSAND = '420583001201';

function writeBigExport(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const rand = prng(7);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '欧阳', '司马', '覃', '向'];
  const channels = ['线上/手机', '线上/手机', '线上/手机', '银行', '窗口', '村组代征', '代征, "老街"'];
  const lines = ['待遇年度,区划代码,姓名,身份证号,缴费金额,缴费日期,缴费渠道,到账状态'];
  const add = (code: string, n: number): void => {
    for (let i = 0; i < n; i++) {
      const s = pick(surnames);
      const name = s + '*'.repeat(rand() < 0.3 ? 1 : 2);
      const tail = String(Math.floor(rand() * 1000)).padStart(3, '0') + pick(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']);
      const u = rand();
      const status = u < 0.03 ? '未到账' : u < 0.04 ? '已退费' : '已到账';
      const day = 1 + Math.floor(rand() * 28);
      const month = 9 + Math.floor(rand() * 4);
      const channel = pick(channels);
      lines.push(`2025,${code},${name},420583********${tail},${pick(['400.00', '400.00', '400.00', '200.00', '0.00'])},2024-${month}-${day},"${channel.replace(/"/g, '""')}",${status}`);
    }
  };
  add(BIG, 2345);
  add(THOUSAND, 1000);
  writeFileSync(join(dir, 'payments.csv'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'regions.csv'), `code,name\n420583000000,枝江市\n420583001000,马家店街道\n${BIG},丰坪巷社区\n${THOUSAND},团结村\n`);
  writeFileSync(join(dir, 'enrollment.csv'), `区划代码,待遇年度,应参保人数\n${BIG},2025,2000\n${THOUSAND},2025,1100\n`);
  writeFileSync(join(dir, 'site.json'), JSON.stringify({
    asOf: '2025-01-10',
    issuer: { '420583001000': '马家店街道办事处' },
    objection: { byRegion: { '420583001000': { phone: '0717-4210000', address: '马家店街道便民服务中心' }, [THOUSAND]: { address: '团结村村委会' } } },
  }));
  return dir;
}

// ---- The fixture export ------------------------------------------------------------------------

describe('notice pages of the fixture export', () => {
  let site: { dist: string; data: string };
  beforeAll(() => {
    site = build(fixture('valid'));
  });

  it('matches the golden notice of 沙碛坪村 2025 (UPDATE_GOLDEN=1 to refresh)', () => {
    const actual = goldenForm(page(site.dist, '/r/420583103201/2025/'));
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(join(root, 'tests/golden'), { recursive: true });
      writeFileSync(GOLDEN, actual);
    }
    expect(existsSync(GOLDEN), `${GOLDEN} is missing: run with UPDATE_GOLDEN=1 once`).toBe(true);
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('titles, describes and links the notice for sharing', () => {
    const html = page(site.dist, '/r/420583103201/2025/');
    expect(html).toContain('<title>沙碛坪村 2025年度城乡居民医保缴费情况公示 - 医保缴费公示</title>');
    expect(html).toContain('<link rel="canonical" href="https://gongshi.example.cn/r/420583103201/2025/">');
    expect(html).toMatch(/<meta name="description" content="沙碛坪村 2025年度城乡居民医保缴费情况公示：缴费 3 人次，已到账 2 人，参保率 50\.0%。公示期2025年1月10日至2025年1月16日/);
    expect(html).toContain('<meta property="og:image" content="https://gongshi.example.cn/og.png">');
    expect(existsSync(join(root, 'public/og.png'))).toBe(true);
  });

  it('shows every payment row in exactly one notice page', async () => {
    const r = await reconcileNotices(fixture('valid'), site.dist);
    expect(r).toMatchObject({ inputRows: 7, pageRows: 7, villageYears: 4, extra: [], missing: [], numbering: [] });
  });

  it('has a page for every region and every region-year', () => {
    const regions = JSON.parse(readFileSync(join(site.data, 'regions.json'), 'utf8')) as PublishedRegion[];
    for (const r of regions) {
      expect(existsSync(join(site.dist, 'r', r.code, 'index.html')), r.code).toBe(true);
      for (const y of r.years) expect(existsSync(join(site.dist, 'r', r.code, String(y), 'index.html')), `${r.code}/${y}`).toBe(true);
    }
  });

  it('escapes hostile text from the CSV', () => {
    const html = page(site.dist, '/r/420583103202/2025/');
    expect(html).toContain('<td>&lt;*</td>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    const town = page(site.dist, '/r/420583104000/');
    expect(town).toContain('董市社区, &quot;老街&quot;');
  });

  it('serves the village CSV with a BOM, in the contract format', () => {
    const csv = readFileSync(join(site.dist, 'api/2025/420583103201.csv'), 'utf8');
    expect(csv).toBe('\uFEFF' + readFileSync(join(site.data, 'rows/2025/420583103201.csv'), 'utf8'));
    expect(csv.split('\n')[0]).toBe('\uFEFF待遇年度,区划代码,姓名,身份证号,缴费金额,缴费日期,缴费渠道,到账状态');
  });

  it('ranks villages on the township year page and links down to their notices', () => {
    const html = page(site.dist, '/r/420583103000/2025/');
    const ranked = [...html.matchAll(/<th scope="row"><a href="(\/r\/\d+\/2025\/)">([^<]+)<\/a><\/th>/g)].map((m) => m[2]);
    expect(ranked).toEqual(['沙碛坪村', '青龙湖村']); // 50.0% before 33.3%
    expect(html).toContain('href="/r/420583103201/2025/"');
  });
});

// ---- A big community ---------------------------------------------------------------------------

describe('a community with 2,345 rows and a village with 1,000', () => {
  let site: { dist: string; data: string };
  let exportDir: string;
  beforeAll(() => {
    exportDir = writeBigExport(tempDir('gongshi-big-export-'));
    site = build(exportDir);
  });

  it('splits the community over stable page URLs of 1,000 rows', () => {
    const counts = ['/r/420583001001/2025/', '/r/420583001001/2025/p/2/', '/r/420583001001/2025/p/3/'].map((p) => rowsOfPage(page(site.dist, p)));
    expect(counts.map((rows) => rows.length)).toEqual([1000, 1000, 345]);
    expect(counts.map((rows) => [rows[0]!.no, rows.at(-1)!.no])).toEqual([[1, 1000], [1001, 2000], [2001, 2345]]);
    expect(existsSync(join(site.dist, 'r/420583001001/2025/p/4'))).toBe(false);
    expect(existsSync(join(site.dist, 'r/420583001201/2025/p'))).toBe(false);
  });

  it('shows every payment row in exactly one notice page', async () => {
    const r = await reconcileNotices(exportDir, site.dist);
    expect(r).toMatchObject({ inputRows: 3345, pageRows: 3345, pages: 4, extra: [], missing: [], numbering: [] });
  });

  it('lets a resident find their page by surname without JavaScript', () => {
    const html = page(site.dist, '/r/420583001001/2025/');
    const index = /<details class="si no-print" id="surnames">([\s\S]*?)<\/details>/.exec(html)?.[1] ?? '';
    expect(index).toContain('<b>欧阳</b>');
    expect(index).toMatch(/<b>王<\/b> \d+人：<a href="\.\/">1<\/a>、<a href="p\/2\/">2<\/a>、<a href="p\/3\/">3<\/a>/);
    expect(page(site.dist, '/r/420583001001/2025/p/3/')).toContain('href="/r/420583001001/2025/#surnames"');
  });

  it('sends residents to their own township’s or village’s objection contact, on the notice and the 未到账 list', () => {
    const contact = (html: string): string => /<dt>异议反馈<\/dt><dd>([\s\S]*?)<\/dd>/.exec(html)?.[1] ?? '';
    expect(contact(page(site.dist, '/r/420583001001/2025/'))).toBe('请于2025年1月16日前拨打 <a class="nw" href="tel:07174210000">0717-4210000</a>，或到马家店街道便民服务中心');
    expect(contact(page(site.dist, '/r/420583001201/2025/'))).toBe('请于2025年1月16日前拨打 <a class="nw" href="tel:07174210000">0717-4210000</a>，或到团结村村委会');
    const box = /<strong[^>]*>名单里有您：[\s\S]*?<\/p>/.exec(page(site.dist, '/r/420583001000/2025/pending/'))?.[0].replace(/ data-astro-cid-\w+/g, '');
    expect(box).toContain('或拨打 <a href="tel:07174210000"><strong>0717-4210000</strong></a>，或到马家店街道便民服务中心反映。');
    expect(page(site.dist, '/help/problem/')).toContain('各地另有自己的反馈电话和地点');
  });

  it('flags a rate above 100%', () => {
    expect(page(site.dist, '/r/420583001001/2025/')).toContain('参保率超过 100%');
  });

  it('keeps a 1,000-row notice within 30 KB of gzipped HTML + CSS', () => {
    const w = pageWeight(site.dist, '/r/420583001201/2025/');
    expect(w.rows).toBe(1000);
    console.log(`1,000-row notice: HTML ${w.html} + CSS ${w.css} = ${w.total} bytes gzipped`);
    expect(w.total).toBeLessThanOrEqual(30 * 1024);
  });
});

// ---- The sample export -------------------------------------------------------------------------

describe('the sample site (枝江市, three years)', () => {
  let site: { dist: string; data: string };
  beforeAll(() => {
    site = buildSampleSite();
  });

  it('has a notice for every village and year', () => {
    const meta = JSON.parse(readFileSync(join(site.data, 'meta.json'), 'utf8')) as SiteMeta;
    const villages = (JSON.parse(readFileSync(join(site.data, 'regions.json'), 'utf8')) as PublishedRegion[]).filter((r) => r.level === 'village');
    expect(villages.length).toBeGreaterThan(200);
    const missing = villages.flatMap((v) => meta.years.filter((y) => !existsSync(join(site.dist, 'r', v.code, String(y), 'index.html'))).map((y) => `${v.code}/${y}`));
    expect(missing).toEqual([]);
  });

  it('shows every row of the sample payments in exactly one notice page', async () => {
    // The build publishes the latest publication of the sample history: find the export it read by its hash.
    const meta = JSON.parse(readFileSync(join(site.data, 'meta.json'), 'utf8')) as SiteMeta;
    const published = meta.inputs.find((i) => i.file === 'payments.csv')!.sha256;
    const history = join(root, 'data/sample-history/publications');
    const candidates = [join(root, 'data/sample'), ...(existsSync(history) ? readdirSync(history).sort().map((p) => join(history, p)) : [])];
    const exportDir = candidates.find((dir) => existsSync(join(dir, 'payments.csv')) && sha256(join(dir, 'payments.csv')) === published);
    expect(exportDir, `no export under data/ has the payments.csv the sample site was built from (${published})`).toBeDefined();
    const r = await reconcileNotices(exportDir!, site.dist);
    expect(r.extra).toEqual([]);
    expect(r.missing).toEqual([]);
    expect(r.numbering).toEqual([]);
    expect(r.pageRows).toBe(r.inputRows);
    expect(r.inputRows).toBeGreaterThan(500_000);
  }, 300_000);
});
