/**
 * saveImage: torchvision.utils.save_image, writing PNG.
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import type { RawImage } from '../image.js';
import { writePng } from '../io.js';
import { makeGrid, type MakeGridOptions } from './make-grid.js';

/**
 * A float CHW tensor in [0, 1] → 8-bit RawImage exactly as save_image converts:
 * `mul(255).add_(0.5).clamp_(0, 255)` then truncation to uint8.
 */
export function tensorToImage(t: Tensor): RawImage {
  const [c, h, w] = t.shape as [number, number, number];
  const src = t.contiguous().dataSync();
  const data = new Uint8Array(c * h * w);
  for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) data[i * c + k] = Math.trunc(Math.min(255, Math.max(0, Math.fround(Math.fround(src[k * h * w + i]! * 255) + 0.5))));
  return { data, width: w, height: h, channels: c };
}

/** torchvision.utils.save_image: `makeGrid(tensor, options)` written to `path` as PNG. */
export function saveImage(tensor: Tensor | readonly Tensor[], path: string, options: MakeGridOptions = {}): void {
  writePng(path, tensorToImage(makeGrid(tensor, options)));
}
