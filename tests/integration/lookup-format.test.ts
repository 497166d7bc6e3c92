/**
 * Pages read the lookup shards the data stage wrote: a data folder of an older shard format
 * stops the build with what to do, instead of a lookup page that fails on every query.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOOKUP_VERSION } from '../../src/lib/lookup.ts';
import { tempDir } from '../helpers.ts';

const data = tempDir('lookup-format-');
mkdirSync(join(data, 'lookup'));
writeFileSync(join(data, 'lookup', 'index.json'), JSON.stringify({ version: LOOKUP_VERSION - 1, prefixLength: 3 }));
// The pages' data module reads SITE_DATA_DIR once, when it is first loaded (below).
const before = process.env.SITE_DATA_DIR;
process.env.SITE_DATA_DIR = data;
afterAll(() => {
  if (before === undefined) delete process.env.SITE_DATA_DIR;
  else process.env.SITE_DATA_DIR = before;
});

describe('getLookupIndex', () => {
  it('refuses shards of another format version, saying to run the data stage again', async () => {
    const { getLookupIndex } = await import('../../src/lib/site-data.ts');
    expect(() => getLookupIndex()).toThrow(`第 ${LOOKUP_VERSION - 1} 版格式，本版网站要第 ${LOOKUP_VERSION} 版：请重新运行数据处理`);
  });
});
