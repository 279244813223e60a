/**
 * The fused-kernel hook. Before composing an update from tensor ops, an optimizer asks the
 * parameter's backend for a fused kernel under `overrides['<name>Step']` (`sgdStep`, `adamStep`,
 * `adamwStep`, `adagradStep`, `rmspropStep`, `adadeltaStep`, `adamaxStep`, `nadamStep`,
 * `radamStep`). When one is present it does the whole per-parameter update instead; the composed
 * update stays the default, so a backend never has to provide one.
 * @packageDocumentation
 */
import { backendOf, type CompositeKernel, type Tensor } from '@kiln/tensor';

/**
 * A fused optimizer kernel, registered as `backend.overrides[name]`.
 *
 * `tensors` is `[param, grad, ...state]` in the order documented by each optimizer (a state slot
 * the optimizer has not created yet is `undefined`); `attrs` holds the group's options plus the
 * step number after incrementing (`step`, where the optimizer counts steps). The kernel updates
 * `param` and the state tensors **in place** (grad already includes neither `maximize` nor weight
 * decay: the kernel applies them, exactly as the composed update does). It may return a tensor,
 * which becomes the new value of the first state slot that was `undefined` (SGD's momentum buffer
 * is created on the first step this way).
 */
export type FusedOptimizerKernel = (
  tensors: readonly (Tensor | undefined)[],
  attrs: Readonly<Record<string, unknown>>,
) => Tensor | void;

/** The fused kernel `name` of `p`'s backend, or undefined (then the composed update runs). */
export function fusedKernel(p: Tensor, name: string): FusedOptimizerKernel | undefined {
  return backendOf(p.device).overrides?.[name] as FusedOptimizerKernel | undefined;
}

/**
 * Types fused optimizer kernels for `backend.overrides` (whose slots take the general
 * `CompositeKernel` signature): `{ ...createCpuBackend(), overrides: fusedOverrides({ adamStep }) }`.
 */
export function fusedOverrides(kernels: Record<string, FusedOptimizerKernel>): Record<string, CompositeKernel> {
  return kernels as Record<string, CompositeKernel>;
}
