import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@kiln\//],
  // toString() prints class names (PyTorch's repr), so the bundle must not rename classes.
  keepNames: true,
});
