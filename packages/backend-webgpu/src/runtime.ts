/**
 * The WebGPU runtime: pipelines cached by their WGSL source, dispatches recorded into one compute
 * pass of one command encoder and submitted in groups (or when a read needs the results), async
 * readback through staging buffers, and device-loss/validation error reporting.
 * @packageDocumentation
 */
import { DeviceError } from '@kiln/tensor';
import { BufferPool, bucketSize } from './buffer-pool.js';

/** Dispatches per submit: large enough to amortise submit cost, small enough to keep the GPU busy. */
const DISPATCHES_PER_SUBMIT = 64;
const WG = 64;

export class GpuRuntime {
  readonly pool: BufferPool;
  private pipelines = new Map<string, GPUComputePipeline>();
  private staging = new Map<number, GPUBuffer[]>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private recorded = 0;
  private lostReason: string | null = null;
  private lastError: string | null = null;
  /** One shared 16-byte buffer stands in for every empty tensor. */
  readonly emptyBuffer: GPUBuffer;
  readonly maxWorkgroups: number;

  constructor(readonly device: GPUDevice) {
    this.pool = new BufferPool(device);
    this.emptyBuffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.maxWorkgroups = device.limits.maxComputeWorkgroupsPerDimension;
    device.lost.then((info) => {
      this.lostReason = `${info.reason}: ${info.message}`;
    });
    device.addEventListener?.('uncapturederror', (ev) => {
      this.lastError = (ev as GPUUncapturedErrorEvent).error.message;
    });
  }

  /** Throws a DeviceError if the device was lost or a validation error was reported. */
  check(op: string): void {
    if (this.lostReason) {
      throw new DeviceError(`${op}: the WebGPU device was lost (${this.lostReason}); call \`await initDevice('webgpu')\` again and recreate tensors.`);
    }
    if (this.lastError) {
      const e = this.lastError;
      this.lastError = null;
      throw new DeviceError(`${op}: WebGPU reported an error in an earlier kernel: ${e}`);
    }
  }

  /** The compute pipeline for a WGSL source (compiled once). */
  pipeline(code: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (!p) {
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module: this.device.createShaderModule({ code }), entryPoint: 'main' } });
      this.pipelines.set(code, p);
    }
    return p;
  }

  /** Uploads a small int32 metadata array (shapes, strides, offsets) into a pooled buffer. */
  meta(values: readonly number[]): GPUBuffer {
    const data = Int32Array.from(values.length ? values : [0]);
    const buf = this.pool.acquire(data.byteLength);
    this.device.queue.writeBuffer(buf, 0, data);
    this.pool.release(buf); // reusable after the submit that runs this dispatch
    return buf;
  }

  /** Workgroup counts for `threads` invocations of WG threads, folded into 2-D past the 65,535 limit. */
  grid(threads: number): [number, number] {
    const groups = Math.max(1, Math.ceil(threads / WG));
    const x = Math.min(groups, this.maxWorkgroups);
    return [x, Math.ceil(groups / x)];
  }

  /** Records one dispatch; buffers are bound to bindings 0..n-1 in order. */
  dispatch(code: string, buffers: readonly GPUBuffer[], workgroups: readonly [number, number?, number?]): void {
    this.check('dispatch');
    const pipeline = this.pipeline(code);
    const bind = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (!this.pass) this.pass = this.encoder.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bind);
    this.pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    if (++this.recorded >= DISPATCHES_PER_SUBMIT) this.submit();
  }

  /** Records a buffer-to-buffer copy (ends the current compute pass). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    this.encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Submits everything recorded so far; released buffers become reusable. */
  submit(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
      this.recorded = 0;
    }
    this.pool.afterSubmit();
  }

  /** Copies `bytes` from a buffer to host memory (submits pending work first). */
  async readBytes(src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const size = bucketSize(bytes);
    // staging buffers are reused (cheaper than creating one per read)
    const staging = this.staging.get(size)?.pop() ?? this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.copy(src, 0, staging, 0, Math.min(size, src.size));
    this.submit();
    // Dawn's Node binding does not keep the event loop alive while a map is pending; a timer does
    const keepAlive = typeof setInterval === 'function' ? setInterval(() => {}, 1) : null;
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } finally {
      if (keepAlive !== null) clearInterval(keepAlive);
    }
    // copy through a typed-array view: ArrayBuffer.prototype.slice on a mapped range corrupts
    // Dawn's Node binding (segfaults on the next map of the buffer)
    const out = new ArrayBuffer(bytes);
    new Uint8Array(out).set(new Uint8Array(staging.getMappedRange(0, size), 0, bytes));
    staging.unmap();
    const free = this.staging.get(size) ?? [];
    free.push(staging);
    this.staging.set(size, free);
    this.check('read');
    return out;
  }
}

/** Threads per workgroup of the elementwise kernels. */
export const WORKGROUP = WG;
