/**
 * The CPU backend's `linear` override: y = x Wᵀ + b as one WebAssembly GEMM that adds the product
 * onto rows pre-filled with the bias (what PyTorch's addmm does), instead of functional's matmul
 * followed by a broadcast add over the whole output. The gradient stays functional's (the op's vjp).
 * @packageDocumentation
 */
import { wasmMatmulF32 } from '../wasm/matmul.js';
import type { Dense } from './conv2d.js';

/** x [*, in] (contiguous), w [out, in], optional b [out] → [*, out]; null when the GEMM path is unavailable. */
export function linearF32(x: Dense, w: Dense, b: Dense | null): { data: Float32Array; shape: number[] } | null {
  const [outF, inF] = w.shape as [number, number];
  // functional's linear has checked that x's last dim is in_features
  if (inF === 0) return null; // no rows to count: the decomposition gives the zeros (plus bias)
  const rows = x.shape.reduce((p, n) => p * n, 1) / inF;
  const data = wasmMatmulF32(
    x.data, { shape: [rows, inF], strides: [inF, 1], offset: x.offset },
    w.data, { shape: [inF, outF], strides: [1, inF], offset: w.offset }, // Wᵀ as a view
    [rows, outF], b ?? undefined,
  );
  return data && { data, shape: [...x.shape.slice(0, -1), outF] };
}
