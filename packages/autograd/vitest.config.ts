import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@kiln/source'] },
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    testTimeout: 60_000,
    passWithNoTests: true,
  },
});
