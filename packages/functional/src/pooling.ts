/**
 * Pooling: max/avg pooling (1-3 D), adaptive average/max pooling, power-average (Lp) pooling.
 *
 * `maxPool{N}d` and `avgPool{N}d` are ops of their own (`defineOp`) so a backend can fuse them.
 * Their default decomposition reads windows through the same im2col view as convolution
 * (`asStrided` over the padded input: -inf padding for max, zeros for average). Gradient rules:
 * max pooling scatters the output gradient to the arg-max positions
 * (its second output, the PyTorch-style flat indices); average pooling spreads `grad / divisor`
 * over each window and sums the windows back with `col2im`.
 * @packageDocumentation
 */
import { ShapeError, ValueError, cat, defineOp, dispatch, dispatch1, fmtShape, noGrad, tensor, valuesIndices, zeros, type Tensor, type ValuesIndices } from '@kiln/tensor';
import { im2colRaw, windowPositions, type WindowAttrs } from './im2col.js';
import { checkFloat, ntuple, type IntOrTuple, tidyImpl } from './util.js';

/** Keyword arguments of maxPool{N}d. */
export interface MaxPoolOptions {
  /** Window step; defaults to `kernelSize` (PyTorch's `stride=None`). */
  stride?: IntOrTuple | null;
  /** Implicit -inf padding per side (at most half the kernel). Default 0. */
  padding?: IntOrTuple;
  /** Spacing between window elements. Default 1. */
  dilation?: IntOrTuple;
  /** Use ceil instead of floor for the output size (a last, partial window). Default false. */
  ceilMode?: boolean;
  /** Also return the flat indices of the maxima (for maxUnpool). Default false. */
  returnIndices?: boolean;
}

/** Keyword arguments of avgPool{N}d. */
export interface AvgPoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor. Default true. */
  countIncludePad?: boolean;
  /** Divide by this number instead of the window size (2-D and 3-D only in PyTorch). */
  divisorOverride?: number | null;
}

interface PoolAttrs {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
  out: number[];
}

const prod = (a: readonly number[]) => a.reduce((p, c) => p * c, 1);

