/**
 * Node-side helpers for the browser pages (used by test/browser*.test.ts): serve a built
 * `dist/browser/` on 127.0.0.1 and start headless Debian chromium through playwright-core with the
 * switches this project uses (never a downloaded browser).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where the browser comes from: Debian's `chromium` package (scripts/ensure-chromium.sh installs it). */
export const CHROMIUM_PATH = process.env.KILN_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser suites cannot run here, or null when they can. */
export function chromiumSkipReason(): string | null {
  if (!existsSync(CHROMIUM_PATH)) {
    return `browser tests skipped: ${CHROMIUM_PATH} is missing (run scripts/ensure-chromium.sh as root, or set KILN_CHROMIUM)`;
  }
  return null;
}

/**
 * Switches for headless chromium on a machine without a GPU. `--enable-unsafe-webgpu` is enough
 * for WebGPU there: Chrome's Dawn picks its bundled SwiftShader (Vulkan on the CPU) as the adapter
 * (`adapter.info.architecture === 'swiftshader'`). See tools/webgpu/FINDINGS.md.
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

/** A started browser with its own fresh profile directory; `close()` removes it. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts headless chromium with a fresh `--user-data-dir` and {@link CHROMIUM_ARGS} (+ `extraArgs`). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'kiln-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    // playwright would add a plain --headless; ours is --headless=new
    ignoreDefaultArgs: ['--headless'],
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1100, height: 900 },
    timeout: 30_000,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static file server for `dir` on 127.0.0.1 (a free port); `url` ends with '/'. */
export async function serveStatic(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const root = resolve(dir);
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, pathname));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/**
 * Builds the browser pages (vite.config.ts) into `outDir` — a fresh temp directory, so test files
 * running in parallel never share one — and returns it.
 */
export async function buildPages(outDir: string): Promise<string> {
  const { build } = await import('vite');
  const configFile = fileURLToPath(new URL('../../../vite.config.ts', import.meta.url));
  await build({ configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return outDir;
}
