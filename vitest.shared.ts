/**
 * Shared vitest settings for every package: resolve workspace packages to their TypeScript
 * sources through the "@kiln/source" export condition (so tests never need a build), and write a
 * JSON report that scripts/summarize-tests.mjs adds up into one summary line.
 */
import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config';

const conditions = ['@kiln/source', 'module', 'node', 'import', 'default'];

export function kilnVitestConfig(overrides: ViteUserConfig = {}): ViteUserConfig {
  return mergeConfig(
    defineConfig({
      resolve: { conditions },
      ssr: { resolve: { conditions, externalConditions: ['@kiln/source'] } },
      test: {
        include: ['test/**/*.test.ts'],
        reporters: ['default', 'json'],
        outputFile: { json: 'test-results.json' },
        testTimeout: 60_000,
        passWithNoTests: true,
      },
    }),
    overrides,
  );
}
