/**
 * The data stage's part for the 未到账 lists: pending payments are appended, as they
 * stream past, to one CSV per township and coverage year (`outDir/pending/{year}/{township}.csv`).
 * Memory holds at most one flush's worth of rows.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parentOf, type PaymentCells } from '../src/lib/contract.ts';
import { pendingCells, pendingCsv } from '../src/lib/pending.ts';

const FLUSH_ROWS = 50_000;

/** Collects 未到账 payments per township-year. */
export class PendingStage {
  private readonly outDir: string;
  private buffers = new Map<string, string[][]>();
  private readonly started = new Set<string>();
  private buffered = 0;

  constructor(outDir: string) {
    this.outDir = outDir;
  }

  /** Adds a published payment (ignored unless 未到账) and its 序号 on the village notice. */
  add(p: PaymentCells, row: number): void {
    if (p.status !== '未到账') return;
    const key = `${p.coverage_year}/${parentOf(p.region_code)}`;
    let list = this.buffers.get(key);
    if (!list) this.buffers.set(key, (list = []));
    list.push(pendingCells(p, row));
    if (++this.buffered >= FLUSH_ROWS) this.flush();
  }

  /** Appends the buffered rows to their files. */
  flush(): void {
    for (const [key, rows] of this.buffers) {
      const path = join(this.outDir, 'pending', `${key}.csv`);
      const first = !this.started.has(key);
      if (first) {
        mkdirSync(dirname(path), { recursive: true });
        this.started.add(key);
      }
      appendFileSync(path, pendingCsv(rows, first));
    }
    this.buffers.clear();
    this.buffered = 0;
  }
}
