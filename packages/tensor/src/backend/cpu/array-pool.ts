/**
 * A recycling pool of the CPU backend's typed arrays.
 *
 * Why: every CPU op returns a fresh array, and V8 keeps every array above 64 bytes outside its
 * heap. A training step allocates megabytes of them (gradients, activations), which V8 counts as
 * "external memory pressure" and answers with full mark-compact collections (~25 ms each, every
 * few steps of a small MLP) plus first-touch page faults on the new memory. Most of those arrays
 * are released within the same step (autograd frees saved tensors and intermediate gradients,
 * `tidy` scopes dispose, `zeroGrad` disposes old gradients), so handing them to the next op of
 * the same size removes both costs — the CPU twin of the WebGPU backend's buffer pool.
 *
 * Only arrays the backend allocated itself come back here (never memory adopted from the user),
 * and only when the last reference to their handle is released, so a recycled array is never
 * reachable from a live tensor. Reused arrays are zero-filled unless the caller says it writes
 * every element, so `takeArray` behaves exactly like `new Float32Array(n)`.
 *
 * float32 and int32 arrays are taken from the WebAssembly kernel memory's heap when it has one
 * (shared memory: Node, cross-origin-isolated browsers): such *resident* arrays are read and
 * written by the kernels in place, without being copied in and out (wasm/heap.ts). They go back to
 * the heap when released, or, for one that is dropped without release, when the garbage collector
 * finds it (a finalizer). When the heap is full, arrays come from JavaScript memory as before.
 * @packageDocumentation
 */
import { arrayCtor, type DType, type TypedArray } from '../../dtype.js';
import { WasmHeap } from './wasm/heap.js';
import { createdWasmRuntime, wasmRuntime } from './wasm/runtime.js';

/** Arrays smaller than this are cheap to allocate; pooling them would cost more than it saves. */
const MIN_BYTES = 4096;
/** Arrays kept per (type, length): a training step rarely holds more of one shape at once. */
const PER_SIZE = 16;

let limitBytes = 256 * 1024 * 1024;
let pooledBytes = 0;
const free = new Map<string, TypedArray[]>();

const keyOf = (a: TypedArray) => `${a.constructor.name}:${a.length}`;

/**
 * A typed array of `n` elements of `dtype`: a recycled one when the pool has that size, else a new
 * one. Zero-filled unless `zero` is false, which callers pass only when they overwrite every element.
 */
export function takeArray(dtype: DType, n: number, zero = true): TypedArray {
  const Ctor = arrayCtor(dtype);
  if (n * Ctor.BYTES_PER_ELEMENT >= MIN_BYTES) {
    if (dtype === 'float32' || dtype === 'int32') {
      const r = takeResident(Ctor as Float32ArrayConstructor | Int32ArrayConstructor, n, zero);
      if (r) return r;
    }
    const a = free.get(`${Ctor.name}:${n}`)?.pop();
    if (a) {
      pooledBytes -= a.byteLength;
      if (zero) a.fill(0);
      return a;
    }
  }
  return new Ctor(n);
}

/** `takeArray('float32', n, zero)` typed as a Float32Array. */
export function takeF32(n: number, zero = true): Float32Array {
  return takeArray('float32', n, zero) as Float32Array;
}

/**
 * Gives an array back for reuse. The caller guarantees nothing references it any more. A resident
 * array's block returns to the kernel heap; other arrays that are views into a larger buffer,
 * shared memory, or would push the pool past its limit are simply left to the garbage collector.
 */
export function recycleArray(a: TypedArray): void {
  const ptr = resident.get(a);
  if (ptr !== undefined) {
    resident.delete(a);
    finalizer?.unregister(a);
    createdWasmRuntime()?.heap?.free(ptr);
    return;
  }
  if (a.byteLength < MIN_BYTES || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
  if (typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer) return;
  if (pooledBytes + a.byteLength > limitBytes) return;
  const k = keyOf(a);
  let list = free.get(k);
  if (!list) free.set(k, (list = []));
  if (list.length >= PER_SIZE) return;
  list.push(a);
  pooledBytes += a.byteLength;
}

/** Drops every pooled array (they become garbage); called by the CPU backend's `dispose()`. */
export function clearArrayPool(): void {
  free.clear();
  pooledBytes = 0;
}

/**
 * Bytes the pool may hold (default 256 MiB); 0 turns recycling off. Lowering it clears the pool.
 * Applies to arrays in JavaScript memory: a resident array's block always goes back to the heap
 * (that is its only way back), and the heap's free blocks are not counted here.
 * @returns the previous limit
 */
export function setArrayPoolLimit(bytes: number): number {
  const prev = limitBytes;
  limitBytes = Math.max(0, bytes);
  if (limitBytes < prev) clearArrayPool();
  return prev;
}

/** Bytes currently held by the pool (free arrays waiting for reuse; not counted by `memory()`). */
export function arrayPoolBytes(): number {
  return pooledBytes;
}

/** Heap blocks of the resident arrays handed out, by array (only whole arrays go back). */
const resident = new WeakMap<TypedArray, number>();
/** Frees the block of a resident array the program dropped without releasing it. */
const finalizer = typeof FinalizationRegistry !== 'undefined'
  ? new FinalizationRegistry<number>((ptr) => createdWasmRuntime()?.heap?.free(ptr))
  : null;
/** Resident arrays may fill 3/4 of the heap; the rest stays for the kernels' scratch space. */
const RESIDENT_SHARE = 0.75;

/** A float32/int32 array on the kernel memory's heap, or null (no heap, heap full, no finalizer). */
function takeResident(Ctor: Float32ArrayConstructor | Int32ArrayConstructor, n: number, zero: boolean): TypedArray | null {
  const rt = finalizer ? wasmRuntime() : null;
  const heap = rt?.heap;
  if (!rt || !heap) return null;
  const bytes = n * 4;
  if (heap.liveBytes + WasmHeap.blockSize(bytes) > RESIDENT_SHARE * heap.limit) return null;
  const ptr = heap.alloc(bytes);
  if (ptr === null) return null;
  const a = new Ctor(rt.view().buffer as ArrayBuffer, ptr, n); // a SharedArrayBuffer, typed loosely by lib.dom
  if (zero) a.fill(0); // reused blocks hold old values
  resident.set(a, ptr);
  finalizer!.register(a, ptr, a);
  return a;
}

/** Whether `a` lives on the kernel memory's heap (a resident array). */
export function isResident(a: TypedArray): boolean {
  return resident.has(a);
}
