/**
 * One command from export to site: sample data when no export is given, the data
 * stage, the Astro build, then an atomic swap. A failed or interrupted build leaves
 * the previous `dist/` (and `.data/`) untouched.
 *
 *   DATA_DIR=/path/to/export npm run build
 *
 * Environment: DATA_DIR (export folder, default: the generated sample in data/sample),
 * DIST_DIR (site output, default dist/), SITE_DATA_DIR (data stage output, default .data/).
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runDataStage } from './build-data.ts';
import { buildSearchIndex } from './search-index.ts';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.DATA_DIR ?? resolve(root, 'data/sample'));
const dataOut = resolve(process.env.SITE_DATA_DIR ?? resolve(root, '.data'));
const distOut = resolve(process.env.DIST_DIR ?? resolve(root, 'dist'));
const dataNext = `${dataOut}.next`;
const distNext = `${distOut}.next`;

function cleanNext(): void {
  rmSync(dataNext, { recursive: true, force: true });
  rmSync(distNext, { recursive: true, force: true });
}

async function main(): Promise<number> {
  cleanNext();
  if (!process.env.DATA_DIR && !existsSync(resolve(dataDir, 'payments.csv'))) {
    console.log(`没有指定 DATA_DIR，生成示例数据到 ${dataDir} …`);
    const gen = spawnSync(process.execPath, [resolve(root, 'scripts/generate-sample.ts'), '--out', dataDir], { stdio: 'inherit' });
    if (gen.status !== 0) return 1;
  }
  console.log(`读取导出数据：${dataDir}`);
  const t0 = performance.now();
  const result = await runDataStage({ dataDir, outDir: dataNext, reportFile: resolve(root, 'reports/data-issues.txt'), log: (l) => console.log(l) });
  if (!result.ok) return 1;
  console.log(`数据处理用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`);

  process.env.SITE_DATA_DIR = dataNext;
  const { build } = await import('astro');
  await build({ root, outDir: distNext, logLevel: process.env.ASTRO_LOG === 'info' ? 'info' : 'warn' });
  // The search index belongs to this build: indexed before the swap, so a failure publishes nothing.
  await buildSearchIndex({ siteDir: distNext, log: (l) => console.log(l) });

  // Swap only now that everything succeeded.
  rmSync(distOut, { recursive: true, force: true });
  renameSync(distNext, distOut);
  rmSync(dataOut, { recursive: true, force: true });
  renameSync(dataNext, dataOut);
  console.log(`网站已生成：${distOut}（预览：npm run preview）。总用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`);
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanNext();
    process.exit(130);
  });
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  if (process.exitCode !== 0) {
    cleanNext();
    console.error('构建失败，已发布的网站（dist/）保持不变。');
  }
}
