/**
 * Threads and processes of the build: how many to run by default, how to split items
 * between them, and how to get a worker thread's result.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Threads or processes a stage runs at once by default: one per core, at most 2. */
export function defaultJobs(): number {
  return Math.min(2, availableParallelism());
}

/**
 * Runs a worker thread that posts one result message, and resolves with that result (it
 * rejects when the worker fails or exits without one). The worker dies with the build.
 */
export function workerResult<R>(script: URL, workerData: unknown, what: string): Promise<R> {
  return new Promise((done, fail) => {
    const worker = new Worker(script, { workerData });
    let result: { value: R } | null = null;
    worker.on('message', (m: R) => (result = { value: m }));
    worker.on('error', fail);
    worker.on('exit', (code) => (result ? done(result.value) : fail(new Error(`${what} stopped (exit ${code}) without a result`))));
  });
}

/**
 * Splits `n` items into contiguous ranges [from, to), one per thread: a single range below
 * `min` items (a thread costs more than it saves), else `jobs` of them (default: one per
 * core, at most 2), never more than there are items.
 */
export function threadRanges(n: number, min: number, jobs?: number): Array<[number, number]> {
  const count = n >= min ? Math.max(1, Math.min(jobs ?? defaultJobs(), n)) : 1;
  return Array.from({ length: count }, (_, k) => [Math.round((k * n) / count), Math.round(((k + 1) * n) / count)]);
}

/**
 * A job count given as text (an environment variable, an option): undefined when empty,
 * else a positive integer; anything else throws, naming the setting, before work starts.
 */
export function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} 应为正整数，而不是 "${raw}"`);
  return n;
}
