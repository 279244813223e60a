/**
 * Colour transform classes: Grayscale, RandomGrayscale, ColorJitter.
 * @packageDocumentation
 */
import { randperm, ValueError } from '@kiln/tensor';
import type { ImageInput } from '../image.js';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, rgbToGrayscale } from './functional/color.js';
import { rand1, uniform } from './random.js';
import { ImageTransform } from './transform.js';

/** torchvision.transforms.Grayscale(numOutputChannels = 1). */
export class Grayscale extends ImageTransform {
  constructor(readonly numOutputChannels = 1) {
    super();
  }
  override forward<I extends ImageInput>(img: I): I {
    return rgbToGrayscale(img, this.numOutputChannels);
  }
}

/** torchvision.transforms.RandomGrayscale(p = 0.1): keeps the channel count. */
export class RandomGrayscale extends ImageTransform {
  constructor(readonly p = 0.1) {
    super();
  }
  override forward<I extends ImageInput>(img: I): I {
    if (rand1() >= this.p) return img;
    const c = 'channels' in img ? img.channels : img.shape[img.ndim - 3]!;
    return rgbToGrayscale(img, c);
  }
}

type Jitter = number | readonly [number, number];

/** torchvision's `_check_input`: a number v means [center − v, center + v] clipped to the bound; null when it is a no-op. */
function checkInput(value: Jitter | undefined, name: string, center: number, bound: [number, number], clipFirstOnZero: boolean): [number, number] | null {
  if (value === undefined) return null;
  let v: [number, number];
  if (typeof value === 'number') {
    if (value < 0) throw new ValueError(`ColorJitter: If ${name} is a single number, it must be non negative.`);
    v = [center - value, center + value];
    if (clipFirstOnZero) v[0] = Math.max(v[0], 0);
  } else {
    v = [value[0], value[1]];
  }
  if (!(bound[0] <= v[0] && v[0] <= v[1] && v[1] <= bound[1])) throw new ValueError(`ColorJitter: ${name} values should be between [${bound.join(', ')}], got [${v.join(', ')}]`);
  return v[0] === v[1] && v[0] === center ? null : v;
}

/** torchvision.transforms.ColorJitter({brightness, contrast, saturation, hue}), in a random order. */
export class ColorJitter extends ImageTransform {
  readonly brightness: [number, number] | null;
  readonly contrast: [number, number] | null;
  readonly saturation: [number, number] | null;
  readonly hue: [number, number] | null;
  constructor(options: { brightness?: Jitter; contrast?: Jitter; saturation?: Jitter; hue?: Jitter } = {}) {
    super();
    this.brightness = checkInput(options.brightness, 'brightness', 1, [0, Infinity], true);
    this.contrast = checkInput(options.contrast, 'contrast', 1, [0, Infinity], true);
    this.saturation = checkInput(options.saturation, 'saturation', 1, [0, Infinity], true);
    this.hue = checkInput(options.hue, 'hue', 0, [-0.5, 0.5], false);
  }

  /** torchvision's get_params: the order (randperm(4)) and one factor per enabled adjustment. */
  static getParams(b: [number, number] | null, c: [number, number] | null, s: [number, number] | null, h: [number, number] | null) {
    const fnIdx = randperm(4).tolist() as number[];
    const pick = (r: [number, number] | null) => (r ? uniform(r[0], r[1]) : null);
    return { fnIdx, brightness: pick(b), contrast: pick(c), saturation: pick(s), hue: pick(h) };
  }

  override forward<I extends ImageInput>(input: I): I {
    const p = ColorJitter.getParams(this.brightness, this.contrast, this.saturation, this.hue);
    let img: I = input;
    for (const id of p.fnIdx) {
      if (id === 0 && p.brightness !== null) img = adjustBrightness(img, p.brightness);
      else if (id === 1 && p.contrast !== null) img = adjustContrast(img, p.contrast);
      else if (id === 2 && p.saturation !== null) img = adjustSaturation(img, p.saturation);
      else if (id === 3 && p.hue !== null) img = adjustHue(img, p.hue);
    }
    return img;
  }
}
