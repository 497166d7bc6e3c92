import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    env: { TZ: 'Asia/Shanghai' },
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Integration tests build the site once per file; running files in parallel on a
    // 2-core machine only makes them fight for the same cores.
    fileParallelism: false,
  },
});
