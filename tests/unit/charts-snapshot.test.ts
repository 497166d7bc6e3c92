/**
 * SVG snapshots of every chart kind on seeded data, compared file by file with
 * tests/golden/charts/. Goldens are never written on CI; refresh them deliberately with
 * `UPDATE_GOLDEN=1 npx vitest run tests/unit/charts-snapshot.test.ts` and review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildChart, chartIds } from '../../src/lib/charts/catalog.ts';
import { serializeSvg } from '../../src/lib/charts/svg.ts';
import { fakeSource, makeMeta, makeStats, sCurve, seeded } from '../chart-data.ts';

const GOLDEN = resolve(import.meta.dirname, '../golden/charts');
const update = process.env.UPDATE_GOLDEN === '1' && process.env.CI !== 'true';

/** Numbers with more than one decimal are rounded to one, so platform float noise cannot fail a snapshot (as observablehq/plot does). */
function normalize(svg: string): string {
  return svg.replace(/\d+\.\d{2,}/g, (n) => String(Math.round(Number(n) * 10) / 10));
}

/** A seeded county: one township lagging near 35% on 20 Oct, one village above 100%, last year for comparison. */
function county() {
  const rand = seeded(20251020);
  const C = '420583000000', T1 = '420583101000', T2 = '420583103000';
  const villages = [
    { code: '420583101201', name: '曹家店村', town: T1, should: 820, share: 0.97, mid: 40 },
    { code: '420583101202', name: '高峡新村社区', town: T1, should: 300, share: 1.08, mid: 38 },
    { code: '420583101203', name: '<b>石岭村</b>', town: T1, should: 640, share: 0.91, mid: 45 },
    { code: '420583103201', name: '沙碛坪村', town: T2, should: 700, share: 0.82, mid: 75 },
    { code: '420583103202', name: '青龙湖村', town: T2, should: 560, share: 0.78, mid: 80 },
  ];
  const stats = [];
  const sum = (xs: number[][]) => xs[0]!.map((_, i) => xs.reduce((n, x) => n + x[i]!, 0));
  const byTown = new Map<string, number[][]>();
  for (const year of [2024, 2025]) {
    const all: number[][] = [];
    for (const v of villages) {
      const counts = sCurve(Math.round(v.should * (year === 2024 ? v.share - 0.02 : v.share)), 122, v.mid - (year === 2024 ? 5 : 0), rand);
      all.push(counts);
      const key = `${year}:${v.town}`;
      byTown.set(key, [...(byTown.get(key) ?? []), counts]);
      const enrolled = counts.reduce((a, b) => a + b, 0);
      stats.push(makeStats({ code: v.code, year, name: v.name, shouldEnroll: v.should, counts, pending: 3, refunded: 1,
        channels: { online: enrolled - 40, bank: 20, counter: 10, agent: 14 }, subsidy: { '': enrolled - 12, 低保: 9, 特困: 3 }, ageBand: { '0-17': 100, '18-44': enrolled - 400, '45-59': 150, '60+': 150 } }));
    }
    for (const t of [T1, T2]) {
      const vs = villages.filter((v) => v.town === t);
      const counts = sum(byTown.get(`${year}:${t}`)!);
      const enrolled = counts.reduce((a, b) => a + b, 0);
      stats.push(makeStats({ code: t, year, name: t === T1 ? '安福寺镇' : '顾家店镇', shouldEnroll: vs.reduce((n, v) => n + v.should, 0), counts, pending: 3 * vs.length, refunded: vs.length,
        channels: { online: enrolled - 40 * vs.length, bank: 20 * vs.length, counter: 10 * vs.length, agent: 14 * vs.length }, subsidy: { '': enrolled - 12 * vs.length, 低保: 9 * vs.length, 特困: 3 * vs.length } }));
    }
    const counts = sum(all);
    const enrolled = counts.reduce((a, b) => a + b, 0);
    stats.push(makeStats({ code: C, year, name: '枝江市', shouldEnroll: villages.reduce((n, v) => n + v.should, 0), counts, pending: 15, refunded: 5,
      channels: { online: enrolled - 200, bank: 100, counter: 50, agent: 70 }, ageBand: { '0-17': 500, '18-44': enrolled - 2000, '45-59': 750, '60+': 750 } }));
  }
  return { src: fakeSource(makeMeta('2025-01-10', [2024, 2025], [C]), stats), C, T2, village: '420583101202' };
}

describe('chart SVG snapshots', () => {
  const { src, C, T2, village } = county();
  const cases: Array<[string, string]> = [
    ...chartIds(src, C, 2025).map((id): [string, string] => [C, id]),
    [T2, 'ranking'], [T2, 'trend'], [T2, 'subsidy'], [village, 'trend'], [village, 'yoy'],
  ];

  it.each(cases)('%s %s matches its golden file', (code, id) => {
    const figure = buildChart(src, code, 2025, id, `g-${id}`)!;
    const svg = normalize(serializeSvg(figure.svg));
    const file = join(GOLDEN, `${code}-${id}.svg`);
    if (update) {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, svg);
    }
    expect(existsSync(file), `missing golden ${file}: run UPDATE_GOLDEN=1 npx vitest run tests/unit/charts-snapshot.test.ts`).toBe(true);
    expect(svg).toBe(readFileSync(file, 'utf8'));
  });

  it('covers every chart kind', () => {
    expect(new Set(cases.map(([, id]) => id.replace(/-.*/, '')))).toEqual(new Set(['trend', 'yoy', 'ranking', 'distribution', 'channels', 'status', 'age', 'subsidy']));
  });

  it('is the same twice (no clock, no randomness)', () => {
    const again = county();
    for (const [code, id] of cases) expect(serializeSvg(buildChart(again.src, code, 2025, id, 'x')!.svg)).toBe(serializeSvg(buildChart(src, code, 2025, id, 'x')!.svg));
  });
});
