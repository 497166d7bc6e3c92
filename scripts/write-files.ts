/**
 * Writes many small files with several writes in flight, on libuv's thread pool, while the
 * calling thread makes the next contents. On this project's build machine a file's creation
 * costs 0.3–0.5 ms, most of it in the kernel (ext4's inode allocation, by `perf record`):
 * 6,000 files of 3 KB in 60 folders took 0.8–0.9 s written this way against 1.7–2.2 s with
 * `writeFileSync` one after another (the two loops timed in one script, alternated).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes in flight at once: twice libuv's default thread pool (4 threads), so no thread waits for the next file. */
const IN_FLIGHT = 8;

/**
 * Writes each `[path, content]` of `files` (taken lazily, so the contents are made as they
 * are written), creating folders as needed. Resolves with the number of files once all are
 * written; the first failed write rejects it, after the writes in flight end.
 */
export async function writeFiles(files: Iterable<readonly [path: string, content: string | Uint8Array]>): Promise<number> {
  const folders = new Map<string, Promise<unknown>>();
  const it = files[Symbol.iterator]();
  let count = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    for (let next = it.next(); !next.done && !failed; next = it.next()) {
      const [path, content] = next.value;
      const dir = dirname(path);
      let made = folders.get(dir);
      if (!made) folders.set(dir, (made = mkdir(dir, { recursive: true })));
      try {
        await made;
        await writeFile(path, content);
      } catch (err) {
        failed = true;
        throw err;
      }
      count++;
    }
  };
  const results = await Promise.allSettled(Array.from({ length: IN_FLIGHT }, lane));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
  return count;
}
