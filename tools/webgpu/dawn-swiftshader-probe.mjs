// Dawn (npm "webgpu") + SwiftShader: dispatch + copy + mapAsync cycles, with a forced GC after each.
//
//   node --expose-gc tools/webgpu/dawn-swiftshader-probe.mjs            # holds the GPU object: stable
//   PROBE_DROP_GPU=1 node --expose-gc tools/webgpu/dawn-swiftshader-probe.mjs
//                                     # lets the GPU object from create() be collected: crashes
//                                     # (SIGSEGV / SIGABRT "futex facility returned an unexpected
//                                     # error code" / std::system_error) within a few cycles
//
// Env: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (plus LD_LIBRARY_PATH=/usr/lib/chromium
// when Debian's libvulkan1 is not installed), PROBE_ITER (default 200), PROBE_FLAGS (space-separated
// create() flags). Exit code 0 and "ok" when every result was right. See FINDINGS.md.
import { createRequire } from 'node:module';

// tools/ has no node_modules of its own: resolve the package the backend depends on.
const require = createRequire(new URL('../../packages/backend-webgpu/package.json', import.meta.url));
const { create, globals } = await import(require.resolve('webgpu'));
Object.assign(globalThis, globals);

const flags = process.env.PROBE_FLAGS ? process.env.PROBE_FLAGS.split(' ') : [];
const held = [];
// Like the old gpu.ts: the GPU object is only reachable while the adapter is being requested.
const device = await (async () => {
  const gpu = create(flags);
  if (!process.env.PROBE_DROP_GPU) held.push(gpu);
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no adapter: see FINDINGS.md for VK_ICD_FILENAMES / libvulkan1');
  return adapter.requestDevice();
})();

const code = `@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) { if (id.x < arrayLength(&a)) { a[id.x] = a[id.x] * 2.0; } }`;
const pipe = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
const rb = device.createBuffer({ size: 4096, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
const iterations = Number(process.env.PROBE_ITER ?? 200);
let wrong = 0;
for (let it = 0; it < iterations; it++) {
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
  const first = new Float32Array(rb.getMappedRange(0, 16))[0];
  rb.unmap();
  buf.destroy();
  if (first !== it * 32) wrong++;
  globalThis.gc?.();
}
console.log(`${wrong === 0 ? 'ok' : 'WRONG'}: ${iterations} cycles, ${wrong} wrong`);
process.exit(wrong === 0 ? 0 : 1);
