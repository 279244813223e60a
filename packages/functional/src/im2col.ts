/**
 * The shared machinery of convolution and pooling: constant padding of the spatial dims, the
 * `im2col` / `col2im` ops, and the im2col *view* — an overlapping `asStrided` window view of a
 * contiguous padded input. Nothing is copied until a consumer (matmul, max, sum) reads the view,
 * which is where im2col happens; col2im is its adjoint, one scatter-add.
 * @packageDocumentation
 */
import { ShapeError, defineOp, dispatch1, fmtShape, padConstant, tensor, zeros, type Tensor } from '@kiln/tensor';
import { tidyImpl } from './util.js';

/** Pads the spatial dims (2…) of `x` by `lo[i]` before and `hi[i]` after (negative crops). @internal */
export function padSpatial(x: Tensor, lo: readonly number[], hi: readonly number[], value = 0): Tensor {
  if (lo.every((v) => v === 0) && hi.every((v) => v === 0)) return x;
  const pads: number[] = [];
  for (let i = lo.length - 1; i >= 0; i--) pads.push(lo[i]!, hi[i]!);
  return padConstant(x, pads, value);
}

/**
 * Window view [B, C, *O, *K] of a padded input `xp` [B, C, *P]: element (o, k) of a window is
 * `xp[..., o * stride + k * dilation]`. `xp` is made contiguous first so the strides are known.
 * @internal
 */
export function windows(xp: Tensor, kernel: readonly number[], out: readonly number[], stride: readonly number[], dilation: readonly number[]): Tensor {
  const c = xp.contiguous();
  const st = c.strides;
  const n = kernel.length;
  const size = [c.shape[0]!, c.shape[1]!, ...out, ...kernel];
  const strides = [st[0]!, st[1]!];
  for (let i = 0; i < n; i++) strides.push(st[2 + i]! * stride[i]!);
  for (let i = 0; i < n; i++) strides.push(st[2 + i]! * dilation[i]!);
  return c.asStrided(size, strides, c.storageOffset());
}