/** PyTorch's `pooling_output_shape`. */
function poolOut(len: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((len + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  // the last window must start inside the input or the left padding
  if (ceil && (o - 1) * s >= len + p) o--;
  return o;
}

function geometry(a: PoolAttrs): WindowAttrs {
  return { kernel: a.kernel, dilation: a.dilation, padding: a.padding, stride: a.stride, blocks: a.out };
}

for (const n of [1, 2, 3]) {
  defineOp({
    name: `maxPool${n}d`,
    impl: tidyImpl(([x], attrs) => {
      const a = attrs as unknown as PoolAttrs;
      const [B, C] = x!.shape as [number, number];
      const Kp = prod(a.kernel), L = prod(a.out);
      const cols = im2colRaw(x!, geometry(a), -Infinity).reshape([B, C, Kp, L]);
      const [values, local] = cols.max(2, { keepdim: true });
      // window-local arg-max → flat index into the (unpadded) input plane, as PyTorch returns it
      const table = tensor(windowPositions(geometry(a), x!.shape.slice(2), a.padding, true), { device: x!.device }).reshape([1, 1, Kp, L]);
      const flat = table.expand([B, C, Kp, L]).gather(2, local);
      return [values.reshape([B, C, ...a.out]), flat.reshape([B, C, ...a.out])];
    }),
    vjp: ({ inputs, outputs, gradOutputs }) => [dispatch1(`maxPool${n}dBackward`, [gradOutputs[0]!, outputs[1]!], { inputShape: inputs[0]!.shape })],
  });
  /**
   * PyTorch's max_pool{n}d_with_indices_backward as an op of its own: the output gradient g
   * scattered (added) to the arg-max positions `idx` of each input plane, zeros elsewhere. Being
   * one op lets a backend run it as one pass (the CPU backend does) instead of a zero fill, a copy
   * and a scatter; it has its own gradient (a gather) so double backward still works.
   */
  defineOp({
    name: `maxPool${n}dBackward`,
    impl: tidyImpl(([g, idx], attrs) => {
      const shape = attrs.inputShape as number[];
      const [B, C] = shape as [number, number];
      const gx = zeros([B, C, prod(shape.slice(2))], { dtype: g!.dtype, device: g!.device });
      return [gx.scatterAdd(2, idx!.reshape([B, C, -1]), g!.reshape([B, C, -1])).reshape(shape)];
    }),
    vjp: ({ inputs, gradOutputs, attrs, needsInputGrad }) => {
      const [g, idx] = inputs as [Tensor, Tensor];
      const [B, C] = attrs.inputShape as [number, number];
      return [needsInputGrad[0] ? gradOutputs[0]!.reshape([B, C, -1]).gather(2, idx.reshape([B, C, -1])).reshape(g.shape) : null, null];
    },
  });
  defineOp({
    name: `avgPool${n}d`,
    impl: tidyImpl(([x, divisor], attrs) => {
      const a = attrs as unknown as PoolAttrs;
      const [B, C] = x!.shape as [number, number];
      const cols = im2colRaw(x!, geometry(a)).reshape([B, C, prod(a.kernel), prod(a.out)]);
      return [cols.sum(2).reshape([B, C, ...a.out]).div(divisor!)];
    }),
    vjp: ({ inputs, gradOutputs, attrs }) => {
      const [x, divisor] = inputs as [Tensor, Tensor];
      const a = attrs as unknown as PoolAttrs;
      const [B, C] = x.shape as [number, number];
      // every element of a window receives grad / divisor: broadcast over the window, then col2im
      const share = gradOutputs[0]!.div(divisor).reshape([B, C, 1, -1]).expand([B, C, prod(a.kernel), prod(a.out)]);
      const geometry = { kernel: a.kernel, dilation: a.dilation, padding: a.padding, stride: a.stride, blocks: a.out, outputSize: x.shape.slice(2) };
      return [dispatch1('col2im', [share.reshape([B, C * prod(a.kernel), -1])], geometry), null];
    },
  });
}

function poolAttrs(fn: string, n: number, x: Tensor, kernelSize: IntOrTuple, o: { stride?: IntOrTuple | null; padding?: IntOrTuple; dilation?: IntOrTuple; ceilMode?: boolean }): PoolAttrs {
  const kernel = ntuple(fn, 'kernelSize', kernelSize, n);
  const stride = o.stride === undefined || o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0) ? kernel : ntuple(fn, 'stride', o.stride, n);
  const padding = ntuple(fn, 'padding', o.padding ?? 0, n);
  const dilation = ntuple(fn, 'dilation', o.dilation ?? 1, n);
  const ceilMode = o.ceilMode ?? false;
  if (kernel.some((k) => k < 1) || stride.some((s) => s < 1) || dilation.some((d) => d < 1)) {
    throw new ValueError(`${fn}: kernelSize, stride and dilation must be greater than zero, but got kernelSize ${fmtShape(kernel)}, stride ${fmtShape(stride)}, dilation ${fmtShape(dilation)}`);
  }
  padding.forEach((p, i) => {
    if (p < 0 || p > Math.floor(kernel[i]! / 2)) {
      throw new ValueError(`${fn}: pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${kernel[i]} and dilation=${dilation[i]} (padding ${fmtShape(padding)})`);
    }
  });
  const sp = x.shape.slice(2);
  const out = sp.map((s, i) => poolOut(s, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, ceilMode));
  if (out.some((v) => v < 1)) {
    throw new ShapeError(`${fn}: Given input size: (${x.shape.slice(1).join('x')}). Calculated output size: (${[x.shape[1], ...out].join('x')}). Output size is too small (kernelSize ${fmtShape(kernel)}, padding ${fmtShape(padding)}, dilation ${fmtShape(dilation)})`);
  }
  return { kernel, stride, padding, dilation, ceilMode, out };
}

/** Adds the batch dim of an unbatched input (PyTorch accepts [C, *S] and [B, C, *S]). */
function batched(fn: string, n: number, input: Tensor): { x: Tensor; unbatched: boolean } {
  checkFloat(fn, input);
  if (input.ndim !== n + 1 && input.ndim !== n + 2) {
    throw new ShapeError(`${fn}: Expected ${n + 1}D (unbatched) or ${n + 2}D (batched) input to ${fn}, but got input of size: ${fmtShape(input.shape)}`);
  }
  if (input.shape.slice(input.ndim - n).some((s) => s === 0)) throw new ShapeError(`${fn}: Expected input's non-batch dimensions to have positive length, but input has a shape of ${fmtShape(input.shape)}`);
  const unbatched = input.ndim === n + 1;
  return { x: unbatched ? input.unsqueeze(0) : input, unbatched };
}

function maxPoolN(fn: string, n: number, input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions): Tensor | ValuesIndices {
  const { x, unbatched } = batched(fn, n, input);
  const a = poolAttrs(fn, n, x, kernelSize, options);
  let [values, indices] = dispatch(`maxPool${n}d`, [x], { ...a }) as [Tensor, Tensor];
  if (unbatched) [values, indices] = [values.squeeze(0), indices.squeeze(0)];
  return options.returnIndices ? valuesIndices(values, indices) : values;
}

/** Max pooling over [B, C, L]; with `returnIndices` also the arg-max indices into L. */
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }): ValuesIndices;
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor | ValuesIndices;
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions = {}): Tensor | ValuesIndices {
  return maxPoolN('maxPool1d', 1, input, kernelSize, options);
}

