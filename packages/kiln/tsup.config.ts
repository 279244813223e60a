import { defineConfig } from 'tsup';

/**
 * The umbrella is only re-exports, so it is transpiled file by file (no bundle) and its
 * declarations come from `tsc -p tsconfig.build.json`: tsup's d.ts bundler (rollup-plugin-dts)
 * turns `export * from '@kiln/optim'` inside the `optim` namespace into JavaScript
 * (`_mergeNamespaces(…)`) in index.d.ts, which is not a valid declaration file.
 */
export default defineConfig({
  entry: ['src/index.ts', 'src/optim.ts', 'src/utils.ts'],
  bundle: false,
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