/** Number of sliding positions of a kernel over a (padded) length. @internal */
export function slidingOut(len: number, kernel: number, stride: number, dilation: number): number {
  return Math.floor((len - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Throws PyTorch's "kernel size can't be greater than actual input size" error. @internal */
export function checkOutput(fn: string, input: Tensor, padded: readonly number[], kernel: readonly number[], dilation: readonly number[], out: readonly number[]): void {
  if (out.some((o) => o < 1)) {
    const eff = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
    throw new ShapeError(
      `${fn}: Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${eff.join(' x ')}). ` +
        `Kernel size can't be greater than actual input size (input ${fmtShape(input.shape)}); use a smaller kernel/dilation or more padding`,
    );
  }
}

/** Geometry of a sliding window: kernel, dilation, padding and stride per spatial dim, and the number of windows. */
export interface WindowAttrs {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
  /** Number of window positions per spatial dim. */
  blocks: number[];
}

const prod = (a: readonly number[]) => a.reduce((p, c) => p * c, 1);

/** Right padding beyond `padding` that makes every window fit (ceil-mode windows may overhang). */
function overhang(len: number, a: WindowAttrs, i: number): number {
  const extent = (a.blocks[i]! - 1) * a.stride[i]! + a.dilation[i]! * (a.kernel[i]! - 1) + 1;
  return Math.max(0, extent - (len + 2 * a.padding[i]!));
}

/** im2col: [N, C, *S] → columns [N, C·prod(K), prod(blocks)] (row c·prod(K) + k, column = window). @internal */
export function im2colRaw(x: Tensor, a: WindowAttrs, padValue = 0): Tensor {
  const [N, C] = x.shape as [number, number];
  const n = a.kernel.length;
  const sp = x.shape.slice(2);
  const hi = sp.map((s, i) => a.padding[i]! + overhang(s, a, i));
  const win = windows(padSpatial(x, a.padding, hi, padValue), a.kernel, a.blocks, a.stride, a.dilation); // [N, C, *O, *K]
  const perm = [0, 1, ...a.kernel.map((_, i) => 2 + n + i), ...a.blocks.map((_, i) => 2 + i)];
  return win.permute(perm).reshape([N, C * prod(a.kernel), prod(a.blocks)]);
}

/**
 * For element k of window l (k-major: index k·L + l), its flat position in an image of size
 * `size`, where the windows start at `-origin` (the padding): Σ_d (o_d·stride + k_d·dilation − origin_d) · stride_d.
 * With `clampPadding`, positions in the padding map to the window's first real element.
 * @internal
 */
export function windowPositions(a: WindowAttrs, size: readonly number[], origin: readonly number[], clampPadding = false): Int32Array {
  const n = a.kernel.length;
  const Kp = prod(a.kernel), L = prod(a.blocks);
  const strides = size.map((_, i) => prod(size.slice(i + 1)));
  const index = new Int32Array(Kp * L);
  const kc = new Array<number>(n).fill(0);
  for (let k = 0; k < Kp; k++) {
    const oc = new Array<number>(n).fill(0);
    for (let l = 0; l < L; l++) {
      let pos = 0, outside = false;
      for (let d = 0; d < n; d++) {
        const c = oc[d]! * a.stride[d]! + kc[d]! * a.dilation[d]! - origin[d]!;
        outside ||= c < 0 || c >= size[d]!;
        pos += c * strides[d]!;
      }
      if (outside && clampPadding) {
        // PyTorch's max pooling starts from the window's first real element: a padding element can
        // only win a tie of -inf values, and then that first real element is the arg-max
        pos = 0;
        for (let d = 0; d < n; d++) {
          let c = oc[d]! * a.stride[d]! - origin[d]!;
          while (c < 0) c += a.dilation[d]!;
          pos += c * strides[d]!;
        }
      }
      index[k * L + l] = pos;
      for (let d = n - 1; d >= 0 && ++oc[d]! === a.blocks[d]!; d--) oc[d] = 0;
    }
    for (let d = n - 1; d >= 0 && ++kc[d]! === a.kernel[d]!; d--) kc[d] = 0;
  }
  return index;
}

/**
 * col2im, the adjoint of im2col: sums columns [N, C·prod(K), prod(blocks)] back into an image
 * [N, C, *outputSize] with one scatter-add (window element → flat position of the padded image),
 * then crops the padding. @internal
 */
export function col2imRaw(cols: Tensor, outputSize: readonly number[], a: WindowAttrs): Tensor {
  const N = cols.shape[0]!;
  const Kp = prod(a.kernel), L = prod(a.blocks);
  const C = cols.shape[1]! / Kp;
  const n = a.kernel.length;
  const P = outputSize.map((s, i) => s + 2 * a.padding[i]! + overhang(s, a, i));
  const index = windowPositions(a, P, Array<number>(n).fill(0));
  const idx = tensor(index, { device: cols.device }).reshape([1, 1, Kp * L]).expand([N, C, Kp * L]);
  const base = zeros([N, C, prod(P)], { dtype: cols.dtype, device: cols.device });
  // the raw op: indices are in range by construction, so skip the public validation pass
  let img = dispatch1('scatterAdd', [base, idx, cols.reshape([N, C, Kp * L])], { dim: 2 }).reshape([N, C, ...P]);
  for (let d = 0; d < n; d++) img = img.narrow(2 + d, a.padding[d]!, outputSize[d]!);
  return img;
}

// The ops behind F.unfold / F.fold (N-d, geometry in the attrs), also used by average pooling's
// gradient. They live here, next to the kernels, so every module that dispatches them imports them.
defineOp({
  name: 'im2col',
  impl: tidyImpl(([x], a) => [im2colRaw(x!, a as unknown as WindowAttrs)]),
  vjp: ({ inputs, gradOutputs, attrs }) => [dispatch1('col2im', [gradOutputs[0]!], { ...attrs, outputSize: inputs[0]!.shape.slice(2) })],
});

defineOp({
  name: 'col2im',
  impl: tidyImpl(([c], a) => [col2imRaw(c!, a.outputSize as number[], a as unknown as WindowAttrs)]),
  vjp: ({ gradOutputs, attrs }) => [dispatch1('im2col', [gradOutputs[0]!], attrs)],
});
