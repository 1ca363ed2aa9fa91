import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'connectors/**/*.test.ts', 'reports/**/*.test.ts', 'test/**/*.test.ts'],
    // Two cores: one worker per core keeps the fake servers' latency measurements honest.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
