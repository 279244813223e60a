/**
 * A size-bucketed pool of storage buffers. Released buffers wait in `pending` until the command
 * buffer that may still use them is submitted (release deferred until submit), then become reusable.
 * @packageDocumentation
 */

/** Buffers are rounded up to a power of two (≥ 16 bytes) so reuse finds a fit quickly. */
export function bucketSize(bytes: number): number {
  let s = 16;
  while (s < bytes) s *= 2;
  return s;
}

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  /** Bytes currently allocated from the device (in use + pooled). */
  allocatedBytes = 0;
  /** Bytes sitting in the pool, ready for reuse. */
  pooledBytes = 0;

  constructor(private readonly device: GPUDevice) {}

  /** A storage buffer of at least `bytes` bytes (STORAGE | COPY_SRC | COPY_DST). */
  acquire(bytes: number): GPUBuffer {
    const size = bucketSize(bytes);
    const list = this.free.get(size);
    const hit = list?.pop();
    if (hit) {
      this.pooledBytes -= size;
      return hit;
    }
    this.allocatedBytes += size;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  /** Returns a buffer; it is reusable only after the next submit. */
  release(buf: GPUBuffer): void {
    this.pending.push(buf);
  }

  /** Called right after a submit: everything released before it may now be reused. */
  afterSubmit(): void {
    for (const b of this.pending) {
      const list = this.free.get(b.size) ?? [];
      list.push(b);
      this.free.set(b.size, list);
      this.pooledBytes += b.size;
    }
    this.pending = [];
  }

  /** Destroys every pooled buffer (memory pressure or dispose). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) {
      this.allocatedBytes -= b.size;
      b.destroy();
    }
    this.free.clear();
    this.pooledBytes = 0;
  }
}
