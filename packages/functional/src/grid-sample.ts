/**
 * Spatial transformers: affineGrid builds a sampling grid from affine matrices, gridSample reads
 * an input at those (normalised, [-1, 1]) coordinates. Composed from gathers and elementwise ops,
 * so gradients flow to the input and to the grid (through the interpolation weights), as in
 * PyTorch.
 * @packageDocumentation
 */
import { ShapeError, ValueError, fmtShape, linspace, stack, where, type Tensor } from '@kiln/tensor';
import { checkFloat } from './util.js';

/** Normalised coordinates of `n` pixels: pixel centres (alignCorners false) or corners (true). */
function baseCoords(n: number, alignCorners: boolean, like: Tensor): Tensor {
  const r = linspace(-1, 1, n, { dtype: like.dtype, device: like.device });
  return alignCorners || n <= 1 ? (n <= 1 ? r.mul(0) : r) : r.mul((n - 1) / n);
}

/**
 * The sampling grid [N, H, W, 2] (or [N, D, H, W, 3]) of the affine maps `theta` [N, 2, 3]
 * (or [N, 3, 4]) for an output of `size` [N, C, H, W] (or [N, C, D, H, W]).
 */
export function affineGrid(theta: Tensor, size: readonly number[], options: { alignCorners?: boolean } = {}): Tensor {
  checkFloat('affineGrid', theta, 'theta');
  const align = options.alignCorners ?? false;
  const spatial = size.length - 2;
  if ((spatial !== 2 && spatial !== 3) || theta.ndim !== 3 || theta.shape[0] !== size[0] || theta.shape[1] !== spatial || theta.shape[2] !== spatial + 1) {
    throw new ShapeError(
      `affineGrid: expected theta of shape [N, 2, 3] for a 4-D size or [N, 3, 4] for a 5-D size with matching N, but got theta ${fmtShape(theta.shape)} and size ${fmtShape(size)}`,
    );
  }
  const N = size[0]!;
  const dims = size.slice(2); // [H, W] or [D, H, W]
  // base grid [*dims, spatial + 1]: last entry (x, y[, z], 1) with x along the last dim
  const axes = dims.map((n, i) => {
    const shape = dims.map(() => 1);
    shape[i] = n;
    return baseCoords(n, align, theta).reshape(shape).expand(dims);
  });
  const ones = axes[0]!.mul(0).add(1);
  const base = stack([...axes.reverse(), ones], -1).reshape([1, -1, spatial + 1]);
  return base.matmul(theta.transpose(1, 2)).reshape([N, ...dims, spatial]);
}

/** Options of gridSample. */
export interface GridSampleOptions {
  /** Interpolation: 'bilinear' (default) or 'nearest'. */
  mode?: 'bilinear' | 'nearest';
  /** Values outside the input: 'zeros' (default), 'border' (clamp), 'reflection'. */
  paddingMode?: 'zeros' | 'border' | 'reflection';
  /** -1 and 1 address the corner pixels' centres (true) or their outer edges (false, default). */
  alignCorners?: boolean;
}

/** PyTorch's reflect_coordinates + clip for one axis of `size` pixels. */
function reflect(c: Tensor, size: number, align: boolean): Tensor {
  const [lo2, hi2] = align ? [0, 2 * (size - 1)] : [-1, 2 * size - 1];
  if (lo2 === hi2) return c.mul(0);
  const min = lo2 / 2, span = (hi2 - lo2) / 2;
  const d = c.sub(min).abs();
  const extra = d.fmod(span);
  const flips = d.div(span).floor();
  const even = flips.remainder(2).eq(0);
  return where(even, extra.add(min), extra.neg().add(span + min)).clamp(0, size - 1);
}

/** Samples `input` [N, C, H, W] at `grid` [N, Ho, Wo, 2] (x, y in [-1, 1]) → [N, C, Ho, Wo]. */
export function gridSample(input: Tensor, grid: Tensor, options: GridSampleOptions = {}): Tensor {
  checkFloat('gridSample', input);
  const mode = options.mode ?? 'bilinear';
  const padding = options.paddingMode ?? 'zeros';
  const align = options.alignCorners ?? false;
  if (input.ndim !== 4 || grid.ndim !== 4 || grid.shape[3] !== 2 || grid.shape[0] !== input.shape[0]) {
    throw new ShapeError(`gridSample: expected input [N, C, H, W] and grid [N, Ho, Wo, 2] with the same N (5-D inputs are not supported yet), but got input ${fmtShape(input.shape)} and grid ${fmtShape(grid.shape)}`);
  }
  if (mode !== 'bilinear' && mode !== 'nearest') throw new ValueError(`gridSample: mode must be 'bilinear' or 'nearest', got '${String(mode)}'`);
  if (padding !== 'zeros' && padding !== 'border' && padding !== 'reflection') throw new ValueError(`gridSample: paddingMode must be 'zeros', 'border' or 'reflection', got '${String(padding)}'`);
  const [N, C, H, W] = input.shape as [number, number, number, number];
  const [, Ho, Wo] = grid.shape as [number, number, number, number];
  const coord = (g: Tensor, size: number) => {
    // normalised → pixel coordinates
    let c = align ? g.add(1).mul((size - 1) / 2) : g.add(1).mul(size).sub(1).div(2);
    if (padding === 'border') c = c.clamp(0, size - 1);
    else if (padding === 'reflection') c = reflect(c, size, align);
    return c;
  };
  const ix = coord(grid.select(3, 0), W);
  const iy = coord(grid.select(3, 1), H);
  const flat = input.reshape([N, C, H * W]);
  // value at integer pixel (x, y) with zero outside the image
  const at = (x: Tensor, y: Tensor): Tensor => {
    const inside = x.ge(0).logicalAnd(x.le(W - 1)).logicalAnd(y.ge(0)).logicalAnd(y.le(H - 1));
    const idx = y.clamp(0, H - 1).mul(W).add(x.clamp(0, W - 1)).int().reshape([N, 1, Ho * Wo]).expand([N, C, Ho * Wo]);
    const v = flat.gather(2, idx).reshape([N, C, Ho, Wo]);
    return where(inside.unsqueeze(1), v, 0);
  };
  if (mode === 'nearest') return at(ix.round(), iy.round());
  const x0 = ix.floor(), y0 = iy.floor();
  const x1 = x0.add(1), y1 = y0.add(1);
  const wx1 = ix.sub(x0), wx0 = x1.sub(ix), wy1 = iy.sub(y0), wy0 = y1.sub(iy);
  const w = (a: Tensor, b: Tensor) => a.mul(b).unsqueeze(1);
  return at(x0, y0).mul(w(wx0, wy0)).add(at(x1, y0).mul(w(wx1, wy0))).add(at(x0, y1).mul(w(wx0, wy1))).add(at(x1, y1).mul(w(wx1, wy1)));
}
