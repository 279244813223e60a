import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'lr-scheduler/index': 'src/lr-scheduler/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@kiln\//],
});
