/**
 * The WebGPU implementation of Kiln's Backend contract. Handles own a pooled GPUBuffer; every
 * element is 4 bytes on the GPU (bool as u32), so buffers are naturally padded to 4 bytes.
 * @packageDocumentation
 */
import {
  CONTRACT_VERSION, contiguousStrides, numelOf,
  type Backend, type DType, type Handle, type Operand, type TypedArray, type View,
} from '@kiln/tensor';
import { GpuRuntime } from './runtime.js';
import { binaryCode, castCode, copyCode, copyIntoCode, fillCode, unaryCode, whereCode } from './kernels/elementwise.js';
import { gatherCode, scatterCode } from './kernels/gather.js';
import { checkMatmulGrid, matmulCode, operandLoad } from './kernels/matmul.js';
import { reduceCode, reducedStride, reduceTreeCode, scanCode, sortCode, TREE_CHUNK, TREE_WG, useTree } from './kernels/reduce.js';
import { wgslType } from './wgsl.js';
import { webgpuOverrides } from './overrides/index.js';

/** A GPU buffer with its element count and a reference count. */
export class GpuHandle {
  refs = 1;
  constructor(readonly buffer: GPUBuffer, readonly numel: number, readonly dtype: DType, readonly shared = false) {}
}

const buf = (o: Operand | Handle): GPUBuffer => ((('handle' in o) ? (o as Operand).handle : o) as GpuHandle).buffer;
const viewMeta = (v: View): number[] => [v.offset, ...v.strides];

function permuteLast(v: View, axes: readonly number[]): View {
  const kept = v.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  return { shape: perm.map((p) => v.shape[p]!), strides: perm.map((p) => v.strides[p]!), offset: v.offset };
}

