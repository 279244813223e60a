/**
 * Upsample, PixelShuffle and PixelUnshuffle.
 * @packageDocumentation
 */
import type { InterpolateMode } from '@kiln/functional';
import { ValueError, type Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import { Module } from './module.js';
import { py, pyFloat } from './shape-check.js';

/** Interpolation modes of Upsample. */
export type UpsampleMode = InterpolateMode;

/** Resizes by `scaleFactor` or to `size` (torch.nn.Upsample). Exactly one of the two must be given. */
export class Upsample extends Module {
  readonly size: number | number[] | null;
  readonly scaleFactor: number | number[] | null;
  readonly mode: UpsampleMode;
  readonly alignCorners: boolean | null;

  /** `new Upsample({ scaleFactor: 2, mode: 'bilinear' })`. */
  constructor(options: { size?: number | number[]; scaleFactor?: number | number[]; mode?: UpsampleMode; alignCorners?: boolean } = {}) {
    super();
    this.size = options.size ?? null;
    this.scaleFactor = options.scaleFactor ?? null;
    this.mode = options.mode ?? 'nearest';
    this.alignCorners = options.alignCorners ?? null;
    if ((this.size === null) === (this.scaleFactor === null)) throw new ValueError('either size or scale_factor should be defined');
  }

  /** F.interpolate with this layer's options. */
  override forward(input: Tensor): Tensor {
    return F.interpolate(input, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners });
  }

  override extraRepr(): string {
    // PyTorch stores a scalar scale factor as a float and prints the mode without quotes.
    const sf = this.scaleFactor;
    const info = sf !== null ? `scale_factor=${typeof sf === 'number' ? pyFloat(sf) : `(${sf.map(pyFloat).join(', ')})`}` : `size=${py(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}

/** Rearranges `[N, C·r², H, W]` into `[N, C, H·r, W·r]` (torch.nn.PixelShuffle). */
export class PixelShuffle extends Module {
  /** `new PixelShuffle(2)`. */
  constructor(readonly upscaleFactor: number) {
    super();
  }
  /** F.pixelShuffle. */
  override forward(input: Tensor): Tensor {
    return F.pixelShuffle(input, this.upscaleFactor);
  }
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** The inverse of PixelShuffle (torch.nn.PixelUnshuffle), composed from views. */
export class PixelUnshuffle extends Module {
  /** `new PixelUnshuffle(2)`. */
  constructor(readonly downscaleFactor: number) {
    super();
  }
  /** `[*, C, H·r, W·r]` → `[*, C·r², H, W]`. */
  override forward(input: Tensor): Tensor {
    const r = this.downscaleFactor;
    const s = input.shape;
    const [c, h, w] = s.slice(-3) as [number, number, number];
    if (h % r !== 0 || w % r !== 0) throw new ValueError(`pixel_unshuffle expects height and width to be divisible by downscale_factor, but input.size(-2)=${h} and input.size(-1)=${w} is not divisible by ${r}`);
    const batch = s.slice(0, -3);
    const b = batch.length;
    const x = input.reshape([...batch, c, h / r, r, w / r, r]);
    const perm = [...batch.keys(), b, b + 2, b + 4, b + 1, b + 3];
    return x.permute(perm).reshape([...batch, c * r * r, h / r, w / r]);
  }
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}
