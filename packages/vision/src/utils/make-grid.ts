/**
 * makeGrid: torchvision.utils.make_grid.
 * @packageDocumentation
 */
import { fromTypedArray, isTensor, stack, ValueError, type Tensor } from '@kiln/tensor';

/** Options of makeGrid (torchvision's keyword arguments). */
export interface MakeGridOptions {
  /** Images per row (default 8). */
  nrow?: number;
  /** Pixels between and around images (default 2). */
  padding?: number;
  /** Shift and scale to [0, 1] by `valueRange` or the min/max (default false). */
  normalize?: boolean;
  /** [low, high] used by `normalize` (default: the tensor's min and max). */
  valueRange?: readonly [number, number];
  /** Normalize each image separately (default false). */
  scaleEach?: boolean;
  /** Value of the padding pixels (default 0). */
  padValue?: number;
}

/** In-place clamp to [low, high] then scale to [0, 1] (torchvision's norm_ip). */
function normIp(a: Float64Array, low: number, high: number): void {
  const d = Math.max(high - low, 1e-5);
  for (let i = 0; i < a.length; i++) a[i] = (Math.min(high, Math.max(low, a[i]!)) - low) / d;
}

function normRange(a: Float64Array, range: readonly [number, number] | undefined): void {
  if (range) return normIp(a, range[0], range[1]);
  let lo = Infinity, hi = -Infinity;
  for (const v of a) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  normIp(a, Math.fround(lo), Math.fround(hi));
}

/**
 * Tiles a batch [B, C, H, W] (or a list of [C, H, W] tensors) into one [C, H', W'] image, with
 * torchvision's rules: 1-channel images become 3-channel, a single image is returned as is, the
 * grid has `min(nrow, B)` columns. The result keeps the input's dtype (int32 images stay int32,
 * as torchvision keeps uint8), except that `normalize` on an int32 tensor gives float32.
 */
export function makeGrid(input: Tensor | readonly Tensor[], options: MakeGridOptions = {}): Tensor {
  let t: Tensor = Array.isArray(input) ? stack(input as Tensor[], 0) : (input as Tensor);
  if (!isTensor(t)) throw new ValueError(`makeGrid: tensor or list of tensors expected, got ${typeof input}`);
  const { nrow = 8, padding = 2, normalize = false, valueRange, scaleEach = false, padValue = 0 } = options;
  if (t.ndim === 2) t = t.unsqueeze(0);
  if (t.ndim === 3) t = (t.shape[0] === 1 ? t.expand([3, -1, -1]) : t).unsqueeze(0);
  if (t.ndim !== 4) throw new ValueError(`makeGrid: expected a 2-, 3- or 4-D tensor, got shape [${t.shape.join(', ')}]`);
  if (t.shape[1] === 1) t = t.expand([-1, 3, -1, -1]);
  const [b, c, h, w] = t.shape as [number, number, number, number];
  const dtype = t.dtype === 'float64' ? 'float64' : t.dtype === 'int32' && !normalize ? 'int32' : 'float32';
  const vals = Float64Array.from(t.contiguous().dataSync());
  if (normalize) {
    const per = c * h * w;
    if (scaleEach) for (let k = 0; k < b; k++) normRange(vals.subarray(k * per, (k + 1) * per), valueRange);
    else normRange(vals, valueRange);
  }
  const make = (n: number, shape: number[], fill: (o: Float32Array | Float64Array | Int32Array) => void) => {
    const o = dtype === 'float64' ? new Float64Array(n) : dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
    fill(o);
    return fromTypedArray(o, shape);
  };
  if (b === 1) return make(c * h * w, [c, h, w], (o) => o.set(vals));
  const xmaps = Math.min(nrow, b), ymaps = Math.ceil(b / xmaps);
  const H = h + padding, W = w + padding;
  const gh = H * ymaps + padding, gw = W * xmaps + padding;
  return make(c * gh * gw, [c, gh, gw], (o) => {
    o.fill(padValue);
    for (let k = 0; k < b; k++) {
      const oy = Math.floor(k / xmaps) * H + padding, ox = (k % xmaps) * W + padding;
      for (let ch = 0; ch < c; ch++) {
        for (let y = 0; y < h; y++) {
          const src = ((k * c + ch) * h + y) * w;
          o.set(vals.subarray(src, src + w), (ch * gh + oy + y) * gw + ox);
        }
      }
    }
  });
}
