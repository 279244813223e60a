/**
 * The WebAssembly kernel runtime: feature probe, the one instance of the generated GEMM module on
 * its (shared, when possible) memory, the worker pool running the same module, and a bump arena
 * over that memory for packed operands.
 *
 * The probe validates tiny modules: SIMD decides whether the fast path exists at all (without it
 * the CPU backend keeps its TypeScript reference kernels); relaxed SIMD, where it validates, swaps
 * the multiply + add pair for `f32x4.relaxed_madd`.
 * @packageDocumentation
 */
import { WorkerPool } from '../../../threads/pool.js';
import { buildModule, FunctionBuilder, ValType } from './emit.js';
import { buildGemmModule, type GemmConfig } from './gemm-module.js';
import { MAP_EXPORTS } from './map-module.js';
import { WasmHeap } from './heap.js';

/** Rows of the GEMM micro-kernel's register tile (MR × NR floats held in NR/4 f32x4 per row). */
export const MR = 4;
/** Columns of the GEMM micro-kernel's register tile: two f32x4 vectors. */
export const NR = 8;

const PAGE = 65536;
/** 32768 pages = 2 GiB: the address space reserved for the shared memory (committed as it grows). */
const MAX_PAGES = 32768;

/** Whether a module using `emit` validates on this engine. */
function probe(emit: (f: FunctionBuilder) => void): boolean {
  if (typeof WebAssembly === 'undefined' || typeof WebAssembly.validate !== 'function') return false;
  const f = new FunctionBuilder([ValType.i32]);
  emit(f);
  try {
    return WebAssembly.validate(buildModule({ minPages: 1, maxPages: 1, shared: false }, [{ name: 'probe', fn: f }]));
  } catch {
    return false;
  }
}

/** Feature detection results. */
export interface WasmFeatures { simd: boolean; relaxedSimd: boolean; sharedMemory: boolean }

/**
 * Node 20's V8 (11.3) implements relaxed SIMD but keeps it behind `--experimental-wasm-relaxed-simd`
 * (it ships by default from V8 11.4, i.e. Chrome 114 and Node 22). `relaxed_madd` becomes one FMA
 * instead of a multiply and an add, which makes the GEMM ~30 % faster, so where the engine has the
 * flag we switch it on for this process before probing. The flag only makes more WebAssembly
 * opcodes valid; nothing else changes. `KILN_RELAXED_SIMD=0` leaves the engine untouched.
 */
