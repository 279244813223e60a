/**
 * The optional peer @kiln/tensor, loaded once with a top-level `await import` so that datasets,
 * samplers and DataLoader work without it (plain numbers and arrays), and use its tensors and
 * global random generator when it is installed.
 * @packageDocumentation
 */
import type * as TensorModule from '@kiln/tensor';

/** The @kiln/tensor module, or `null` when it is not installed. */
export const T: typeof TensorModule | null = await import('@kiln/tensor').catch((e: unknown) => {
  // Only "not installed" means optional; any other failure is a real error worth seeing.
  if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes('@kiln/tensor')) return null;
  throw e;
});

/** @kiln/tensor, or a clear error naming the caller when it is missing. */
export function requireTensor(op: string): typeof TensorModule {
  if (!T) throw new Error(`${op} needs @kiln/tensor: install it next to @kiln/data (npm i @kiln/tensor)`);
  return T;
}

/** Duck-typed Tensor check that also works when @kiln/tensor is absent. */
export function isTensorLike(x: unknown): x is TensorModule.Tensor {
  return T !== null ? T.isTensor(x) : false;
}