/** Max pooling over [B, C, H, W]; with `returnIndices` also flat indices into H*W (`const [y, idx] = …`). */
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }): ValuesIndices;
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor | ValuesIndices;
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions = {}): Tensor | ValuesIndices {
  return maxPoolN('maxPool2d', 2, input, kernelSize, options);
}

/** Max pooling over [B, C, D, H, W]; with `returnIndices` also flat indices into D*H*W. */
export function maxPool3d(input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions & { returnIndices: true }): ValuesIndices;
export function maxPool3d(input: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool3d(input: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor | ValuesIndices;
export function maxPool3d(input: Tensor, kernelSize: IntOrTuple, options: MaxPoolOptions = {}): Tensor | ValuesIndices {
  return maxPoolN('maxPool3d', 3, input, kernelSize, options);
}

/** The divisor of each output position, as PyTorch's avg_pool kernels compute it. */
function divisorOf(x: Tensor, a: PoolAttrs, countIncludePad: boolean, override: number | null | undefined): Tensor {
  const sp = x.shape.slice(2);
  if (override !== undefined && override !== null) return tensor(override, { dtype: x.dtype, device: x.device });
  const perDim = sp.map((len, i) =>
    Array.from({ length: a.out[i]! }, (_, o) => {
      const start = o * a.stride[i]! - a.padding[i]!;
      const end = Math.min(start + a.kernel[i]!, len + a.padding[i]!);
      return countIncludePad ? end - start : Math.min(end, len) - Math.max(start, 0);
    }),
  );
  const vals: number[] = [];
  const rec = (d: number, acc: number) => {
    if (d === perDim.length) vals.push(acc);
    else for (const v of perDim[d]!) rec(d + 1, acc * v);
  };
  rec(0, 1);
  const flat = tensor(vals, { dtype: x.dtype, device: x.device });
  const r = flat.reshape(a.out); // a view: disposing `flat` only drops its reference
  flat.dispose();
  return r;
}

function avgPoolN(fn: string, n: number, input: Tensor, kernelSize: IntOrTuple, options: AvgPoolOptions): Tensor {
  const { x, unbatched } = batched(fn, n, input);
  const a = poolAttrs(fn, n, x, kernelSize, { ...options, dilation: 1 });
  if (options.divisorOverride === 0) throw new ValueError(`${fn}: divisor must be not zero`);
  const divisor = divisorOf(x, a, options.countIncludePad ?? true, options.divisorOverride);
  const y = dispatch1(`avgPool${n}d`, [x, divisor], { ...a });
  return unbatched ? y.squeeze(0) : y;
}

/** Average pooling over [B, C, L]. */
export function avgPool1d(input: Tensor, kernelSize: IntOrTuple, options: Omit<AvgPoolOptions, 'divisorOverride'> = {}): Tensor {
  return avgPoolN('avgPool1d', 1, input, kernelSize, options);
}

/** Average pooling over [B, C, H, W]. */
export function avgPool2d(input: Tensor, kernelSize: IntOrTuple, options: AvgPoolOptions = {}): Tensor {
  return avgPoolN('avgPool2d', 2, input, kernelSize, options);
}

/** Average pooling over [B, C, D, H, W]. */
export function avgPool3d(input: Tensor, kernelSize: IntOrTuple, options: AvgPoolOptions = {}): Tensor {
  return avgPoolN('avgPool3d', 3, input, kernelSize, options);
}

/** Output sizes of an adaptive pool; `null` keeps the input size (PyTorch's `None`). */
function adaptiveSizes(fn: string, n: number, x: Tensor, outputSize: number | null | readonly (number | null)[]): number[] {
  const sp = x.shape.slice(2);
  const raw = typeof outputSize === 'number' || outputSize === null ? Array<number | null>(n).fill(outputSize) : [...outputSize];
  if (raw.length !== n) throw new ValueError(`${fn}: outputSize must have ${n} elements, got ${JSON.stringify(outputSize)}`);
  const out = raw.map((o, i) => o ?? sp[i]!);
  if (out.some((o) => !Number.isInteger(o) || o < 0)) throw new ValueError(`${fn}: outputSize must be non-negative integers, got ${JSON.stringify(outputSize)}`);
  return out;
}

/** PyTorch's adaptive window of output `o`: [floor(o*L/O), ceil((o+1)*L/O)). */
function adaptiveRange(o: number, len: number, out: number): [number, number] {
  return [Math.floor((o * len) / out), Math.ceil(((o + 1) * len) / out)];
}

/** The [O, L] averaging matrix of one dim: row o holds 1/len over its window. */
function averagingMatrix(len: number, out: number, like: Tensor): Tensor {
  const m = new Array<number>(out * len).fill(0);
  for (let o = 0; o < out; o++) {
    const [s, e] = adaptiveRange(o, len, out);
    for (let j = s; j < e; j++) m[o * len + j] = 1 / (e - s);
  }
  return tensor(m, { dtype: like.dtype, device: like.device }).reshape([out, len]);
}

function adaptiveAvgN(fn: string, n: number, input: Tensor, outputSize: number | null | readonly (number | null)[]): Tensor {
  const { x, unbatched } = batched(fn, n, input);
  const out = adaptiveSizes(fn, n, x, outputSize);
  // adaptive windows overlap and vary in size: averaging is a product with one matrix per dim
  let y = x;
  for (let i = n - 1; i >= 0; i--) {
    const d = 2 + i;
    const m = averagingMatrix(x.shape[d]!, out[i]!, x);
    y = y.transpose(d, -1).matmul(m.t()).transpose(d, -1);
  }
  return unbatched ? y.squeeze(0) : y;
}

/** Adaptive average pooling of [B, C, L] to [B, C, outputSize]. */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly number[]): Tensor {
  return adaptiveAvgN('adaptiveAvgPool1d', 1, input, outputSize);
}

/** Adaptive average pooling of [B, C, H, W] to [B, C, *outputSize] (`null` keeps a size). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | null | readonly (number | null)[]): Tensor {
  return adaptiveAvgN('adaptiveAvgPool2d', 2, input, outputSize);
}

/** Adaptive average pooling of [B, C, D, H, W]. */
export function adaptiveAvgPool3d(input: Tensor, outputSize: number | null | readonly (number | null)[]): Tensor {
  return adaptiveAvgN('adaptiveAvgPool3d', 3, input, outputSize);
}

function adaptiveMaxN(fn: string, n: number, input: Tensor, outputSize: number | null | readonly (number | null)[], returnIndices: boolean): Tensor | ValuesIndices {
  const { x, unbatched } = batched(fn, n, input);
  const out = adaptiveSizes(fn, n, x, outputSize);
  const sp = x.shape.slice(2);
  const [B, C] = x.shape as [number, number];
  // arg-max indices are found without recording; values are then a differentiable gather
  const idx = noGrad(() => {
    const parts: Tensor[] = [];
    const rec = (i: number, v: Tensor, origin: number[]) => {
      if (i === n) {
        const wsize = v.shape.slice(2);
        const local = v.reshape([B, C, -1]).argmax(-1, { keepdim: true });
        let flat: Tensor | null = null;
        let after = wsize.reduce((p, c) => p * c, 1);
        for (let d = 0; d < n; d++) {
          after /= wsize[d]!;
          const c = local.div(after, { roundingMode: 'floor' }).remainder(wsize[d]!).add(origin[d]!);
          flat = flat ? flat.mul(sp[d]!).add(c) : c;
        }
        parts.push(flat!);
        return;
      }
      for (let o = 0; o < out[i]!; o++) {
        const [s, e] = adaptiveRange(o, sp[i]!, out[i]!);
        rec(i + 1, v.narrow(2 + i, s, e - s), [...origin, s]);
      }
    };
    rec(0, x.detach(), []);
    return parts.length ? cat(parts, -1) : zeros([B, C, 0], { dtype: 'int32', device: x.device });
  });
  const values = x.reshape([B, C, -1]).gather(2, idx).reshape([B, C, ...out]);
  const indices = idx.reshape([B, C, ...out]);
  const v = unbatched ? values.squeeze(0) : values;
  const i = unbatched ? indices.squeeze(0) : indices;
  return returnIndices ? valuesIndices(v, i) : v;
}

/** Adaptive max pooling of [B, C, L]. */
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], options: { returnIndices?: boolean } = {}): Tensor | ValuesIndices {
  return adaptiveMaxN('adaptiveMaxPool1d', 1, input, outputSize, options.returnIndices ?? false);
}

