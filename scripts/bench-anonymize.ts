/**
 * Benchmark of `npm run anonymize` at several key-derivation costs: writes a synthetic
 * raw export (invented ID numbers starting with 999, valid check characters) to a temp
 * folder, anonymizes it, and prints rows/s and the time 25M rows would take here.
 *
 *   npm run bench:anonymize -- [--rows 20000] [--iterations 1000,2000,5000,10000]
 *
 * Timings depend on the machine and its load: they are measured here, never asserted in tests.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { idCheckChar } from '../src/lib/token.ts';
import { runAnonymize } from './anonymize.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' }, iterations: { type: 'string', default: '1000,2000,5000,10000' } } });
const rows = Number(values.rows);
const costs = values.iterations.split(',').map(Number);

const dir = mkdtempSync(join(tmpdir(), 'bench-anonymize-'));
try {
  const given = ['伟', '芳', '娜', '敏', '静', '秀英', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟'];
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '欧阳'];
  const lines = ['待遇年度,区划代码,姓名,身份证号,联系电话,缴费金额,缴费日期,缴费渠道,到账状态'];
  for (let i = 0; i < rows; i++) {
    const birth = `${1940 + (i % 80)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`;
    const first17 = `999${String(100 + (i % 900))}${birth}${String(i % 1000).padStart(3, '0')}`;
    const id = first17 + idCheckChar(first17);
    const name = surnames[i % surnames.length]! + given[(i * 7) % given.length]! + (i % 3 ? given[(i * 11) % given.length]! : '');
    lines.push(`2025,4205831${String(i % 9).padStart(2, '0')}201,${name},${id},,400.00,2024-10-${String(1 + (i % 28)).padStart(2, '0')},线上/手机,已到账`);
  }
  const raw = join(dir, 'raw.csv');
  writeFileSync(raw, lines.join('\n') + '\n');
  console.log(`${rows} rows, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  for (const iterations of costs) {
    const out = join(dir, `out-${iterations}`);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'site.json'), JSON.stringify({ lookup: { salt: '00112233445566778899aabbccddeeff', iterations } }));
    const cpu0 = process.cpuUsage();
    const r = await runAnonymize({ input: raw, outDir: out, reportFile: join(dir, 'report.txt'), log: () => {} });
    const cpu = process.cpuUsage(cpu0);
    if (!r.ok) throw new Error('benchmark export was refused');
    const perSec = r.written / r.seconds;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // On a shared machine the wall clock says more about the neighbours than about us:
    // rows per CPU-second (all threads of this process) gives the rate on dedicated cores.
    const perCpuSec = r.written / cpuSeconds;
    const cores = availableParallelism();
    console.log(`PBKDF2-SHA256 ${String(iterations).padStart(6)} iterations: ${Math.round(perSec).toLocaleString('en')} rows/s wall (${(cpuSeconds / r.seconds).toFixed(2)} cores busy), ${Math.round(perCpuSec).toLocaleString('en')} rows per CPU-second; 25M rows ≈ ${(25_000_000 / perSec / 3600).toFixed(1)} h at this wall rate, ${(25_000_000 / (perCpuSec * cores) / 3600).toFixed(1)} h on ${cores} dedicated cores`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
