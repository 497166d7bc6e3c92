import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir, treeHash } from '../helpers.ts';

const root = resolve(import.meta.dirname, '../..');

function build(dataDir: string, out: string) {
  return spawnSync(process.execPath, [join(root, 'scripts/build.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, DIST_DIR: join(out, 'dist'), SITE_DATA_DIR: join(out, 'data') },
  });
}

describe('build on a broken export', () => {
  const out = tempDir('gongshi-build-');
  let before: Record<string, string>;
  let broken: ReturnType<typeof build>;

  beforeAll(() => {
    const ok = build(fixture('valid'), out);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    before = treeHash(out);
    broken = build(fixture('broken'), out);
  });

  it('exits non-zero', () => {
    expect(broken.status).not.toBe(0);
  });

  it('prints every problem with file:line', () => {
    const lines = broken.stdout.split('\n');
    for (const where of ['payments.csv:3 列「姓名」', 'payments.csv:4 列「区划代码」', 'payments.csv:5 列「缴费金额」', 'payments.csv:6 列「缴费日期」', 'payments.csv:7：本行有 7 列']) {
      expect(lines.some((l) => l.includes(where)), where).toBe(true);
    }
    expect(broken.stdout).toContain('核对 payments.csv：读取 6 行 = 有效 1 行 + 有误 5 行');
    expect(broken.stdout).not.toContain('李四');
  });

  it('leaves the previously built site and data untouched', () => {
    expect(treeHash(out)).toEqual(before);
  });
});
