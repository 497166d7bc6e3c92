/**
 * Runs a worker thread that posts one result message, and resolves with that result (it
 * rejects when the worker fails or exits without one). The worker dies with the build.
 */
import { Worker } from 'node:worker_threads';

export function workerResult<R>(script: URL, workerData: unknown, what: string): Promise<R> {
  return new Promise((done, fail) => {
    const worker = new Worker(script, { workerData });
    let result: { value: R } | null = null;
    worker.on('message', (m: R) => (result = { value: m }));
    worker.on('error', fail);
    worker.on('exit', (code) => (result ? done(result.value) : fail(new Error(`${what} stopped (exit ${code}) without a result`))));
  });
}
