// Probe: does headless Debian chromium give a WebGPU adapter (SwiftShader), and does a
// compute + readback loop run stably? Tries several flag sets, one fresh browser each.
// Run: node tools/webgpu/chromium-webgpu-probe.mjs [iterations]   (from the repo root)
//   PROBE_SETS=plain,unsafeSwiftshader  only these flag sets
//   PROBE_PURE=1  drop the --enable-unsafe-swiftshader switch that playwright adds by default
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';

const require = createRequire(new URL('../../apps/examples/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const ITER = Number(process.argv[2] ?? 300);

const page = `<!doctype html><meta charset=utf-8><title>probe</title><pre id=out></pre><script type=module>
const out = (s) => { document.getElementById('out').textContent += s + '\\n'; console.log(s); };
try {
  if (!navigator.gpu) throw new Error('no navigator.gpu');
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('requestAdapter() returned null');
  const info = adapter.info ?? {};
  out('adapter ' + JSON.stringify({ vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description }));
  const device = await adapter.requestDevice();
  device.lost.then((l) => out('DEVICE LOST ' + l.reason + ' ' + l.message));
  const code = \`@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) { if (id.x < arrayLength(&a)) { a[id.x] = a[id.x] * 2.0 + 1.0; } }\`;
  const pipe = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const rb = device.createBuffer({ size: 4096, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const t0 = performance.now();
  let bad = 0;
  for (let it = 0; it < ${ITER}; it++) {
    const buf = device.createBuffer({ size: 4096, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buf, 0, new Float32Array(1024).fill(it));
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (let k = 0; k < 5; k++) {
      pass.setPipeline(pipe);
      pass.setBindGroup(0, device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buf } }] }));
      pass.dispatchWorkgroups(16);
    }
    pass.end();
    enc.copyBufferToBuffer(buf, 0, rb, 0, 4096);
    device.queue.submit([enc.finish()]);
    await rb.mapAsync(GPUMapMode.READ);
    const r = new Float32Array(rb.getMappedRange()).slice();
    rb.unmap();
    buf.destroy();
    let x = it; for (let k = 0; k < 5; k++) x = x * 2 + 1;
    if (r[0] !== x || r[1023] !== x) bad++;
    if (it % 100 === 0) out('iter ' + it + ' ' + r[0]);
  }
  out('LOOP DONE iterations=${ITER} bad=' + bad + ' ms=' + Math.round(performance.now() - t0));
} catch (e) { out('ERROR ' + (e && e.message || e)); }
out('END');
</script>`;

const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(page); });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const base = ['--headless=new', '--no-sandbox', '--disable-gpu-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu'];
const sets = {
  plain: [],
  unsafeSwiftshader: ['--enable-unsafe-swiftshader'],
  vulkanSwiftshader: ['--enable-features=Vulkan', '--use-vulkan=swiftshader'],
  adapterSwiftshader: ['--use-webgpu-adapter=swiftshader'],
  angleSwiftshader: ['--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader'],
  vulkanAll: ['--enable-features=Vulkan,WebGPU', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader'],
  vulkanAllUnsafe: ['--enable-features=Vulkan,WebGPU', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
};
const only = process.env.PROBE_SETS?.split(',');
for (const [name, extra] of Object.entries(sets)) {
  if (only && !only.includes(name)) continue;
  const dir = mkdtempSync(join(tmpdir(), 'kiln-chromium-'));
  const t0 = Date.now();
  let browser;
  const lines = [];
  try {
    browser = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, args: [...base, ...extra], ignoreDefaultArgs: process.env.PROBE_PURE ? ['--headless', '--enable-unsafe-swiftshader'] : ['--headless'], timeout: 30000 });
    const p = browser.pages()[0] ?? (await browser.newPage());
    p.on('console', (m) => lines.push(m.text()));
    p.on('crash', () => lines.push('PAGE CRASH'));
    await p.goto(url);
    await p.waitForFunction(() => document.getElementById('out')?.textContent?.includes('END'), null, { timeout: 120000 }).catch((e) => lines.push('WAIT FAIL ' + e.message.split('\n')[0]));
  } catch (e) { lines.push('LAUNCH FAIL ' + e.message.split('\n')[0]); }
  await browser?.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  console.log(`== ${name} (${extra.join(' ') || 'no extra flags'}) ${Date.now() - t0} ms`);
  for (const l of lines.filter((l) => !l.startsWith('iter ') || l.startsWith('iter 0'))) console.log('   ' + l);
}
server.close();
