/**
 * Geometric transform classes: Resize, CenterCrop, RandomCrop, Pad, RandomHorizontalFlip,
 * RandomVerticalFlip, RandomResizedCrop.
 * @packageDocumentation
 */
import { ValueError } from '@kiln/tensor';
import { getDimensions, roundHalfEven, type ImageInput } from '../image.js';
import { centerCrop, crop, hflip, pad, toSize2, vflip, type PaddingMode } from './functional/geometry.js';
import { resize, resizedCrop, type InterpolationMode, type ResizeOptions } from './functional/resize.js';
import { rand1, randint, uniform } from './random.js';
import { ImageTransform } from './transform.js';

/** torchvision.transforms.Resize(size, {interpolation, maxSize, antialias}). */
export class Resize extends ImageTransform {
  constructor(readonly size: number | readonly number[], readonly options: ResizeOptions = {}) {
    super();
  }
  override forward<I extends ImageInput>(img: I): I {
    return resize(img, this.size, this.options);
  }
}

/** torchvision.transforms.CenterCrop(size). */
export class CenterCrop extends ImageTransform {
  readonly size: [number, number];
  constructor(size: number | readonly number[]) {
    super();
    this.size = toSize2(size, 'CenterCrop');
  }
  override forward<I extends ImageInput>(img: I): I {
    return centerCrop(img, this.size);
  }
}

/** Options of RandomCrop (torchvision's keyword arguments). */
export interface RandomCropOptions {
  /** Padding applied before cropping (int, [lr, tb] or [l, t, r, b]). */
  padding?: number | readonly number[] | null;
  /** Pad images smaller than `size` (default false). */
  padIfNeeded?: boolean;
  fill?: number | readonly number[];
  paddingMode?: PaddingMode;
}

/** torchvision.transforms.RandomCrop(size, {padding, padIfNeeded, fill, paddingMode}). */
export class RandomCrop extends ImageTransform {
  readonly size: [number, number];
  constructor(size: number | readonly number[], readonly options: RandomCropOptions = {}) {
    super();
    this.size = toSize2(size, 'RandomCrop');
  }

  /** torchvision's get_params: a random (top, left, height, width) box of `outputSize`. */
  static getParams(img: ImageInput, outputSize: readonly [number, number]): [number, number, number, number] {
    const [, h, w] = getDimensions(img);
    const [th, tw] = outputSize;
    if (h < th || w < tw) throw new ValueError(`RandomCrop: Required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w}); pass padIfNeeded: true or a smaller size`);
    if (w === tw && h === th) return [0, 0, h, w];
    const i = randint(0, h - th + 1);
    const j = randint(0, w - tw + 1);
    return [i, j, th, tw];
  }

  override forward<I extends ImageInput>(input: I): I {
    const { padding, padIfNeeded, fill = 0, paddingMode = 'constant' } = this.options;
    let img: I = input;
    if (padding !== undefined && padding !== null) img = pad(img, padding, { fill, paddingMode });
    const [, h, w] = getDimensions(img);
    if (padIfNeeded && w < this.size[1]) img = pad(img, [this.size[1] - w, 0], { fill, paddingMode });
    if (padIfNeeded && h < this.size[0]) img = pad(img, [0, this.size[0] - h], { fill, paddingMode });
    const [i, j, th, tw] = RandomCrop.getParams(img, this.size);
    return crop(img, i, j, th, tw);
  }
}

/** torchvision.transforms.Pad(padding, {fill, paddingMode}). */
export class Pad extends ImageTransform {
  constructor(readonly padding: number | readonly number[], readonly options: { fill?: number | readonly number[]; paddingMode?: PaddingMode } = {}) {
    super();
  }
  override forward<I extends ImageInput>(img: I): I {
    return pad(img, this.padding, this.options);
  }
}

/** torchvision.transforms.RandomHorizontalFlip(p = 0.5): flips when `torch.rand(1) < p`. */
export class RandomHorizontalFlip extends ImageTransform {
  constructor(readonly p = 0.5) {
    super();
  }
  override forward<I extends ImageInput>(img: I): I {
    return rand1() < this.p ? hflip(img) : img;
  }
}

/** torchvision.transforms.RandomVerticalFlip(p = 0.5). */
export class RandomVerticalFlip extends ImageTransform {
  constructor(readonly p = 0.5) {
    super();
  }
  override forward<I extends ImageInput>(img: I): I {
    return rand1() < this.p ? vflip(img) : img;
  }
}

/** Options of RandomResizedCrop. */
export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image (default [0.08, 1]). */
  scale?: readonly [number, number];
  /** Range of the crop's aspect ratio w/h (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
  interpolation?: InterpolationMode;
  antialias?: boolean | null;
}

/** torchvision.transforms.RandomResizedCrop(size, {scale, ratio, interpolation}). */
export class RandomResizedCrop extends ImageTransform {
  readonly size: [number, number];
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  constructor(size: number | readonly number[], readonly options: RandomResizedCropOptions = {}) {
    super();
    this.size = toSize2(size, 'RandomResizedCrop');
    this.scale = options.scale ?? [0.08, 1];
    this.ratio = options.ratio ?? [3 / 4, 4 / 3];
    if (this.scale[0] > this.scale[1] || this.ratio[0] > this.ratio[1]) throw new ValueError('RandomResizedCrop: Scale and ratio should be of kind (min, max)');
  }

  /** torchvision's get_params: 10 tries at a random area/aspect box, then a central fallback. */
  static getParams(img: ImageInput, scale: readonly [number, number], ratio: readonly [number, number]): [number, number, number, number] {
    const [, height, width] = getDimensions(img);
    const area = height * width;
    const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
    for (let k = 0; k < 10; k++) {
      const targetArea = area * uniform(scale[0], scale[1]);
      const aspect = Math.exp(uniform(logRatio[0], logRatio[1]));
      const w = roundHalfEven(Math.sqrt(targetArea * aspect));
      const h = roundHalfEven(Math.sqrt(targetArea / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) return [randint(0, height - h + 1), randint(0, width - w + 1), h, w];
    }
    const inRatio = width / height;
    let w: number, h: number;
    if (inRatio < Math.min(...ratio)) [w, h] = [width, roundHalfEven(width / Math.min(...ratio))];
    else if (inRatio > Math.max(...ratio)) [h, w] = [height, roundHalfEven(height * Math.max(...ratio))];
    else [w, h] = [width, height];
    return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
  }

  override forward<I extends ImageInput>(img: I): I {
    const [i, j, h, w] = RandomResizedCrop.getParams(img, this.scale, this.ratio);
    return resizedCrop(img, i, j, h, w, this.size, { interpolation: this.options.interpolation, antialias: this.options.antialias });
  }
}
