/**
 * The Transform base class and how datasets apply a transform.
 * @packageDocumentation
 */
import type { ImageInput } from '../image.js';

/**
 * A transform (torchvision's transform classes, which are callable `nn.Module`s). JavaScript
 * objects are not callable, so — as with Kiln's `Module.call` — `t.call(x)` is torchvision's
 * `t(x)`; subclasses implement `forward`.
 */
export abstract class Transform<I = unknown, O = unknown> {
  /** The computation. */
  abstract forward(input: I): O;

  /** torchvision's `transform(x)`. */
  call(input: I): O {
    return this.forward(input);
  }
}

/** A Transform object or a plain function (both are accepted wherever a transform is). */
export type TransformLike<I = any, O = any> = Transform<I, O> | ((input: I) => O);

/** Applies a Transform or function. */
export function applyTransform<I, O>(t: TransformLike<I, O>, x: I): O {
  return typeof t === 'function' ? t(x) : t.call(x);
}

/**
 * A transform from image to image that keeps the input's kind: a Tensor in gives a Tensor out,
 * a RawImage gives a RawImage (the base of the geometric and colour transforms).
 */
export abstract class ImageTransform extends Transform<ImageInput, ImageInput> {
  abstract override forward<I extends ImageInput>(img: I): I;

  override call<I extends ImageInput>(img: I): I {
    return this.forward(img);
  }
}