/** Creates the backend over an already-requested device. */
export function createWebGPUBackend(device: GPUDevice): Backend & { runtime: GpuRuntime } {
  const rt = new GpuRuntime(device);
  const alloc = (dtype: DType, numel: number): GpuHandle => {
    if (numel === 0) return new GpuHandle(rt.emptyBuffer, 0, dtype, true);
    return new GpuHandle(rt.pool.acquire(numel * 4), numel, dtype);
  };
  const run = (code: string, buffers: GPUBuffer[], threads: number) => {
    if (threads > 0) rt.dispatch(code, buffers, rt.grid(threads));
  };
  /** Contiguous copy of a view into a fresh handle. */
  const contiguous = (x: Operand): GpuHandle => {
    const n = numelOf(x.view.shape);
    const out = alloc(x.dtype, n);
    run(copyCode(x.dtype, x.view.shape.length), [rt.meta([n, ...x.view.shape, ...viewMeta(x.view)]), buf(x), out.buffer], n);
    return out;
  };

  const backend: Backend & { runtime: GpuRuntime } = {
    name: 'webgpu',
    runtime: rt,
    contractVersion: CONTRACT_VERSION,
    capabilities: { dtypes: ['float32', 'int32', 'bool'], readSync: false, zeroCopy: false },
    alloc,
    upload: (data: TypedArray, dtype: DType) => {
      wgslType(dtype);
      const h = alloc(dtype, data.length);
      if (data.length === 0) return h;
      const src = dtype === 'bool' ? Uint32Array.from(data as Uint8Array) : data;
      device.queue.writeBuffer(h.buffer, 0, src.buffer, src.byteOffset, src.byteLength);
      return h;
    },
    read: async (x: Operand) => {
      rt.check('read');
      const n = numelOf(x.view.shape);
      const h = contiguous(x);
      const bytes = await rt.readBytes(h.buffer, n * 4);
      if (!h.shared) rt.pool.release(h.buffer);
      if (x.dtype === 'float32') return new Float32Array(bytes);
      if (x.dtype === 'int32') return new Int32Array(bytes);
      return Uint8Array.from(new Uint32Array(bytes));
    },
    retain: (h) => void ((h as GpuHandle).refs++),
    release: (h) => {
      const g = h as GpuHandle;
      if (--g.refs === 0 && !g.shared) rt.pool.release(g.buffer);
    },
    byteLength: (h) => (h as GpuHandle).numel * 4,
    flush: () => rt.submit(),
    dispose: () => {
      rt.submit();
      rt.pool.trim();
    },
    unary: (op, x, outDtype) => {
      const n = numelOf(x.view.shape);
      const out = alloc(outDtype, n);
      run(unaryCode(op, x.dtype, outDtype, x.view.shape.length), [rt.meta([n, ...x.view.shape, ...viewMeta(x.view)]), buf(x), out.buffer], n);
      return out;
    },
    binary: (op, a, b, outShape, outDtype) => {
      const n = numelOf(outShape);
      const out = alloc(outDtype, n);
      const av = bcast(a.view, outShape), bv = bcast(b.view, outShape);
      run(binaryCode(op, a.dtype, outDtype, outShape.length), [rt.meta([n, ...outShape, ...viewMeta(av), ...viewMeta(bv)]), buf(a), buf(b), out.buffer], n);
      return out;
    },
    cast: (x, dtype) => {
      const n = numelOf(x.view.shape);
      const out = alloc(dtype, n);
      run(castCode(x.dtype, dtype, x.view.shape.length), [rt.meta([n, ...x.view.shape, ...viewMeta(x.view)]), buf(x), out.buffer], n);
      return out;
    },
    where: (c, a, b, outShape, outDtype) => {
      const n = numelOf(outShape);
      const out = alloc(outDtype, n);
      const m = [n, ...outShape, ...viewMeta(bcast(c.view, outShape)), ...viewMeta(bcast(a.view, outShape)), ...viewMeta(bcast(b.view, outShape))];
      run(whereCode(outDtype, outShape.length), [rt.meta(m), buf(c), buf(a), buf(b), out.buffer], n);
      return out;
    },
    reduce: (op, x, axes, outDtype) => {
      const v = permuteLast(x.view, axes);
      const inner = axes.reduce((p, a) => p * x.view.shape[a]!, 1);
      const outer = numelOf(x.view.shape.filter((_, i) => !axes.includes(i)));
      const out = alloc(outDtype, outer);
      if (inner === 0) {
        // empty reductions: sum → 0, prod → 1 (max/min/argmax are rejected before reaching here)
        if (outer > 0) backend.fill({ handle: out, dtype: outDtype, view: { shape: [outer], strides: [1], offset: 0 } }, op === 'prod' ? 1 : 0);
        return out;
      }
      if (outer === 0) return out;
      if (!useTree(outer, inner)) {
        run(reduceCode(op, x.dtype, outDtype, v.shape.length), [rt.meta([outer, inner, ...v.shape, ...viewMeta(v)]), buf(x), out.buffer], outer);
        return out;
      }
      // few outputs, long reductions: workgroups share each output (pass 1), then one workgroup
      // per output combines the chunk partials (pass 2) when there is more than one chunk
      const nd = v.shape.length;
      const flat = reducedStride(v, axes.length);
      const chunk = Math.max(TREE_CHUNK, Math.ceil(inner / rt.maxWorkgroups / TREE_WG) * TREE_WG);
      const chunks = Math.ceil(inner / chunk);
      const src = flat === null ? 'view' : 'flat';
      const meta = rt.meta([outer, inner, chunk, chunks, flat ?? 0, ...v.shape, ...viewMeta(v)]);
      if (chunks === 1) {
        rt.dispatch(reduceTreeCode(op, x.dtype, outDtype, nd, src, true), [meta, buf(x), out.buffer], [1, outer]);
        return out;
      }
      const arg = op !== 'sum' && op !== 'prod';
      const pv = rt.pool.acquire(outer * chunks * 4);
      const pi = arg ? rt.pool.acquire(outer * chunks * 4) : null;
      rt.dispatch(reduceTreeCode(op, x.dtype, outDtype, nd, src, false), [meta, buf(x), pv, ...(pi ? [pi] : [])], [chunks, outer]);
      const meta2 = rt.meta([outer, chunks, chunks, 1, 0]);
      rt.dispatch(reduceTreeCode(op, x.dtype, outDtype, 0, 'partial', true), [meta2, pv, ...(pi ? [pi] : []), out.buffer], [1, outer]);
      // the pool hands released buffers out again only after the submit that runs these dispatches
      rt.pool.release(pv);
      if (pi) rt.pool.release(pi);
      return out;
    },
    scan: (op, x, axis, outDtype) => {
      const nd = x.view.shape.length;
      const v = nd === 0 ? x.view : permuteLast(x.view, [axis]);
      const n = numelOf(x.view.shape);
      const len = nd === 0 ? 1 : x.view.shape[axis]!;
      const after = numelOf(x.view.shape.slice(axis + 1));
      const values = alloc(outDtype, n);
      const withIdx = op === 'cummax' || op === 'cummin';
      const indices = withIdx ? alloc('int32', n) : null;
      const lines = len === 0 ? 0 : n / len;
      const bufs = [rt.meta([lines, 0, ...v.shape, ...viewMeta(v), len, after]), buf(x), values.buffer];
      if (indices) bufs.push(indices.buffer);
      run(scanCode(op, x.dtype, outDtype, v.shape.length), bufs, lines);
      return indices ? { values, indices } : { values };
    },
    contiguous,
    matmul: (a, b, outShape, outDtype) => {
      const nd = outShape.length;
      const [M, N] = [outShape[nd - 2]!, outShape[nd - 1]!];
      const K = a.view.shape[nd - 1]!;
      const batchShape = outShape.slice(0, nd - 2);
      const B = numelOf(batchShape);
      const out = alloc(outDtype, B * M * N);
      if (B * M * N === 0) return out;
      if (K === 0) {
        backend.fill({ handle: out, dtype: outDtype, view: { shape: [B * M * N], strides: [1], offset: 0 } }, 0);
        return out;
      }
      // each operand as (offset, batch strides, outer stride, inner stride): A's outer axis is M, B's is N
      const av = a.view, bv = b.view;
      const aSide = [av.offset, ...av.strides.slice(0, nd - 2), av.strides[nd - 2]!, av.strides[nd - 1]!];
      const bSide = [bv.offset, ...bv.strides.slice(0, nd - 2), bv.strides[nd - 1]!, bv.strides[nd - 2]!];
      // 64×64 tiles, unless that leaves too few workgroups to fill a GPU (then 32×32)
      const W = Math.ceil(M / 64) * Math.ceil(N / 64) * B >= 16 ? 16 : 8;
      const S = 4 * W;
      const variant = {
        dtype: a.dtype, nb: nd - 2, W, out4: N % 4 === 0,
        a: operandLoad(aSide[0]!, aSide.slice(1, nd - 1), aSide[nd - 1]!, aSide[nd]!, M, K),
        b: operandLoad(bSide[0]!, bSide.slice(1, nd - 1), bSide[nd - 1]!, bSide[nd]!, N, K),
      } as const;
      const code = matmulCode(variant);
      // more row tiles or batches than one dispatch dimension allows: split into several dispatches
      const rowTiles = Math.ceil(M / S), colTiles = Math.ceil(N / S), lim = rt.maxWorkgroups;
      checkMatmulGrid(N, colTiles, lim);
      for (let b0 = 0; b0 < B; b0 += lim) {
        for (let r0 = 0; r0 < rowTiles; r0 += lim) {
          const m = [B, M, N, K, nd - 2, ...batchShape, ...aSide, ...bSide, r0, b0];
          rt.dispatch(code, [rt.meta(m), buf(a), buf(b), out.buffer], [colTiles, Math.min(lim, rowTiles - r0), Math.min(lim, B - b0)]);
        }
      }
      return out;
    },
    gather: (x, axis, index) => {
      const nd = index.view.shape.length;
      const n = numelOf(index.view.shape);
      const out = alloc(x.dtype, n);
      const m = [n, ...index.view.shape, ...viewMeta(x.view), ...viewMeta(index.view), 0, ...Array(nd).fill(0), axis, ...x.view.shape];
      run(gatherCode(x.dtype, nd), [rt.meta(m), buf(x), buf(index), out.buffer], n);
      return out;
    },
    scatter: (x, axis, index, src, mode) => {
      const out = contiguous(x);
      const nd = index.view.shape.length;
      const n = numelOf(index.view.shape);
      const m = [n, ...index.view.shape, ...viewMeta(x.view), ...viewMeta(index.view), ...viewMeta(src.view), axis, ...x.view.shape];
      run(scatterCode(x.dtype, nd, mode), [rt.meta(m), buf(index), buf(src), out.buffer], n);
      return out;
    },
    sort: (x, axis, descending) => {
      const nd = x.view.shape.length;
      const v = nd === 0 ? x.view : permuteLast(x.view, [axis]);
      const n = numelOf(x.view.shape);
      const len = nd === 0 ? 1 : x.view.shape[axis]!;
      const after = numelOf(x.view.shape.slice(axis + 1));
      const values = alloc(x.dtype, n);
      const indices = alloc('int32', n);
      const lines = len === 0 ? 0 : n / len;
      run(sortCode(x.dtype, v.shape.length, descending), [rt.meta([lines, 0, ...v.shape, ...viewMeta(v), len, after]), buf(x), values.buffer, indices.buffer], lines);
      return { values, indices };
    },
    copyInto: (dst, src) => {
      const n = numelOf(dst.view.shape);
      if (n === 0) return;
      let s = src;
      let tmp: GpuHandle | null = null;
      if (buf(src) === buf(dst)) {
        // a storage buffer cannot be bound for reading and writing in one dispatch: stage src first
        tmp = contiguous(src);
        s = { handle: tmp, dtype: src.dtype, view: { shape: src.view.shape, strides: contiguousStrides(src.view.shape), offset: 0 } };
      }
      const m = [n, ...dst.view.shape, ...viewMeta(s.view), ...viewMeta(dst.view)];
      run(copyIntoCode(dst.dtype, dst.view.shape.length), [rt.meta(m), buf(s), buf(dst)], n);
      if (tmp) rt.pool.release(tmp.buffer);
    },
    fill: (dst, value) => {
      const n = numelOf(dst.view.shape);
      if (n === 0) return;
      const bits = dst.dtype === 'float32' ? new Int32Array(new Float32Array([value]).buffer)[0]! : dst.dtype === 'bool' ? (value ? 1 : 0) : value | 0;
      const m = [n, ...dst.view.shape, ...viewMeta(dst.view), bits];
      run(fillCode(dst.dtype, dst.view.shape.length), [rt.meta(m), buf(dst)], n);
    },
  };
  backend.overrides = webgpuOverrides({ rt, alloc });
  return backend;
}

/** A view broadcast to `shape` (stride 0 along expanded dims). */
function bcast(v: View, shape: readonly number[]): View {
  const nd = shape.length;
  const strides = shape.map((s, i) => {
    const j = i - (nd - v.shape.length);
    if (j < 0) return 0;
    return v.shape[j] === s ? v.strides[j]! : 0;
  });
  return { shape: [...shape], strides, offset: v.offset };
}
