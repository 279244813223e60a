/**
 * The image type (PIL.Image's analogue) and the planar buffer every transform works on.
 * @packageDocumentation
 */
import { fromTypedArray, isTensor, ShapeError, ValueError, type Tensor } from '@kiln/tensor';

/**
 * An 8-bit image in HWC order (row-major, channels interleaved), the role PIL.Image plays in
 * torchvision: `channels` is 1 (L), 3 (RGB) or 4 (RGBA). `data.length === height*width*channels`.
 * Transforms treat it exactly like torchvision treats a uint8 CHW tensor (not like PIL's own
 * resampling filters), so a RawImage and `pilToTensor(image)` give identical results.
 */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** What transforms accept: a CHW (or …CHW) tensor or a RawImage. */
export type ImageInput = Tensor | RawImage;

/** True for objects shaped like a RawImage. */
export function isRawImage(x: unknown): x is RawImage {
  const r = x as RawImage;
  return typeof x === 'object' && x !== null && r.data instanceof Uint8Array && Number.isInteger(r.width) && Number.isInteger(r.height) && Number.isInteger(r.channels);
}

/**
 * Pixel values as doubles in [b, c, h, w] order plus how to turn them back into the input's kind.
 * `uint8` marks 0..255 images (RawImage, or int32 tensors standing in for torch.uint8), which
 * torchvision rounds back to integers after interpolation.
 */
export interface Planar {
  data: Float64Array;
  lead: number[];
  c: number;
  h: number;
  w: number;
  kind: 'float32' | 'float64' | 'uint8';
  source: 'tensor' | 'image';
}

/** Makes a new planar buffer of the same kind with new sizes (zero-filled). */
export function emptyLike(p: Planar, c: number, h: number, w: number): Planar {
  const b = p.lead.reduce((x, y) => x * y, 1);
  return { ...p, c, h, w, data: new Float64Array(b * c * h * w) };
}

/** Number of [c, h, w] images in a planar buffer. */
export function batchOf(p: Planar): number {
  return p.lead.reduce((x, y) => x * y, 1);
}

/** Reads a tensor (…, C, H, W) or RawImage into a planar buffer. `op` names the caller in errors. */
export function toPlanar(img: ImageInput, op: string): Planar {
  if (isTensor(img)) {
    if (img.ndim < 2) throw new ShapeError(`${op}: expected a tensor image of shape [..., C, H, W] (or [H, W]), got shape [${img.shape.join(', ')}]`);
    if (img.dtype === 'bool') throw new ValueError(`${op}: bool tensors are not images; convert with .float() or .int()`);
    const shape = img.ndim === 2 ? [1, ...img.shape] : img.shape;
    const [c, h, w] = shape.slice(-3) as [number, number, number];
    const kind = img.dtype === 'int32' ? 'uint8' : (img.dtype as 'float32' | 'float64');
    return { data: Float64Array.from(img.dataSync()), lead: shape.slice(0, -3), c, h, w, kind, source: 'tensor' };
  }
  if (!isRawImage(img)) throw new ValueError(`${op}: expected a Tensor or a RawImage {data: Uint8Array, width, height, channels}, got ${typeof img}`);
  const { width: w, height: h, channels: c, data } = img;
  if (data.length !== w * h * c) {
    throw new ShapeError(`${op}: RawImage data has ${data.length} bytes but width*height*channels = ${w}*${h}*${c} = ${w * h * c}`);
  }
  const out = new Float64Array(c * h * w);
  // HWC → CHW
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = data[(y * w + x) * c + k]!;
  return { data: out, lead: [], c, h, w, kind: 'uint8', source: 'image' };
}

/** Writes a planar buffer back as the kind it came from (rounding 0..255 data like torchvision). */
export function fromPlanar(p: Planar, originalNdim = 3): ImageInput {
  const { c, h, w, data } = p;
  if (p.source === 'image') {
    const out = new Uint8Array(c * h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = toByte(data[(k * h + y) * w + x]!);
    return { data: out, width: w, height: h, channels: c };
  }
  const shape = originalNdim === 2 && p.lead.length === 0 && c === 1 ? [h, w] : [...p.lead, c, h, w];
  if (p.kind === 'uint8') return fromTypedArray(Int32Array.from(data, toByte), shape);
  return fromTypedArray(p.kind === 'float32' ? Float32Array.from(data) : Float64Array.from(data), shape);
}

/** torchvision rounds interpolated uint8 results (`round_()` then `.to(uint8)`), half to even. */
function toByte(v: number): number {
  return Math.min(255, Math.max(0, roundHalfEven(v)));
}

/** Python's round() / torch.round: halves go to the even neighbour. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** [channels, height, width] of an image (torchvision's F.get_dimensions). */
export function getDimensions(img: ImageInput): [number, number, number] {
  if (isTensor(img)) {
    const s = img.ndim === 2 ? [1, ...img.shape] : img.shape;
    return s.slice(-3) as [number, number, number];
  }
  return [img.channels, img.height, img.width];
}

/** The tensor's rank, so results keep [H, W] inputs 2-D. */
export function ndimOf(img: ImageInput): number {
  return isTensor(img) ? img.ndim : 3;
}
