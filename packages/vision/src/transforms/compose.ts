/**
 * Transforms that combine other transforms: Compose, Lambda, RandomApply, RandomChoice, RandomOrder.
 * @packageDocumentation
 */
import { ValueError } from '@kiln/tensor';
import { rand1 } from './random.js';
import { applyTransform, Transform, type TransformLike } from './transform.js';

/** torchvision.transforms.Compose: applies the transforms in order. */
export class Compose<I = any, O = any> extends Transform<I, O> {
  constructor(readonly transforms: readonly TransformLike[]) {
    super();
  }
  override forward(input: I): O {
    let x: unknown = input;
    for (const t of this.transforms) x = applyTransform(t, x);
    return x as O;
  }
}

/** torchvision.transforms.Lambda: wraps a function as a transform. */
export class Lambda<I = any, O = any> extends Transform<I, O> {
  constructor(readonly lambd: (input: I) => O) {
    super();
    if (typeof lambd !== 'function') throw new ValueError(`Lambda: Argument lambd should be callable, got ${typeof lambd}`);
  }
  override forward(input: I): O {
    return this.lambd(input);
  }
}

/** torchvision.transforms.RandomApply: applies all transforms with probability `p` (default 0.5). */
export class RandomApply<I = any> extends Transform<I, any> {
  constructor(readonly transforms: readonly TransformLike[], readonly p = 0.5) {
    super();
  }
  override forward(input: I): any {
    if (this.p < rand1()) return input;
    let x: unknown = input;
    for (const t of this.transforms) x = applyTransform(t, x);
    return x;
  }
}

/**
 * torchvision.transforms.RandomChoice: applies one transform picked with weights `p` (default
 * uniform). torchvision draws with Python's `random`; Kiln uses its global generator instead.
 */
export class RandomChoice<I = any> extends Transform<I, any> {
  constructor(readonly transforms: readonly TransformLike[], readonly p?: readonly number[]) {
    super();
    if (p && p.length !== transforms.length) throw new ValueError(`RandomChoice: Length of p doesn't match the number of transforms: ${p.length} != ${transforms.length}`);
  }
  override forward(input: I): any {
    const weights = this.p ?? this.transforms.map(() => 1);
    const total = weights.reduce((a, b) => a + b, 0);
    let u = rand1() * total, i = 0;
    while (i < weights.length - 1 && u >= weights[i]!) u -= weights[i++]!;
    return applyTransform(this.transforms[i]!, input);
  }
}

/** torchvision.transforms.RandomOrder: applies the transforms in a random order (Kiln's generator, not Python's `random`). */
export class RandomOrder<I = any> extends Transform<I, any> {
  constructor(readonly transforms: readonly TransformLike[]) {
    super();
  }
  override forward(input: I): any {
    const order = this.transforms.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand1() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let x: unknown = input;
    for (const i of order) x = applyTransform(this.transforms[i]!, x);
    return x;
  }
}
