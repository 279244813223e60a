/**
 * orthogonal_: a (semi-)orthogonal matrix from the QR decomposition of a Gaussian matrix
 * (Saxe et al. 2013), with PyTorch's sign correction so the result is uniformly distributed.
 * Kiln's tensor has no QR, so the small factorisation runs on the host in float64
 * (modified Gram–Schmidt, re-orthogonalised once for accuracy).
 * @packageDocumentation
 */
import { ShapeError, defaultGenerator, fmtShape, noGrad, tensor as makeTensor, type Tensor } from '@kiln/tensor';
import { params, type GeneratorOptions } from './basic.js';

/** Q of the thin QR of a column-major list of `k` columns of length `n` (n ≥ k), signs fixed by diag(R) ≥ 0. */
function orthonormalColumns(cols: Float64Array[]): Float64Array[] {
  const q: Float64Array[] = [];
  for (const c of cols) {
    const v = Float64Array.from(c);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let dot = 0;
        for (let i = 0; i < v.length; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < v.length; i++) v[i]! -= dot * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    // Gram–Schmidt yields R with a positive diagonal, which is PyTorch's `q *= sign(diag(r))`
    for (let i = 0; i < v.length; i++) v[i]! /= norm;
    q.push(v);
  }
  return q;
}

/** Fills `tensor` (≥ 2-D, trailing dims flattened) with a (semi-)orthogonal matrix scaled by `gain` (default 1). */
export function orthogonal_(tensor: Tensor, gain?: number | ({ gain?: number } & GeneratorOptions)): Tensor {
  if (tensor.ndim < 2) throw new ShapeError(`orthogonal_: Only tensors with 2 or more dimensions are supported, got shape ${fmtShape(tensor.shape)}`);
  if (tensor.numel() === 0) return tensor;
  const { values: [g], options } = params(gain, [], ['gain'], [1]);
  const rows = tensor.shape[0]!;
  const cols = tensor.numel() / rows;
  const gen = options.generator ?? defaultGenerator;
  // flattened [rows, cols]; factor the tall orientation so Q has orthonormal columns
  const tall = rows >= cols;
  const n = tall ? rows : cols, k = tall ? cols : rows;
  const z = gen.normal(n * k);
  const columns = Array.from({ length: k }, (_, j) => z.subarray(j * n, (j + 1) * n));
  const q = orthonormalColumns(columns);
  const out = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = g * (tall ? q[c]![r]! : q[r]![c]!);
  }
  return noGrad(() => tensor.copy_(makeTensor(out, { dtype: tensor.dtype, device: tensor.device }).reshape(tensor.shape)));
}
