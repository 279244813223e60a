/**
 * A block allocator over the kernel module's shared WebAssembly memory, so CPU tensors can live
 * where the kernels run: a kernel then reads its operands and writes its result in place, instead
 * of copying every operand into the kernel memory and the result back out (two memcpys per op,
 * which measured as much as the SIMD work itself for elementwise ops and ~15 % of a CNN step).
 *
 * Blocks are multiples of 64 bytes (a cache line, and 16-byte aligned for v128 loads). Freed
 * blocks wait in exact-size free lists, which is what a training loop needs: it allocates the
 * same shapes step after step. A request no list can serve takes fresh memory at the top (the
 * memory grows as needed), or failing that the smallest free block up to twice its size. When
 * neither works the caller gets null and uses ordinary JavaScript memory.
 *
 * Only a shared memory is used this way: growing it keeps existing views valid, where growing an
 * unshared memory would detach every array handed out.
 * @packageDocumentation
 */

const PAGE = 65536;
const ALIGN = 64;

/** Allocates and frees byte ranges of `memory` above `base`. */
export class WasmHeap {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Block size of every live block, by offset. */
  private readonly live = new Map<number, number>();
  private freeBytes = 0;
  private usedBytes = 0;

  /**
   * @param memory the shared memory (grown on demand)
   * @param base first byte the heap may use
   * @param limit the heap never grows the memory past this many bytes
   */
  constructor(private readonly memory: WebAssembly.Memory, base: number, readonly limit: number) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
  }

  /** Bytes a request of `bytes` occupies. */
  static blockSize(bytes: number): number {
    return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  }

  /** The byte offset of a block of at least `bytes` bytes, or null when the heap is full. */
  alloc(bytes: number): number | null {
    const size = WasmHeap.blockSize(bytes);
    const exact = this.freeLists.get(size);
    if (exact?.length) return this.take(size, exact.pop()!);
    if (this.top + size <= this.limit && this.ensure(this.top + size)) {
      const ptr = this.top;
      this.top += size;
      this.freeBytes += size; // counted as taken below
      return this.take(size, ptr);
    }
    // full: the smallest free block that is not more than twice too big (its tail is wasted
    // while it is in use, and it returns to its own size's list)
    let best = 0;
    for (const [s, list] of this.freeLists) if (list.length && s >= size && s <= 2 * size && (!best || s < best)) best = s;
    return best ? this.take(best, this.freeLists.get(best)!.pop()!) : null;
  }

  /** Returns a block taken with {@link alloc}; unknown offsets are ignored. */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) return;
    this.live.delete(ptr);
    let list = this.freeLists.get(size);
    if (!list) this.freeLists.set(size, (list = []));
    list.push(ptr);
    this.freeBytes += size;
    this.usedBytes -= size;
  }

  /** The size of live block `ptr` (0 if unknown). */
  blockBytes(ptr: number): number {
    return this.live.get(ptr) ?? 0;
  }

  /** Bytes in live blocks (read on every resident allocation, so no object is built for it). */
  get liveBytes(): number {
    return this.usedBytes;
  }

  /** Bytes in live blocks and in free lists. */
  stats(): { usedBytes: number; freeBytes: number; topBytes: number } {
    return { usedBytes: this.usedBytes, freeBytes: this.freeBytes, topBytes: this.top };
  }

  private take(size: number, ptr: number): number {
    this.live.set(ptr, size);
    this.freeBytes -= size;
    this.usedBytes += size;
    return ptr;
  }

  /** Grows the memory to at least `end` bytes; false when it cannot. */
  private ensure(end: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return true;
    try {
      this.memory.grow(Math.ceil((end - have) / PAGE));
      return true;
    } catch {
      return false;
    }
  }
}
