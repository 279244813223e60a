/**
 * RandomRotation and RandomAffine.
 * @packageDocumentation
 */
import { ValueError } from '@kiln/tensor';
import { getDimensions, roundHalfEven, type ImageInput } from '../image.js';
import { affine, rotate } from './functional/affine.js';
import type { InterpolationMode } from './functional/resize.js';
import { uniform } from './random.js';
import { ImageTransform } from './transform.js';

/** A number d means [-d, d]; a pair is taken as is (torchvision's `_setup_angle`). */
function range(v: number | readonly number[], name: string, op: string): [number, number] {
  if (typeof v === 'number') {
    if (v < 0) throw new ValueError(`${op}: If ${name} is a single number, it must be positive, got ${v}`);
    return [-v, v];
  }
  if (v.length !== 2) throw new ValueError(`${op}: If ${name} is a sequence, it must be of len 2, got ${v.length}`);
  return [v[0]!, v[1]!];
}

/** torchvision.transforms.RandomRotation(degrees, {interpolation, expand, center, fill}). */
export class RandomRotation extends ImageTransform {
  readonly degrees: [number, number];
  constructor(degrees: number | readonly number[], readonly options: { interpolation?: InterpolationMode; expand?: boolean; center?: readonly [number, number]; fill?: number | readonly number[] } = {}) {
    super();
    this.degrees = range(degrees, 'degrees', 'RandomRotation');
  }
  /** A uniform angle in `degrees`. */
  static getParams(degrees: readonly [number, number]): number {
    return uniform(degrees[0], degrees[1]);
  }
  override forward<I extends ImageInput>(img: I): I {
    const angle = RandomRotation.getParams(this.degrees);
    return rotate(img, angle, { ...this.options, fill: this.options.fill ?? 0 });
  }
}

/** Options of RandomAffine. */
export interface RandomAffineOptions {
  /** Max fractions [a, b]: tx ∈ (-a·width, a·width), ty ∈ (-b·height, b·height). */
  translate?: readonly [number, number];
  /** Scale range [min, max]. */
  scale?: readonly [number, number];
  /** Shear in degrees: d → x in [-d, d]; [a, b] → x; [a, b, c, d] → x and y. */
  shear?: number | readonly number[];
  interpolation?: InterpolationMode;
  fill?: number | readonly number[];
  center?: readonly [number, number];
}

/** torchvision.transforms.RandomAffine(degrees, {translate, scale, shear, interpolation, fill, center}). */
export class RandomAffine extends ImageTransform {
  readonly degrees: [number, number];
  readonly shear: number[] | null;
  constructor(degrees: number | readonly number[], readonly options: RandomAffineOptions = {}) {
    super();
    this.degrees = range(degrees, 'degrees', 'RandomAffine');
    const { translate, scale, shear } = options;
    if (translate && translate.some((t) => t < 0 || t > 1)) throw new ValueError('RandomAffine: translation values should be between 0 and 1');
    if (scale && scale.some((s) => s <= 0)) throw new ValueError('RandomAffine: scale values should be positive');
    if (shear === undefined) this.shear = null;
    else if (typeof shear === 'number' || shear.length === 2) this.shear = range(shear, 'shear', 'RandomAffine');
    else if (shear.length === 4) this.shear = [...shear];
    else throw new ValueError(`RandomAffine: shear should be a number or a sequence of 2 or 4 values, got ${shear.length}`);
  }

  /** torchvision's get_params: angle, [tx, ty], scale, [shearX, shearY] (imgSize is [width, height]). */
  static getParams(degrees: readonly [number, number], translate: readonly [number, number] | undefined, scaleRange: readonly [number, number] | undefined, shears: readonly number[] | null, imgSize: readonly [number, number]) {
    const angle = uniform(degrees[0], degrees[1]);
    let translations: [number, number] = [0, 0];
    if (translate) {
      const maxDx = translate[0] * imgSize[0], maxDy = translate[1] * imgSize[1];
      translations = [roundHalfEven(uniform(-maxDx, maxDx)), roundHalfEven(uniform(-maxDy, maxDy))];
    }
    const scale = scaleRange ? uniform(scaleRange[0], scaleRange[1]) : 1;
    let shear: [number, number] = [0, 0];
    if (shears) {
      shear = [uniform(shears[0]!, shears[1]!), 0];
      if (shears.length === 4) shear[1] = uniform(shears[2]!, shears[3]!);
    }
    return { angle, translations, scale, shear };
  }

  override forward<I extends ImageInput>(img: I): I {
    const [, h, w] = getDimensions(img);
    const { angle, translations, scale, shear } = RandomAffine.getParams(this.degrees, this.options.translate, this.options.scale, this.shear, [w, h]);
    const { interpolation, fill = 0, center } = this.options;
    return affine(img, angle, translations, scale, shear, { interpolation, fill, center });
  }
}
