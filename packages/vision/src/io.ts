/**
 * Reading and writing image files: PNG through `pngjs`, JPEG through `jpeg-js` (both pure JS,
 * so they run anywhere Node does).
 * @packageDocumentation
 */
import { readFileSync, writeFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ValueError } from '@kiln/tensor';
import { DatasetFormatError } from './datasets/files.js';
import type { RawImage } from './image.js';

/** Image modes of `decodeImage` (PIL's `convert` modes). */
export type ImageMode = 'RGB' | 'L' | 'RGBA';

/** RGBA bytes → the requested mode (L uses PIL's ITU-R 601-2 luma: (299R + 587G + 114B) / 1000). */
function fromRgba(rgba: Uint8Array, width: number, height: number, mode: ImageMode): RawImage {
  const n = width * height;
  const channels = mode === 'L' ? 1 : mode === 'RGB' ? 3 : 4;
  if (mode === 'RGBA') return { data: rgba.slice(0, n * 4), width, height, channels };
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = [rgba[4 * i]!, rgba[4 * i + 1]!, rgba[4 * i + 2]!];
    if (mode === 'L') out[i] = Math.floor((r * 19595 + g * 38470 + b * 7471 + 0x8000) / 65536);
    else out.set([r, g, b], 3 * i);
  }
  return { data: out, width, height, channels };
}

/**
 * Decodes PNG or JPEG bytes (detected from the signature) into a RawImage of `mode` (default
 * 'RGB', as torchvision's default loader converts every image to RGB). `name` labels errors.
 */
export function decodeImage(bytes: Uint8Array, mode: ImageMode = 'RGB', name = 'image'): RawImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47) {
      const png = PNG.sync.read(buf);
      return fromRgba(new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), png.width, png.height, mode);
    }
    if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true });
      return fromRgba(img.data, img.width, img.height, mode);
    }
  } catch (e) {
    throw new DatasetFormatError(`${name}: could not decode the image (${(e as Error).message}); the file is corrupt or truncated`);
  }
  throw new DatasetFormatError(`${name}: not a PNG or JPEG file (unknown signature ${Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')})`);
}

/** Reads and decodes a PNG/JPEG file (torchvision's default_loader / pil_loader). */
export function readImage(path: string, mode: ImageMode = 'RGB'): RawImage {
  return decodeImage(readFileSync(path), mode, path);
}

/** Encodes a 1-, 3- or 4-channel RawImage as PNG bytes. */
export function encodePng(img: RawImage): Uint8Array {
  const { width, height, channels, data } = img;
  if (![1, 3, 4].includes(channels)) throw new ValueError(`encodePng: images need 1, 3 or 4 channels, got ${channels}`);
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const px = channels === 1 ? [data[i]!, data[i]!, data[i]!, 255] : [data[i * channels]!, data[i * channels + 1]!, data[i * channels + 2]!, channels === 4 ? data[i * 4 + 3]! : 255];
    png.data.set(px, 4 * i);
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** Writes a RawImage as a PNG file. */
export function writePng(path: string, img: RawImage): void {
  writeFileSync(path, encodePng(img));
}
