/**
 * pixelShuffle / pixelUnshuffle: rearrange [*, C r², H, W] ↔ [*, C, H r, W r]; channelShuffle
 * (pure views + one copy).
 * @packageDocumentation
 */
import { ShapeError, fmtShape, type Tensor } from '@kiln/tensor';

/** [*, C·r², H, W] → [*, C, H·r, W·r]. */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  const r = upscaleFactor;
  if (input.ndim < 3) throw new ShapeError(`pixelShuffle: expected input of at least 3 dims [*, C, H, W], but got ${fmtShape(input.shape)}`);
  const [c, h, w] = input.shape.slice(-3) as [number, number, number];
  if (c % (r * r) !== 0) throw new ShapeError(`pixelShuffle: expected input channel dim (${c}) of ${fmtShape(input.shape)} to be divisible by the square of upscale_factor (${r * r})`);
  const lead = input.shape.slice(0, -3);
  const k = lead.length;
  const oc = c / (r * r);
  return input
    .reshape([...lead, oc, r, r, h, w])
    .permute([...lead.map((_, i) => i), k, k + 3, k + 1, k + 4, k + 2])
    .reshape([...lead, oc, h * r, w * r]);
}

/** [*, C, H·r, W·r] → [*, C·r², H, W] (the inverse of pixelShuffle). */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  const r = downscaleFactor;
  if (input.ndim < 3) throw new ShapeError(`pixelUnshuffle: expected input of at least 3 dims [*, C, H, W], but got ${fmtShape(input.shape)}`);
  const [c, h, w] = input.shape.slice(-3) as [number, number, number];
  if (h % r !== 0 || w % r !== 0) throw new ShapeError(`pixelUnshuffle: expected height (${h}) and width (${w}) of ${fmtShape(input.shape)} to be divisible by downscale_factor (${r})`);
  const lead = input.shape.slice(0, -3);
  const k = lead.length;
  return input
    .reshape([...lead, c, h / r, r, w / r, r])
    .permute([...lead.map((_, i) => i), k, k + 2, k + 4, k + 1, k + 3])
    .reshape([...lead, c * r * r, h / r, w / r]);
}

/** Shuffles the channels of [N, C, *] in `groups` groups: [N, g, C/g, *] → [N, C/g, g, *] (ShuffleNet). */
export function channelShuffle(input: Tensor, groups: number): Tensor {
  if (input.ndim < 3) throw new ShapeError(`channelShuffle: expected input of at least 3 dims [N, C, *], but got ${fmtShape(input.shape)}`);
  const [N, C] = input.shape as [number, number];
  if (groups <= 0 || C % groups !== 0) throw new ShapeError(`channelShuffle: Number of channels (${C}) must be divisible by groups (${groups})`);
  const rest = input.shape.slice(2);
  return input.reshape([N, groups, C / groups, ...rest]).transpose(1, 2).reshape(input.shape);
}