function enableRelaxedSimdFlag(): void {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  if (!proc?.getBuiltinModule || proc.env?.KILN_RELAXED_SIMD === '0') return;
  try {
    const v8 = proc.getBuiltinModule('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
    v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
  } catch {
    // an engine without the flag: the probe below decides
  }
}

const relaxedProbe = (f: FunctionBuilder) => f.get(0).get(0).v128Load().get(0).v128Load().get(0).v128Load().f32x4RelaxedMadd().v128Store();

/** Probes WebAssembly SIMD, relaxed SIMD and shared memory support. */
export function detectFeatures(): WasmFeatures {
  // store(p, splat(p[0]) * p[0..3] + p[0..3]): the instructions the GEMM uses
  const simd = probe((f) => f.get(0).get(0).load32Splat().get(0).v128Load().f32x4Mul().get(0).v128Load().f32x4Add().v128Store());
  let relaxedSimd = simd && probe(relaxedProbe);
  if (simd && !relaxedSimd) {
    enableRelaxedSimdFlag();
    relaxedSimd = probe(relaxedProbe);
  }
  let sharedMemory = false;
  try {
    sharedMemory = typeof SharedArrayBuffer !== 'undefined' && new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    sharedMemory = false;
  }
  return { simd, relaxedSimd, sharedMemory };
}

/** The exports of the GEMM module (all arguments are i32; pointers are byte offsets). */
export interface GemmExports extends Record<(typeof MAP_EXPORTS)[number], (...args: number[]) => void> {
  micro(ap: number, bp: number, cp: number, kc: number, ldc: number, accumulate: number): void;
  gemm(a: number, b: number, c: number, mPad: number, nPad: number, K: number, kc: number, ldc: number, mcPanels: number, m0: number, m1: number, accumulate: number): void;
  gemmBatched(...args: number[]): void;
  im2colB(...args: number[]): void;
  convForward(...args: number[]): void;
  convWeightGrad(...args: number[]): void;
  convTranspose(...args: number[]): void;
  /** packB(dst, src, K, N, sk, sn, nPad, kc): a strided B operand into panels (see conv-module.ts). */
  packB(dst: number, src: number, K: number, N: number, sk: number, sn: number, nPad: number, kc: number): void;
  /** packA(dst, src, rows, K, sm, sk, mPad, kc): a strided A operand into panels (see pack-module.ts). */
  packA(dst: number, src: number, rows: number, K: number, sm: number, sk: number, mPad: number, kc: number): void;
  maxPool2d(...args: number[]): void;
  maxPool2dBackward(...args: number[]): void;
  maxPool2x2(...args: number[]): void;
  softmaxRows(...args: number[]): void;
  softmaxFinish(...args: number[]): void;
  /** sumRuns(src, dst, runLen, u0, u1): f64 sums of float32 runs (see reduce-module.ts). */
  sumRuns(...args: number[]): void;
  /** maxRuns / minRuns(src, dst, runLen, u0, u1): f32 extrema of float32 runs (see reduce-module.ts). */
  maxRuns(...args: number[]): void;
  minRuns(...args: number[]): void;
}

/** The exports that run over work units on the thread pool (see `runKernel` in matmul.ts). */
export const POOLED_KERNELS = ['gemmBatched', 'convForward', 'convWeightGrad', 'convTranspose', 'maxPool2d', 'maxPool2dBackward', 'maxPool2x2', 'sumRuns', 'maxRuns', 'minRuns', 'softmaxRows', 'softmaxFinish', ...MAP_EXPORTS] as const;
export type PooledKernel = (typeof POOLED_KERNELS)[number];

/** Kernel scratch space handed out by {@link WasmRuntime.reserve}: `mem` views the whole memory, `base` is a float index. */
export interface Scratch { mem: Float32Array; base: number }

/** A live kernel module: its memory, exports, (with shared memory) a worker pool and a heap for resident arrays. */
export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly exports: GemmExports;
  readonly pool: WorkerPool | null;
  /** Blocks for CPU arrays living in the kernel memory; null when the memory is not shared. */
  readonly heap: WasmHeap | null;
  private f32View: Float32Array;
  private scratchPtr = 0;
  private scratchBytes = 0;
  /** Every SharedArrayBuffer the memory has exposed (a grown shared memory hands out a new one). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  constructor(readonly features: WasmFeatures) {
    const cfg: GemmConfig = { mr: MR, nr: NR, relaxed: features.relaxedSimd, shared: features.sharedMemory, minPages: 16, maxPages: MAX_PAGES };
    const module = new WebAssembly.Module(buildGemmModule(cfg));
    this.memory = new WebAssembly.Memory({ initial: cfg.minPages, maximum: cfg.maxPages, shared: cfg.shared });
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as GemmExports;
    this.pool = features.sharedMemory ? new WorkerPool(module, this.memory, POOLED_KERNELS) : null;
    // byte 0 stays unused (a null pointer); the top page is left out so that no kernel's signed
    // address arithmetic reaches 2³¹
    this.heap = features.sharedMemory ? new WasmHeap(this.memory, PAGE, (MAX_PAGES - 1) * PAGE) : null;
    this.f32View = new Float32Array(this.memory.buffer);
    this.buffers.add(this.memory.buffer);
  }

  /** A Float32Array over the whole memory as it is now (refreshed after growth). */
  view(): Float32Array {
    if (this.f32View.buffer !== this.memory.buffer || this.f32View.byteLength !== this.memory.buffer.byteLength) {
      this.f32View = new Float32Array(this.memory.buffer);
      this.buffers.add(this.memory.buffer);
    }
    return this.f32View;
  }

  /**
   * Byte address of element `offset` of `a` when `a` lives in this memory (a resident array from
   * the heap), else null: kernels then use it in place instead of copying it into scratch.
   */
  addressOf(a: ArrayBufferView, offset: number): number | null {
    return this.buffers.has(a.buffer) ? a.byteOffset + offset * (a as Float32Array).BYTES_PER_ELEMENT : null;
  }

  /**
   * Scratch space of at least `bytes` bytes for one kernel call (packed operands, staged inputs,
   * partial results), valid until the next call; null when the memory cannot provide it (the
   * caller falls back). Without a heap the scratch starts at 0 and grows the memory; with one it
   * is a heap block, replaced by a larger one when a call needs more.
   */
  reserve(bytes: number): Scratch | null {
    if (bytes > this.scratchBytes) {
      if (this.heap) {
        if (this.scratchPtr) this.heap.free(this.scratchPtr);
        this.scratchPtr = 0;
        this.scratchBytes = 0;
        // room to spare, so a slightly larger call does not reallocate
        const want = Math.ceil((bytes * 1.25) / PAGE) * PAGE;
        const ptr = this.heap.alloc(want) ?? this.heap.alloc(bytes);
        if (ptr === null) return null;
        this.scratchPtr = ptr;
        this.scratchBytes = this.heap.blockBytes(ptr);
      } else {
        const have = this.memory.buffer.byteLength;
        const pages = Math.ceil((bytes - have) / PAGE);
        if (pages > 0) {
          if (have / PAGE + pages > MAX_PAGES) return null;
          try {
            this.memory.grow(pages);
          } catch {
            return null;
          }
        }
        this.scratchBytes = this.memory.buffer.byteLength;
      }
    }
    return { mem: this.view(), base: this.scratchPtr / 4 };
  }
}

let features: WasmFeatures | null = null;
let runtime: WasmRuntime | null | undefined;
let enabled = true;

/** The feature probe's result (cached). */
export function wasmFeatures(): WasmFeatures {
  return (features ??= detectFeatures());
}

/**
 * The GEMM runtime, created on first use; null when WebAssembly SIMD is unavailable or the fast
 * path was switched off with {@link setWasmKernelsEnabled}.
 */
export function wasmRuntime(): WasmRuntime | null {
  if (!enabled) return null;
  if (runtime === undefined) {
    const f = wasmFeatures();
    try {
      runtime = f.simd ? new WasmRuntime(f) : null;
    } catch {
      runtime = null;
    }
  }
  return runtime;
}

/**
 * The runtime if it was created, whether or not the kernels are switched on: arrays allocated on
 * its heap must go back there even while the TypeScript kernels run.
 */
export function createdWasmRuntime(): WasmRuntime | null {
  return runtime ?? null;
}

/**
 * Switches the WebAssembly kernels on or off (off = the TypeScript reference kernels run, as on an
 * engine without SIMD). For tests and for comparing against the reference.
 */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}
