/**
 * Conversions between RawImage and tensors, dtype conversion and normalize.
 * @packageDocumentation
 */
import { DTypeError, fromTypedArray, isTensor, ShapeError, ValueError, type DType, type Tensor } from '@kiln/tensor';
import { isRawImage, type RawImage } from '../../image.js';

function checkImage(img: RawImage, op: string): void {
  if (!isRawImage(img)) throw new ValueError(`${op}: pic should be a RawImage {data: Uint8Array, width, height, channels}, got ${typeof img}`);
  if (img.data.length !== img.width * img.height * img.channels) {
    throw new ShapeError(`${op}: RawImage data has ${img.data.length} bytes but width*height*channels = ${img.width * img.height * img.channels}`);
  }
}

/** HWC bytes → CHW values through `f`. */
function hwcToChw<A extends Float32Array | Int32Array>(img: RawImage, out: A, f: (v: number) => number): A {
  const { width: w, height: h, channels: c, data } = img;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = f(data[(y * w + x) * c + k]!);
  return out;
}

/**
 * F.to_tensor: a RawImage (HWC, 0..255) becomes a float32 CHW tensor in [0, 1] (divided by 255).
 * Tensors are not accepted, as in torchvision ("pic should be PIL Image or ndarray").
 */
export function toTensor(pic: RawImage): Tensor {
  checkImage(pic, 'toTensor');
  const out = hwcToChw(pic, new Float32Array(pic.data.length), (v) => v / 255);
  return fromTypedArray(out, [pic.channels, pic.height, pic.width]);
}

/**
 * F.pil_to_tensor: a RawImage becomes a CHW tensor of its byte values without scaling. PyTorch
 * returns uint8; Kiln has no uint8 dtype, so the result is int32 (0..255), and Kiln's image
 * transforms treat int32 tensors as uint8 images.
 */
export function pilToTensor(pic: RawImage): Tensor {
  checkImage(pic, 'pilToTensor');
  return fromTypedArray(hwcToChw(pic, new Int32Array(pic.data.length), (v) => v), [pic.channels, pic.height, pic.width]);
}

/**
 * F.to_pil_image's analogue: a CHW (or HW) tensor to a RawImage. Float tensors are scaled by 255
 * and truncated (torchvision's `pic.mul(255).byte()`), int32 tensors are taken as bytes.
 */
export function toRawImage(pic: Tensor): RawImage {
  if (!isTensor(pic) || (pic.ndim !== 2 && pic.ndim !== 3)) throw new ValueError(`toRawImage: pic should be 2/3 dimensional, got ${isTensor(pic) ? `${pic.ndim} dimensions` : typeof pic}`);
  const [c, h, w] = (pic.ndim === 2 ? [1, ...pic.shape] : pic.shape) as [number, number, number];
  if (c > 4) throw new ValueError(`toRawImage: pic should not have > 4 channels. Got ${c} channels.`);
  const src = pic.dataSync();
  const scale = pic.isFloatingPoint() ? 255 : 1;
  const data = new Uint8Array(c * h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) data[(y * w + x) * c + k] = Math.trunc(src[(k * h + y) * w + x]! * scale) & 255;
  return { data, width: w, height: h, channels: c };
}

/**
 * F.convert_image_dtype. Float ↔ float casts; int32 tensors are taken as uint8 images (0..255,
 * Kiln's stand-in for torch.uint8): int32 → float divides by 255, float → int32 computes
 * `trunc(x * (255 + 1 - 0.001))` as torchvision does for uint8.
 */
export function convertImageDtype(image: Tensor, dtype: DType = 'float32'): Tensor {
  if (!isTensor(image)) throw new ValueError('convertImageDtype: Input img should be Tensor Image');
  if (dtype === 'bool' || image.dtype === 'bool') throw new DTypeError(`convertImageDtype: bool images are not supported (from ${image.dtype} to ${dtype})`);
  if (image.dtype === dtype) return image;
  const fromFloat = image.isFloatingPoint(), toFloat = dtype !== 'int32';
  if (fromFloat && toFloat) return image.to(dtype);
  if (!fromFloat && toFloat) return image.to(dtype).div(255);
  return image.mul(255 + 1 - 1e-3).trunc().to('int32');
}

/**
 * F.normalize: `(x - mean[c]) / std[c]` per channel of a float tensor (…, C, H, W), computed in
 * the tensor's dtype like torchvision. `inplace` writes into `tensor`.
 */
export function normalize(tensor: Tensor, mean: readonly number[] | number, std: readonly number[] | number, options: { inplace?: boolean } = {}): Tensor {
  if (!isTensor(tensor)) throw new ValueError(`normalize: img should be Tensor Image. Got ${typeof tensor}`);
  if (!tensor.isFloatingPoint()) throw new DTypeError(`normalize: Input tensor should be a float tensor. Got ${tensor.dtype}.`);
  if (tensor.ndim < 3) throw new ShapeError(`normalize: Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = [${tensor.shape.join(', ')}]`);
  const m = typeof mean === 'number' ? [mean] : [...mean];
  const s = typeof std === 'number' ? [std] : [...std];
  const c = tensor.shape[tensor.ndim - 3]!;
  for (const [name, v] of [['mean', m], ['std', s]] as const) {
    if (v.length !== 1 && v.length !== c) throw new ValueError(`normalize: ${name} has ${v.length} values but the image has ${c} channels; pass 1 or ${c} values`);
  }
  const cast = tensor.dtype === 'float32' ? Math.fround : (v: number) => v;
  if (s.some((v) => cast(v) === 0)) throw new ValueError(`normalize: std evaluated to zero after conversion to ${tensor.dtype}, leading to division by zero.`);
  const src = tensor.contiguous().dataSync();
  const plane = tensor.shape[tensor.ndim - 1]! * tensor.shape[tensor.ndim - 2]!;
  const out = tensor.dtype === 'float32' ? new Float32Array(src.length) : new Float64Array(src.length);
  for (let start = 0, k = 0; start < src.length; start += plane, k = (k + 1) % c) {
    const mk = cast(m[m.length === 1 ? 0 : k]!), sk = cast(s[s.length === 1 ? 0 : k]!);
    for (let i = start; i < start + plane; i++) out[i] = cast(cast(src[i]! - mk) / sk);
  }
  const result = fromTypedArray(out, tensor.shape);
  return options.inplace ? tensor.copy_(result) : result;
}
