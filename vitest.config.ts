import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'connectors/**/*.test.ts', 'reports/**/*.test.ts', 'test/**/*.test.ts'],
    // Two cores: one worker per core keeps the fake servers' latency measurements honest.
    maxWorkers: 2,
    // Generous: a deadline is for a hang, and the CI machine's two cores are often shared.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
