/**
 * interpolate (upsampling/downsampling) with PyTorch's index arithmetic. Every mode is separable:
 * it resamples one spatial dim at a time with `indexSelect` (nearest) or a blend of two
 * `indexSelect`s (linear), so gradients flow through those ops.
 * @packageDocumentation
 */
import { ShapeError, ValueError, fmtShape, tensor, type Tensor } from '@kiln/tensor';
import { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d } from './pooling.js';
import { checkFloat } from './util.js';

/** Interpolation modes. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

/** Keyword arguments of interpolate (give exactly one of `size` and `scaleFactor`). */
export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** Linear modes: align the corner pixels' centres of input and output. Default false. */
  alignCorners?: boolean | null;
  /** Compute the scale from the output size instead of using `scaleFactor` directly. */
  recomputeScaleFactor?: boolean | null;
}

const LINEAR_RANK: Record<string, number> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };

/** Keys' cubic convolution weights with PyTorch's A = -0.75 for a fractional offset t. */
function cubicWeights(t: number): [number, number, number, number] {
  const A = -0.75;
  const near = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/** Bicubic resampling of dim `d` (4 taps, indices clamped to the border, as PyTorch). */
function cubic(y: Tensor, d: number, len: number, o: number, scale: number, align: boolean): Tensor {
  const idx: number[][] = [[], [], [], []], wts: number[][] = [[], [], [], []];
  for (let j = 0; j < o; j++) {
    // cubic source index: no clamping at 0, unlike the linear modes
    const src = align ? (o > 1 ? (j * (len - 1)) / (o - 1) : 0) : (j + 0.5) * scale - 0.5;
    const f = Math.floor(src);
    const w = cubicWeights(src - f);
    for (let k = 0; k < 4; k++) {
      idx[k]!.push(Math.min(Math.max(f - 1 + k, 0), len - 1));
      wts[k]!.push(w[k]!);
    }
  }
  const shape = Array<number>(y.ndim).fill(1);
  shape[d] = o;
  let r: Tensor | null = null;
  for (let k = 0; k < 4; k++) {
    const term = y.indexSelect(d, tensor(idx[k]!, { dtype: 'int32', device: y.device })).mul(tensor(wts[k]!, { dtype: y.dtype, device: y.device }).reshape(shape));
    r = r ? r.add(term) : term;
  }
  return r!;
}

/** Resizes the spatial dims of [N, C, *spatial]. */
export function interpolate(input: Tensor, options: InterpolateOptions = {}): Tensor {
  checkFloat('interpolate', input);
  const mode = options.mode ?? 'nearest';
  const n = input.ndim - 2;
  if (n < 1 || n > 3) throw new ShapeError(`interpolate: expected a 3-D, 4-D or 5-D input [N, C, *spatial], but got ${fmtShape(input.shape)}`);
  if (LINEAR_RANK[mode] !== undefined && LINEAR_RANK[mode] !== input.ndim) {
    throw new ShapeError(`interpolate: mode '${mode}' expects a ${LINEAR_RANK[mode]}-D input, but got ${input.ndim}-D input ${fmtShape(input.shape)}`);
  }
  const isLinear = LINEAR_RANK[mode] !== undefined;
  if (!isLinear && options.alignCorners !== undefined && options.alignCorners !== null) {
    throw new ValueError('interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  }
  const sp = input.shape.slice(2);
  const { size, scaleFactor } = options;
  if ((size === undefined || size === null) === (scaleFactor === undefined || scaleFactor === null)) {
    throw new ValueError('interpolate: exactly one of size or scaleFactor should be defined');
  }
  const list = (v: number | readonly number[], name: string) => {
    const r = typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
    if (r.length !== n) throw new ValueError(`interpolate: Input and ${name} must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(sp)} and ${name} of ${fmtShape(r)}`);
    return r;
  };
  let out: number[];
  let scales: (number | null)[];
  if (size !== undefined && size !== null) {
    out = list(size, 'output size');
    scales = Array<null>(n).fill(null);
  } else {
    const f = list(scaleFactor!, 'scale_factor');
    out = sp.map((s, i) => Math.floor(s * f[i]!));
    scales = options.recomputeScaleFactor ? Array<null>(n).fill(null) : f.map((v) => 1 / v);
  }
  if (mode === 'area') return [adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d][n - 1]!(input, out as never);
  let y = input;
  for (let i = 0; i < n; i++) {
    const d = 2 + i;
    const len = sp[i]!;
    const o = out[i]!;
    // PyTorch: scale = 1/scale_factor when given, else in/out
    const scale = scales[i] ?? len / o;
    if (mode === 'nearest' || mode === 'nearest-exact') {
      const offset = mode === 'nearest' ? 0 : 0.5;
      const idx = Array.from({ length: o }, (_, j) => Math.min(Math.floor((j + offset) * scale), len - 1));
      y = y.indexSelect(d, tensor(idx, { dtype: 'int32', device: input.device }));
      continue;
    }
    const align = options.alignCorners ?? false;
    if (mode === 'bicubic') {
      y = cubic(y, d, len, o, scale, align);
      continue;
    }
    const i0: number[] = [], i1: number[] = [], lam: number[] = [];
    for (let j = 0; j < o; j++) {
      let src: number;
      if (align) src = o > 1 ? (j * (len - 1)) / (o - 1) : 0;
      else src = Math.max((j + 0.5) * scale - 0.5, 0);
      const a = Math.min(Math.floor(src), len - 1);
      i0.push(a);
      i1.push(Math.min(a + 1, len - 1));
      lam.push(src - a);
    }
    const shape = Array<number>(y.ndim).fill(1);
    shape[d] = o;
    const l = tensor(lam, { dtype: input.dtype, device: input.device }).reshape(shape);
    const lo = y.indexSelect(d, tensor(i0, { dtype: 'int32', device: input.device }));
    const hi = y.indexSelect(d, tensor(i1, { dtype: 'int32', device: input.device }));
    y = lo.mul(l.neg().add(1)).add(hi.mul(l));
  }
  return y;
}
