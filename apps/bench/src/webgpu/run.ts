/**
 * `pnpm --filter @kiln/bench bench:webgpu` (the third part of `pnpm bench`): builds the WebGPU
 * benchmark page (index.html + page.ts) with Vite, serves it on 127.0.0.1, opens it in headless
 * Debian chromium (apps/examples' helpers: the project's switches, never a downloaded browser),
 * prints the adapter and a table of Kiln-on-WebGPU against tfjs-backend-webgpu with time ratios,
 * and writes `results/webgpu.json`.
 *
 * Skips with the reason printed (exit 0) when chromium is missing or the browser finds no WebGPU
 * adapter. Without a GPU, Chrome's adapter is SwiftShader (Vulkan on the CPU): the numbers then
 * compare the two libraries' kernels on a software device, not GPU speed — the table says so.
 *
 * Options: `--cases id,id`, `--budget ms` (per case and contender), `--conv-batch N`,
 * `--deadline ms` (cases not started by then are skipped; 75 s on SwiftShader, 300 s on a GPU);
 * `KILN_CHROMIUM_ARGS="--flag …"` adds chromium switches (e.g. `--enable-features=Vulkan` where a
 * real GPU is present but not picked up headless).
 * @packageDocumentation
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import type { CaseResult, WebGPUBenchReport } from './page.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/**
 * apps/examples' chromium helpers (src/browser/node/chromium.ts), imported by a computed path: a
 * static import would put that file under this package's type-check, outside its rootDir.
 */
interface ChromiumHelpers {
  chromiumSkipReason(): string | null;
  launchChromium(extraArgs?: string[]): Promise<{ context: BrowserContext; close(): Promise<void> }>;
  serveStatic(dir: string): Promise<{ url: string; close(): Promise<void> }>;
}
const helpersPath = join(root, '..', 'examples', 'src', 'browser', 'node', 'chromium.ts');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Builds the page into a fresh temp directory (workspace packages from their TypeScript sources). */
async function buildPage(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: here,
    base: './',
    logLevel: 'error',
    resolve: { conditions: ['@kiln/source', 'module', 'browser', 'import', 'default'] },
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8000, rollupOptions: { input: join(here, 'index.html') } },
  });
}

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

/** The report as an aligned text table: ms per op/step, GFLOP/s, and Kiln time / tfjs time. */
export function formatWebGPUTable(r: WebGPUBenchReport): string {
  const names = ['kiln', 'tfjs-webgpu'];
  const ms = (c: CaseResult | undefined) => (c && 'ms' in c ? c.ms : undefined);
  const head = ['case', ...names.map((n) => `${n} ms`), ...names.map((n) => `${n} GFLOP/s`), 'kiln/tfjs-webgpu'];
  const notes: string[] = [];
  const rows = r.cases.map((c) => {
    const cell = (n: string) => {
      const res = c.results[n];
      if (!res) return '—';
      if ('ms' in res) return fmtMs(res.ms);
      return `n/a [${(notes.indexOf(res.na) + 1 || notes.push(res.na))}]`;
    };
    const k = ms(c.results.kiln);
    const t = ms(c.results['tfjs-webgpu']);
    return [
      c.label,
      ...names.map(cell),
      ...names.map((n) => (c.flops && ms(c.results[n]) ? (c.flops / ms(c.results[n])! / 1e6).toFixed(1) : '')),
      k !== undefined && t !== undefined ? `${(k / t).toFixed(2)}×` : 'n/a',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  const line = (x: string[]) => x.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  notes.forEach((n, i) => out.push(`  [${i + 1}] ${n}`));
  return out.join('\n');
}

async function main(): Promise<void> {
  const helpers = (await import(/* @vite-ignore */ helpersPath)) as ChromiumHelpers;
  const skip = helpers.chromiumSkipReason();
  if (skip) {
    console.log(`bench:webgpu skipped — ${skip.replace(/^browser tests skipped: /, '')}`);
    return;
  }
  const query = new URLSearchParams();
  if (arg('cases')) query.set('cases', arg('cases')!);
  if (arg('budget')) query.set('budget', arg('budget')!);
  if (arg('conv-batch')) query.set('convBatch', arg('conv-batch')!);
  if (arg('deadline')) query.set('deadline', arg('deadline')!);

  const t0 = performance.now();
  const outDir = mkdtempSync(join(tmpdir(), 'kiln-bench-webgpu-'));
  let server: Awaited<ReturnType<ChromiumHelpers['serveStatic']>> | null = null;
  let browser: Awaited<ReturnType<ChromiumHelpers['launchChromium']>> | null = null;
  try {
    await buildPage(outDir);
    server = await helpers.serveStatic(outDir);
    const extra = (process.env.KILN_CHROMIUM_ARGS ?? '').split(/\s+/).filter(Boolean);
    browser = await helpers.launchChromium(extra);
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'log') console.log(`  ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(e.message));
    console.log(`kiln bench (WebGPU): page built and browser started in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await page.goto(`${server.url}index.html${query.size ? `?${query}` : ''}`);
    await page.waitForFunction(() => (globalThis as { __kilnBench?: WebGPUBenchReport }).__kilnBench?.done === true, null, { timeout: 420_000, polling: 250 });
    const report = (await page.evaluate(() => (globalThis as { __kilnBench?: WebGPUBenchReport }).__kilnBench))!;
    if (report.error) {
      if (/navigator\.gpu is missing|no WebGPU adapter/.test(report.error)) {
        console.log(`bench:webgpu skipped — ${report.error}`);
        return;
      }
      throw new Error(`the WebGPU bench page failed: ${report.error}${errors.length ? `\n${errors.join('\n')}` : ''}`);
    }
    const a = report.adapter!;
    const chromium = /Chrome\/([\d.]+)/.exec(report.userAgent)?.[1] ?? null;
    console.log(`\nadapter: ${a.vendor || '?'} / ${a.architecture || '?'}${a.description ? ` (${a.description})` : ''}${a.fallback ? ', fallback adapter' : ''}`);
    if (report.software) console.log('         SwiftShader = WebGPU emulated on the CPU: these numbers compare kernels on a software device, not GPU speed.');
    console.log(`chromium ${chromium ?? '?'}, tfjs-core ${report.tfjs?.version} on '${report.tfjs?.backend}'; ms per op (matmul, conv) or per step (MLP, loss read back); ratio = Kiln time / tfjs time (below 1 = Kiln faster)\n`);
    console.log(formatWebGPUTable(report));
    const out = join(root, 'results', 'webgpu.json');
    mkdirSync(dirname(out), { recursive: true });
    const summary = { date: new Date().toISOString(), chromium, ...report };
    writeFileSync(out, JSON.stringify(summary, null, 2) + '\n');
    console.log(`\nJSON: ${out} (${((performance.now() - t0) / 1000).toFixed(1)} s in all)`);
  } finally {
    await browser?.close();
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();