/** Adaptive max pooling of [B, C, H, W] to [B, C, *outputSize]; `returnIndices` adds flat indices into H*W. */
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | null | readonly (number | null)[], options: { returnIndices: true }): ValuesIndices;
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | null | readonly (number | null)[], options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | null | readonly (number | null)[], options: { returnIndices?: boolean } = {}): Tensor | ValuesIndices {
  return adaptiveMaxN('adaptiveMaxPool2d', 2, input, outputSize, options.returnIndices ?? false);
}

function lpPoolN(fn: string, n: number, input: Tensor, normType: number, kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; ceilMode?: boolean }): Tensor {
  const kernel = ntuple(fn, 'kernelSize', kernelSize, n);
  const avg = avgPoolN(fn, n, input.pow(normType), kernel, { stride: options.stride ?? null, ceilMode: options.ceilMode ?? false });
  // PyTorch: (sign(out) * relu(|out|)) * prod(kernel), then the 1/p-th power
  return avg.sign().mul(avg.abs().relu()).mul(prod(kernel)).pow(1 / normType);
}

/** Power-average pooling over [B, C, L]: (sum of x^p over each window)^(1/p). */
export function lpPool1d(input: Tensor, normType: number, kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; ceilMode?: boolean } = {}): Tensor {
  return lpPoolN('lpPool1d', 1, input, normType, kernelSize, options);
}

