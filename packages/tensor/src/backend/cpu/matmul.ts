/**
 * Reference batched matmul: [...B, M, K] @ [...B, K, N] (batch dims already broadcast, possibly
 * with stride 0). Each batch's operands are packed contiguous, then an i-k-j loop accumulates in
 * double precision. The fast WebAssembly GEMM replaces this later; this stays the oracle.
 * @packageDocumentation
 */
import type { DType, TypedArray } from '../../dtype.js';
import { numelOf, type View } from '../../shape.js';
import { offsets } from './strided.js';
import { takeArray } from './array-pool.js';

export function matmulKernel(a: TypedArray, av: View, b: TypedArray, bv: View, outShape: readonly number[], outDtype: DType): TypedArray {
  const nd = outShape.length;
  const M = outShape[nd - 2]!;
  const N = outShape[nd - 1]!;
  const K = av.shape[nd - 1]!;
  const batch = numelOf(outShape.slice(0, nd - 2));
  const out = takeArray(outDtype, batch * M * N);
  const offA = offsets(av);
  const offB = offsets(bv);
  const pa = new Float64Array(M * K);
  const pb = new Float64Array(K * N);
  const acc = new Float64Array(N);
  const integer = outDtype === 'int32';
  for (let bi = 0; bi < batch; bi++) {
    for (let i = 0; i < M * K; i++) pa[i] = a[offA[bi * M * K + i]!]!;
    for (let i = 0; i < K * N; i++) pb[i] = b[offB[bi * K * N + i]!]!;
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      for (let k = 0; k < K; k++) {
        const x = pa[i * K + k]!;
        if (x === 0 && !integer) {
          // 0 * Inf/NaN must still give NaN, so only skip when the row of B is finite
          let finite = true;
          for (let j = 0; j < N; j++) if (!Number.isFinite(pb[k * N + j]!)) { finite = false; break; }
          if (finite) continue;
        }
        const row = k * N;
        for (let j = 0; j < N; j++) acc[j] = acc[j]! + x * pb[row + j]!;
      }
      const o = bi * M * N + i * N;
      for (let j = 0; j < N; j++) out[o + j] = acc[j]!;
    }
  }
  return out;
}
