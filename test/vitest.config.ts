import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Each test file runs in its own process: the embedded ClickHouse engine allows one data folder
// per process, and every file uses its own folder, NATS server and stream.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    isolate: true,
    maxWorkers: 2,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    reporters: ['default'],
  },
})
