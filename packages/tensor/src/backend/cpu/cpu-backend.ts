/**
 * The CPU backend: pure-TypeScript reference kernels for every primitive of the Backend contract.
 * Handles wrap a typed array; `adopt` shares a caller's array (zero-copy `fromTypedArray`).
 * @packageDocumentation
 */
import { arrayCtor, type DType, type TypedArray } from '../../dtype.js';
import { clearArrayPool, recycleArray, takeArray } from './array-pool.js';
import { isContiguousView, numelOf } from '../../shape.js';
import { CONTRACT_VERSION, type Backend, type BinaryOp, type Handle, type Operand, type ReduceOp, type ScanOp, type UnaryOp } from '../backend.js';
import { binaryKernel, castKernel, unaryKernel, whereKernel } from './elementwise.js';
import { gatherKernel, sortKernel } from './indexing.js';
import { matmulKernel } from './matmul.js';
import { reduceKernel, scanKernel } from './reduce.js';
import { offsets } from './strided.js';
import { wasmMatmulF32 } from './wasm/matmul.js';
import { cpuOverrides } from './fast/overrides.js';
import { copyView } from './fast/copy.js';
import { binaryF32, binaryScalarF32, compareF32, unaryF32, whereF32 } from './fast/elementwise.js';
import { reduceF32 } from './fast/reduce.js';
import { scatterRuns } from './fast/scatter.js';


/** A CPU buffer: the typed array and a reference count. */
export class CpuHandle {
  refs = 1;
  /** `owned`: the backend allocated `data` (not adopted from the caller), so it may recycle it. */
  constructor(public readonly data: TypedArray, readonly owned = true) {}
}

function arr(o: Operand | Handle): TypedArray {
  const h = ('handle' in o ? (o as Operand).handle : o) as CpuHandle;
  return h.data;
}

/** Contiguous copy of a view's elements into `out`. */
function copyElements(x: Operand, out: TypedArray): TypedArray {
  const data = arr(x);
  const n = numelOf(x.view.shape);
  if (isContiguousView(x.view)) out.set(data.subarray(x.view.offset, x.view.offset + n));
  else copyView(data, x.view, out);
  return out;
}

/** A contiguous copy in pool memory (resident where possible), for the backend's own use. */
const denseCopy = (x: Operand) => copyElements(x, takeArray(x.dtype, numelOf(x.view.shape), false));

/**
 * A contiguous copy for the caller (`read`/`readSync`), in ordinary JavaScript memory: the caller
 * owns it (it never comes back to the pool), and it must work with every API a user may hand it to
 * (a SharedArrayBuffer-backed array would not, e.g. `TextDecoder`, `Blob`, WebGPU's `writeBuffer`).
 */
const readView = (x: Operand) => copyElements(x, new (arrayCtor(x.dtype))(numelOf(x.view.shape)));

const isInt = (d: DType) => d === 'int32' || d === 'bool';

