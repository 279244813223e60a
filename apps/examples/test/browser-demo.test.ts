/**
 * End-to-end test of the browser demo (src/browser/): builds it with Vite, serves it on
 * 127.0.0.1, drives it in headless Debian chromium (playwright-core) and checks that two short
 * epochs train: the loss falls and test accuracy rises well above chance. It runs the page twice —
 * on the device the page picks (WebGPU when chromium finds an adapter) and with `?device=cpu` —
 * and checks that both start from the same losses. A screenshot goes to a temp directory (printed).
 * Skipped, with the reason printed, when chromium is missing (scripts/ensure-chromium.sh).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPages, chromiumSkipReason, launchChromium, serveStatic, type Browser } from '../src/browser/node/chromium.js';
import type { DemoState } from '../src/browser/main.js';

const skipReason = chromiumSkipReason();
if (skipReason) console.warn(`[browser-demo.test] ${skipReason}`);

// two short epochs: 15 steps of 64 digits each from 1,000 training digits, tested on 500
const QUERY = '?epochs=2&steps=15&limit=1000&test=500&batch=64&lr=0.05';

describe.skipIf(skipReason !== null)('browser demo (headless chromium)', () => {
  let outDir = '';
  let server: Awaited<ReturnType<typeof serveStatic>> | null = null;
  let browser: Browser | null = null;
  const shots = mkdtempSync(join(tmpdir(), 'kiln-browser-demo-'));

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

  async function runDemo(query: string, screenshot: string | null): Promise<DemoState> {
    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(server!.url + query);
    await page.waitForFunction(() => (globalThis as { __kilnDemo?: DemoState }).__kilnDemo?.done === true, null, { timeout: 75_000 });
    const state = (await page.evaluate(() => (globalThis as { __kilnDemo?: DemoState }).__kilnDemo))!;
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    expect(state.error, `page error: ${state.error}; console: ${errors.join(' | ')}`).toBeNull();
    return state;
  }

  function expectLearning(state: DemoState): void {
    expect(state.epochs).toHaveLength(2);
    expect(state.losses).toHaveLength(2 * state.stepsPerEpoch);
    const [e1, e2] = state.epochs as [DemoState['epochs'][0], DemoState['epochs'][0]];
    // the loss falls: from ~ln(10) at the start, epoch 2's mean below epoch 1's
    expect(state.losses[0]!).toBeGreaterThan(2);
    expect(e2.meanLoss).toBeLessThan(e1.meanLoss);
    const last5 = state.losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
    expect(last5).toBeLessThan(state.losses[0]! / 2);
    // accuracy well above chance (10 %) after each epoch
    expect(e1.accuracy).toBeGreaterThan(0.3);
    expect(e2.accuracy).toBeGreaterThan(0.5);
    // nothing leaks per step: 15 leaked batches alone would add 3 MB; the steady state varies by
    // one set of gradients (0.8 MB) depending on when the finalizers ran
    expect(e2.bytes - e1.bytes).toBeLessThan(2_500_000);
  }

  let auto: DemoState | null = null;

  it('trains two epochs on the device the page picks (WebGPU when there is an adapter)', async () => {
    const shot = join(shots, 'browser-demo.png');
    auto = await runDemo(QUERY, shot);
    console.log(
      `[browser-demo.test] device ${auto.device}${auto.adapter ? ` (${auto.adapter})` : ''}${auto.fallbackReason ? ` — WebGPU unavailable: ${auto.fallbackReason}` : ''}; ` +
        `accuracy ${auto.epochs.map((e) => e.accuracy.toFixed(3)).join(' → ')}, mean loss ${auto.epochs.map((e) => e.meanLoss.toFixed(3)).join(' → ')}, ` +
        `epoch times ${auto.epochs.map((e) => e.seconds.toFixed(1)).join(' s, ')} s, live bytes ${auto.epochs.map((e) => e.bytes).join(' → ')}; screenshot ${shot}`,
    );
    expect(auto.device === 'webgpu' || auto.device === 'cpu').toBe(true);
    expectLearning(auto);
  }, 90_000);

  it('trains on the CPU with ?device=cpu, starting from the same losses', async () => {
    const cpu = await runDemo(`${QUERY}&device=cpu`, join(shots, 'browser-demo-cpu.png'));
    expect(cpu.device).toBe('cpu');
    expectLearning(cpu);
    if (auto?.device === 'webgpu') {
      // same seed, same batches: WebGPU and the CPU agree to float32 rounding at the start
      for (let i = 0; i < 5; i++) expect(Math.abs(cpu.losses[i]! - auto.losses[i]!)).toBeLessThan(1e-3);
    }
  }, 60_000);
});
