/**
 * @kiln/data's DataLoader with Web Workers, for real in headless chromium. Vite's dev server
 * serves `src/data-web-workers/` (and the workspace packages from their TypeScript sources); the
 * page runs loaders with 0 and 2 workers and the test compares what it saw. A second suite
 * `vite build`s the bundled-worker page and serves the static files, the production route.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, createServer, defaultClientConditions, type ViteDevServer } from 'vite';
import { chromiumSkipReason, launchChromium, serveStatic, type Browser } from '../src/browser/node/chromium.js';

const here = dirname(fileURLToPath(import.meta.url));
const pages = resolve(here, '../src/data-web-workers');
const conditions = ['@kiln/source', ...defaultClientConditions];
const skip = chromiumSkipReason();
if (skip) console.warn(`data-web-workers: ${skip}`);

/** Opens `url` and waits for the page to publish `window.__result`. */
async function pageResult<R>(browser: Browser, url: string): Promise<R> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 45_000 })
    .catch((e: unknown) => {
      throw new Error(`the page did not finish: ${String(e)}\npage errors: ${errors.join('\n')}`);
    });
  const result = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as R & { failed?: string };
  if (result.failed) throw new Error(`the page failed: ${result.failed}`);
  await page.close();
  return result;
}

type Batch = { x: number[][]; y: number[]; w: number[]; dtypes: string[] };
interface PageResult {
  failed?: string;
  single: Batch[];
  workers: Batch[];
  bundled: Batch[];
  noisyA: Batch[];
  noisyB: Batch[];
  epochs: Batch[][];
  error: { name: string; index: number | undefined; workerId: number; message: string } | null;
  isWorkerError: boolean;
}

describe.skipIf(skip !== null)('DataLoader with Web Workers (headless chromium)', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let result: PageResult;

  beforeAll(async () => {
    server = await createServer({
      configFile: false,
      root: pages,
      logLevel: 'error',
      clearScreen: false,
      resolve: { conditions },
      // Nothing to pre-bundle (workspace sources only), and no file watching in a test.
      optimizeDeps: { noDiscovery: true, include: [] },
      server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    });
    await server.listen();
    const url = server.resolvedUrls!.local[0]!;
    browser = await launchChromium();
    result = await pageResult<PageResult>(browser, url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('delivers the same batches with 2 Web Workers as with 0 for the same seed, in order, as tensors', () => {
    expect(result.workers.map((b) => b.y)).toEqual(result.single.map((b) => b.y));
    expect(result.workers.map((b) => b.x)).toEqual(result.single.map((b) => b.x));
    expect(result.single.flatMap((b) => b.y).sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(result.workers[0]!.dtypes).toEqual(['float32', 'int32']);
    // Loaded in the workers (batch k by worker k mod 2), not in the page.
    expect(result.single.every((b) => b.w.every((w) => w === -1))).toBe(true);
    expect(result.workers.map((b) => b.w[0])).toEqual(result.workers.map((_, k) => k % 2));
  });

  it('also runs workers from a script that bundles the dataset module (workerUrl, for vite build)', () => {
    expect(result.bundled.map((b) => b.x)).toEqual(result.single.map((b) => b.x));
    expect(result.bundled.map((b) => b.w[0])).toEqual(result.bundled.map((_, k) => k % 2));
  });

  it('seeds each worker from the loader generator: random features are reproducible', () => {
    expect(result.noisyA.map((b) => b.x)).toEqual(result.noisyB.map((b) => b.x));
    const noise = result.noisyA.flatMap((b) => b.x.map((row) => row[2]));
    expect(new Set(noise).size).toBe(noise.length);
  });

  it('persistent workers serve several epochs, reshuffled', () => {
    const [e1, e2] = result.epochs;
    expect(e1!.flatMap((b) => b.y).sort((a, b) => a - b)).toEqual(e2!.flatMap((b) => b.y).sort((a, b) => a - b));
    expect(e1!.map((b) => b.y)).not.toEqual(e2!.map((b) => b.y));
  });

  it('an exception in a worker surfaces as a WorkerError with the sample index', () => {
    expect(result.isWorkerError).toBe(true);
    expect(result.error!.index).toBe(6);
    expect(result.error!.workerId).toBe(1);
    expect(result.error!.message).toMatch(/worker process 1 while fetching sample index 6[\s\S]*toy sample 6 is broken/);
  });
});

describe.skipIf(skip !== null)('DataLoader with Web Workers after vite build (headless chromium)', () => {
  it('a worker script bundling the dataset module (workerUrl from ?worker&url) gives the 0-worker batches and errors with the index', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'kiln-data-web-workers-'));
    let browser: Browser | undefined;
    let site: { url: string; close(): Promise<void> } | undefined;
    try {
      await build({
        configFile: false,
        root: pages,
        base: './',
        logLevel: 'error',
        resolve: { conditions },
        // Module workers: @kiln/data's modules use top-level await, which iife workers cannot.
        worker: { format: 'es' },
        build: { outDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: join(pages, 'bundled.html') } },
      });
      site = await serveStatic(outDir);
      browser = await launchChromium();
      type R = { single: Batch[]; workers: Batch[]; error: { index: number | undefined; message: string; isWorkerError: boolean } | null };
      const r = await pageResult<R>(browser, `${site.url}bundled.html`);
      expect(r.workers.map((b) => b.x)).toEqual(r.single.map((b) => b.x));
      expect(r.workers.map((b) => b.w[0])).toEqual(r.workers.map((_, k) => k % 2));
      expect(r.error).toMatchObject({ index: 6, isWorkerError: true });
      expect(r.error!.message).toMatch(/while fetching sample index 6[\s\S]*toy sample 6 is broken/);
    } finally {
      await browser?.close();
      await site?.close();
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});
