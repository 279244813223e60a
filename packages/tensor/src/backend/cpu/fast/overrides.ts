/**
 * The CPU backend's fused kernels for composite ops (`Backend.overrides`), looked up by op name
 * before functional's decomposition runs. Each checks that its fast path applies (float32,
 * groups = 1, 2-D, WebAssembly SIMD present) and otherwise runs the op's own decomposition, so an
 * override never changes what an op accepts — only how fast it runs.
 * @packageDocumentation
 */
import type { CompositeKernel, Handle } from '../../backend.js';
import type { OpDef } from '../../../dispatch.js';
import type { Device } from '../../../device.js';
import type { DType } from '../../../dtype.js';
import type { Tensor } from '../../../tensor.js';
import { wasmRuntime } from '../wasm/runtime.js';
import { conv2dForward, conv2dWeightGrad, convTranspose2d, type ConvAttrs, type Dense } from './conv2d.js';
import { maxPool2dBackward, maxPool2dForward, type PoolAttrs } from './pool.js';
import { cpuOptimizerOverrides } from './optim.js';
import { thresholdBackwardF32 } from './elementwise.js';
import { linearF32 } from './linear.js';
import { softmaxF32 } from './softmax.js';
import { sameShape } from '../../../shape.js';
import { takeArray } from '../array-pool.js';

/**
 * What the overrides need from the tensor layer: the op registry (to fall back to an op's
 * decomposition) and the Tensor factory. Injected by the package entry instead of imported,
 * because the backend module sits below tensor.ts and dispatch.ts in the import graph and a
 * static import back up would make module evaluation order depend on the bundler.
 */
export interface OverrideDeps {
  getOpDef(name: string): OpDef | undefined;
  fromHandle(handle: Handle, dtype: DType, shape: readonly number[], device: Device): Tensor;
}

let deps: OverrideDeps | null = null;

/** Connects the CPU backend's overrides to the tensor layer (done once by the package entry). */
export function wireCpuOverrides(d: OverrideDeps): void {
  deps = d;
}

/** The contiguous float32 buffer behind a tensor (made contiguous first when it is a view). */
function dense(t: Tensor): Dense {
  const c = t.isContiguous() ? t : t.contiguous();
  const op = c.operand();
  return { data: (op.handle as { data: Float32Array }).data, offset: op.view.offset, shape: c.shape };
}

const f32 = (ts: readonly (Tensor | undefined)[]) => ts.every((t) => !t || t.dtype === 'float32');

/**
 * Wraps a fast kernel: runs it when `applies`, else (or when it declines by returning null)
 * falls back to the op's registered decomposition.
 */
function withFallback(op: string, wrap: (data: Float32Array) => Handle, fast: (inputs: Tensor[], attrs: Record<string, unknown>) => { data: Float32Array; shape: number[] } | null): CompositeKernel {
  return (inputs, attrs) => {
    const ins = inputs as Tensor[];
    const r = wasmRuntime() && f32(ins) ? fast(ins, attrs as Record<string, unknown>) : null;
    if (r) return deps!.fromHandle(wrap(r.data), 'float32', r.shape, ins[0]!.device);
    return deps!.getOpDef(op)!.impl(ins, attrs);
  };
}

const is2d = (a: Record<string, unknown>, ...ts: (Tensor | undefined)[]) => (a as unknown as ConvAttrs).groups === 1 && ts.every((t) => !t || t.ndim === 4);

/**
 * The overrides table of the CPU backend; `wrap` turns a result array into a backend handle.
 * Until {@link wireCpuOverrides} has run it looks empty, so every op runs its decomposition.
 */
export function cpuOverrides(wrap: (data: Float32Array | Float64Array | Int32Array) => Handle): Record<string, CompositeKernel> {
  const zerosLike = (t: Tensor) => deps!.fromHandle(wrap(takeArray(t.dtype, t.numel()) as Float32Array | Float64Array), t.dtype, t.shape, t.device);
  const table: Record<string, CompositeKernel> = {
    // fused optimizer steps (plain loops, no WebAssembly needed)
    ...cpuOptimizerOverrides(zerosLike),
    maxPool2d: (inputs, attrs) => {
      const x = (inputs as Tensor[])[0]!;
      const r = wasmRuntime() && x.dtype === 'float32' && x.ndim === 4 ? maxPool2dForward(dense(x), attrs as unknown as PoolAttrs) : null;
      if (!r) return deps!.getOpDef('maxPool2d')!.impl(inputs as Tensor[], attrs);
      return [deps!.fromHandle(wrap(r.values), 'float32', r.shape, x.device), deps!.fromHandle(wrap(r.indices), 'int32', r.shape, x.device)];
    },
    maxPool2dBackward: (inputs, attrs) => {
      const [g, idx] = inputs as Tensor[];
      const shape = attrs.inputShape as number[];
      const r = wasmRuntime() && g!.dtype === 'float32' && idx!.dtype === 'int32' && g!.ndim === 4 && shape.length === 4
        ? maxPool2dBackward(dense(g!), dense(idx!) as unknown as { data: Int32Array; offset: number }, shape) : null;
      if (!r) return deps!.getOpDef('maxPool2dBackward')!.impl(inputs as Tensor[], attrs);
      return [deps!.fromHandle(wrap(r.data), 'float32', r.shape, g!.device)];
    },
    // relu's backward in one pass: g where y > threshold, else 0 (no mask array)
    thresholdBackward: withFallback('thresholdBackward', wrap, ([g, y], a) =>
      sameShape(g!.shape, y!.shape) ? thresholdBackwardF32(dense(g!), dense(y!), a.threshold as number) : null),
    // x Wᵀ + b as one GEMM that accumulates onto the bias rows (PyTorch's addmm), no separate add
    linear: withFallback('linear', wrap, ([x, w, b]) => (w!.ndim === 2 && x!.ndim >= 1 && (!b || b.ndim === 1) ? linearF32(dense(x!), dense(w!), b ? dense(b) : null) : null)),
    softmax: withFallback('softmax', wrap, ([x], a) => softmaxF32(dense(x!), a.dim as number, false)),
    logSoftmax: withFallback('logSoftmax', wrap, ([x], a) => softmaxF32(dense(x!), a.dim as number, true)),
    conv2d: withFallback('conv2d', wrap, ([x, w, b], a) =>
      is2d(a, x, w) ? conv2dForward(dense(x!), dense(w!), b ? dense(b) : null, a as unknown as ConvAttrs) : null),
    conv2dWeightGrad: withFallback('conv2dWeightGrad', wrap, ([x, g], a) =>
      is2d(a, x, g) ? conv2dWeightGrad(dense(x!), dense(g!), a.weightShape as number[], a as unknown as ConvAttrs) : null),
    convTranspose2d: withFallback('convTranspose2d', wrap, ([x, w, b], a) =>
      is2d(a, x, w) ? convTranspose2d(dense(x!), dense(w!), b ? dense(b) : null, a as unknown as ConvAttrs & { outputPadding: number[] }) : null),
  };
  return new Proxy(table, { get: (t, name) => (deps && typeof name === 'string' ? t[name] : undefined) });
}