/** Creates a CPU backend instance (the default `cpu` device uses one). */
export function createCpuBackend(): Backend {
  const h = (data: TypedArray): Handle => new CpuHandle(data);
  return {
    name: 'cpu',
    contractVersion: CONTRACT_VERSION,
    capabilities: { dtypes: ['float32', 'float64', 'int32', 'bool'], readSync: true, zeroCopy: true },
    alloc: (dtype, numel) => h(takeArray(dtype, numel)),
    // into pool memory (resident in the kernel memory where possible), so kernels need not stage it
    upload: (data, dtype) => {
      const a = takeArray(dtype, data.length, false);
      a.set(data);
      return h(a);
    },
    adopt: (data) => new CpuHandle(data, false),
    read: async (x) => readView(x),
    readSync: readView,
    retain: (hd) => void ((hd as CpuHandle).refs++),
    release: (hd) => {
      // the last reference gone: the array goes back to the pool for the next op of its size
      const c = hd as CpuHandle;
      if (--c.refs === 0 && c.owned) recycleArray(c.data);
    },
    byteLength: (hd) => (hd as CpuHandle).data.byteLength,
    flush: () => {},
    dispose: () => clearArrayPool(),
    // float32 → float32 elementwise ops and reductions take the run-wise fast loops (fast/*.ts),
    // which compute the same values as the reference kernels without per-element offset lists
    unary: (op: UnaryOp, x, outDtype) =>
      h(x.dtype === 'float32' && outDtype === 'float32' ? unaryF32(op, arr(x) as Float32Array, x.view) : unaryKernel(op, arr(x), x.view, outDtype)),
    binary: (op: BinaryOp, a, b, outShape, outDtype) => {
      if (a.dtype === 'float32' && b.dtype === 'float32' && outDtype === 'float32') {
        const fast = binaryF32(op, arr(a) as Float32Array, a.view, arr(b) as Float32Array, b.view, outShape);
        if (fast) return h(fast);
      }
      if (outDtype === 'float32' && (a.dtype === 'float32') !== (b.dtype === 'float32')) {
        // float32 tensor with a one-element operand of another dtype (a float64 learning rate)
        const [t, s, left] = a.dtype === 'float32' ? [a, b, false] : [b, a, true];
        if (numelOf(s.view.shape) === 1) {
          const fast = binaryScalarF32(op, arr(t) as Float32Array, t.view, arr(s)[s.view.offset]!, outShape, left);
          if (fast) return h(fast);
        }
      }
      if (a.dtype === 'float32' && b.dtype === 'float32' && outDtype === 'bool') {
        const fast = compareF32(op, arr(a) as Float32Array, a.view, arr(b) as Float32Array, b.view, outShape);
        if (fast) return h(fast);
      }
      return h(binaryKernel(op, arr(a), a.view, arr(b), b.view, outShape, outDtype, isInt(a.dtype) && isInt(b.dtype)));
    },
    cast: (x, dtype) => h(castKernel(arr(x), x.view, dtype)),
    where: (c, a, b, outShape, outDtype) =>
      h(a.dtype === 'float32' && b.dtype === 'float32' && outDtype === 'float32'
        ? whereF32(arr(c), c.view, arr(a) as Float32Array, a.view, arr(b) as Float32Array, b.view, outShape)
        : whereKernel(arr(c), c.view, arr(a), a.view, arr(b), b.view, outShape, outDtype)),
    reduce: (op: ReduceOp, x, axes, outDtype) => {
      if (x.dtype === 'float32' && outDtype === 'float32') {
        const fast = reduceF32(op, arr(x) as Float32Array, x.view, axes);
        if (fast) return h(fast);
      }
      return h(reduceKernel(op, arr(x), x.view, axes, outDtype));
    },
    scan: (op: ScanOp, x, axis, outDtype) => {
      const r = scanKernel(op, arr(x), x.view, axis, outDtype);
      return r.indices ? { values: h(r.values), indices: h(r.indices) } : { values: h(r.values) };
    },
    contiguous: (x) => h(denseCopy(x)),
    matmul: (a, b, outShape, outDtype) => {
      // float32 goes to the WebAssembly SIMD GEMM when the engine has SIMD; everything else (and
      // float32 without SIMD) uses the reference kernel, which stays the oracle
      if (outDtype === 'float32' && a.dtype === 'float32' && b.dtype === 'float32') {
        const fast = wasmMatmulF32(arr(a) as Float32Array, a.view, arr(b) as Float32Array, b.view, outShape);
        if (fast) return h(fast);
      }
      return h(matmulKernel(arr(a), a.view, arr(b), b.view, outShape, outDtype));
    },
    gather: (x, axis, index) => h(gatherKernel(arr(x), x.view, x.dtype, axis, arr(index), index.view)),
    scatter: (x, axis, index, src, mode) =>
      h(scatterRuns(arr(x), x.view, x.dtype, axis, arr(index), index.view, arr(src), src.view, mode)),
    sort: (x, axis, descending) => {
      const r = sortKernel(arr(x), x.view, x.dtype, axis, descending);
      return { values: h(r.values), indices: h(r.indices) };
    },
    copyInto: (dst, src) => {
      const d = arr(dst);
      // read first: src may alias dst (x.copy_(x.flip(0)))
      const vals = denseCopy(src);
      if (isContiguousView(dst.view)) d.set(vals, dst.view.offset);
      else {
        const off = offsets(dst.view);
        for (let i = 0; i < off.length; i++) d[off[i]!] = vals[i]!;
      }
      recycleArray(vals); // a private copy: nothing else holds it
    },
    fill: (dst, value) => {
      const d = arr(dst);
      if (isContiguousView(dst.view)) d.fill(value, dst.view.offset, dst.view.offset + numelOf(dst.view.shape));
      else for (const o of offsets(dst.view)) d[o] = value;
    },
    // fused convolutions/pools on the WebAssembly GEMM (each falls back to the decomposition) and fused optimizer steps
    overrides: cpuOverrides(h),
  };
}
