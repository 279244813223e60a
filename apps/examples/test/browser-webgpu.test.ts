/**
 * WebGPU in headless Debian chromium (src/browser/webgpu-check.html): an adapter appears
 * (SwiftShader on a machine without a GPU), a raw compute + readback loop runs 300 times with
 * correct results, and @kiln/backend-webgpu agrees with the CPU device on the smoke checks
 * (matmul, relu, sums, max, sort, cumsum, gather, cat/flip, int32 ops, scatterAdd).
 *
 * It also runs @kiln/tensor/testing's Backend conformance suite in the page (≈ 30 s) and requires
 * it to pass — the browser half of the WebGPU backend's CI gate (packages/backend-webgpu runs the
 * same suite in Node on Dawn). KILN_BROWSER_CONFORMANCE=0 leaves it out for quick local runs. Skipped, with the reason printed, when chromium is missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPages, chromiumSkipReason, launchChromium, serveStatic, type Browser } from '../src/browser/node/chromium.js';
import type { CheckReport } from '../src/browser/webgpu-check.js';

const skipReason = chromiumSkipReason();
if (skipReason) console.warn(`[browser-webgpu.test] ${skipReason}`);
const conformance = process.env.KILN_BROWSER_CONFORMANCE !== '0';

describe.skipIf(skipReason !== null)('WebGPU in headless chromium', () => {
  let outDir = '';
  let server: Awaited<ReturnType<typeof serveStatic>> | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'kiln-browser-build-'));
    await buildPages(outDir);
    server = await serveStatic(outDir);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function check(query: string, timeout: number): Promise<CheckReport> {
    const page = await browser!.context.newPage();
    const lines: string[] = [];
    page.on('console', (m) => lines.push(m.text()));
    page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
    await page.goto(`${server!.url}webgpu-check.html${query}`);
    await page.waitForFunction(() => (globalThis as { __kilnCheck?: CheckReport }).__kilnCheck?.done === true, null, { timeout });
    const report = (await page.evaluate(() => (globalThis as { __kilnCheck?: CheckReport }).__kilnCheck))!;
    await page.close();
    expect(report.error, `${report.error}\n${lines.join('\n')}`).toBeNull();
    return report;
  }

  it('finds an adapter, runs 300 compute + readback cycles, and the backend agrees with the CPU', async () => {
    const r = await check('?loop=300', 60_000);
    console.log(`[browser-webgpu.test] adapter ${JSON.stringify(r.adapter)}; ${r.loop?.iterations} cycles in ${r.loop?.ms} ms`);
    expect(r.adapter).not.toBeNull();
    expect(r.loop).toEqual({ iterations: 300, bad: 0, ms: expect.any(Number) });
    const failed = r.smoke.filter((s) => !s.ok);
    expect(failed, failed.map((f) => `${f.name}: ${f.detail}`).join('\n')).toEqual([]);
    expect(r.smoke.length).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('fast kernels (tiled matmul, tree reductions, softmax/pool overrides) agree with the CPU (?fast=1)', async () => {
    const r = await check('?loop=0&fast=1', 170_000);
    const fast = r.fast ?? [];
    for (const f of fast.filter((c) => c.name.startsWith('timing'))) console.log(`[browser-webgpu.test] ${f.name}: ${f.detail}`);
    const failed = fast.filter((c) => !c.ok);
    expect(failed.map((f) => `${f.name}: ${f.detail}`)).toEqual([]);
    expect(fast.length).toBeGreaterThanOrEqual(50);
  }, 180_000);

  it('fused conv2d (+ backward) and optimizer-step overrides agree with the CPU (?convoptim=1)', async () => {
    const r = await check('?loop=0&convoptim=1', 170_000);
    const res = r.convOptim ?? [];
    const failed = res.filter((c) => !c.ok);
    expect(failed.map((f) => `${f.name}: ${f.detail}`)).toEqual([]);
    expect(res.length).toBeGreaterThanOrEqual(35);
  }, 180_000);

  it.skipIf(!conformance)('passes the Backend conformance suite in the page (opt out: KILN_BROWSER_CONFORMANCE=0)', async () => {
    const r = await check('?loop=0&conformance=1', 170_000);
    const c = r.conformance!;
    console.log(`[browser-webgpu.test] conformance: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped in ${c.ms} ms`);
    expect(c.failures.map((f) => `${f.name}: ${f.error}`)).toEqual([]);
  }, 180_000);
});
