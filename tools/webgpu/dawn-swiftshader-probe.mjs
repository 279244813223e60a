// Minimal reproduction: Dawn (npm "webgpu") + chromium SwiftShader crashes after a few dispatch+map cycles.
// Run: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json node tools/webgpu/dawn-swiftshader-probe.mjs
import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
const ka = setInterval(() => {}, 100);
const adapter = await create([]).requestAdapter();
const device = await adapter.requestDevice();
const code = `@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) { if (id.x < arrayLength(&a)) { a[id.x] = a[id.x] * 2.0; } }`;
const pipe = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
const keep = [];
const rb = device.createBuffer({ size: 4096, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
for (let it = 0; it < 200; it++) {
  const buf = device.createBuffer({ size: 4096, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST }); keep.push(buf);
  device.queue.writeBuffer(buf, 0, new Float32Array(1024).fill(it));
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (let k = 0; k < 5; k++) {
    pass.setPipeline(pipe);
    const bg = device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buf } }] }); keep.push(bg); pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(16);
  }
  pass.end();
  enc.copyBufferToBuffer(buf, 0, rb, 0, 4096);
  device.queue.submit([enc.finish()]);
  await rb.mapAsync(GPUMapMode.READ);
  const r = new Float32Array(4); r.set(new Float32Array(rb.getMappedRange(0, 16)));
  rb.unmap();
  if (it % 50 === 0) console.log(it, r[0]);
}
console.log('ok');
process.exit(0);