/** Power-average pooling over [B, C, H, W]: (sum of x^p over each window)^(1/p). */
export function lpPool2d(input: Tensor, normType: number, kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; ceilMode?: boolean } = {}): Tensor {
  return lpPoolN('lpPool2d', 2, input, normType, kernelSize, options);
}

function maxUnpoolN(fn: string, n: number, input: Tensor, indices: Tensor, kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; padding?: IntOrTuple; outputSize?: readonly number[] | null }): Tensor {
  const { x, unbatched } = batched(fn, n, input);
  const idx = unbatched ? indices.unsqueeze(0) : indices;
  if (indices.dtype !== 'int32') throw new ValueError(`${fn}: expected indices of dtype int32 (from maxPool with returnIndices), but got ${indices.dtype}`);
  if (idx.shape.join() !== x.shape.join()) throw new ShapeError(`${fn}: Expected shape of indices to be same as that of the input tensor (${fmtShape(input.shape)}) but got indices tensor with shape: ${fmtShape(indices.shape)}`);
  const kernel = ntuple(fn, 'kernelSize', kernelSize, n);
  const stride = options.stride === undefined || options.stride === null ? kernel : ntuple(fn, 'stride', options.stride, n);
  const padding = ntuple(fn, 'padding', options.padding ?? 0, n);
  let out = x.shape.slice(2).map((s, i) => (s - 1) * stride[i]! - 2 * padding[i]! + kernel[i]!);
  if (options.outputSize) {
    const o = [...options.outputSize];
    out = o.length === n + 2 ? o.slice(2) : o;
    if (out.length !== n) throw new ValueError(`${fn}: outputSize must have ${n} or ${n + 2} elements, got ${fmtShape(o)}`);
  }
  const [B, C] = x.shape as [number, number];
  const size = prod(out);
  if (idx.device.type === 'cpu' && idx.numel() > 0) {
    const hi = idx.max().item() as number, lo = idx.min().item() as number;
    if (lo < 0 || hi >= size) throw new ShapeError(`${fn}: Found an invalid max index: ${hi >= size ? hi : lo} (output volumes are of size ${out.join('x')})`);
  }
  const y = zeros([B, C, size], { dtype: x.dtype, device: x.device }).scatter(2, idx.reshape([B, C, -1]), x.reshape([B, C, -1])).reshape([B, C, ...out]);
  return unbatched ? y.squeeze(0) : y;
}

/** Inverse of maxPool1d: puts each value at its arg-max index, zeros elsewhere. */
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; padding?: IntOrTuple; outputSize?: readonly number[] | null } = {}): Tensor {
  return maxUnpoolN('maxUnpool1d', 1, input, indices, kernelSize, options);
}

/** Inverse of maxPool2d (given its `returnIndices`): values at their arg-max positions, zeros elsewhere. */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; padding?: IntOrTuple; outputSize?: readonly number[] | null } = {}): Tensor {
  return maxUnpoolN('maxUnpool2d', 2, input, indices, kernelSize, options);
}

/** Inverse of maxPool3d. */
export function maxUnpool3d(input: Tensor, indices: Tensor, kernelSize: IntOrTuple, options: { stride?: IntOrTuple | null; padding?: IntOrTuple; outputSize?: readonly number[] | null } = {}): Tensor {
  return maxUnpoolN('maxUnpool3d', 3, input, indices, kernelSize, options);
}
