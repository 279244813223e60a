/**
 * The WebGPU backend's fused kernels for composite ops (`Backend.overrides`), looked up by op name
 * before functional's decomposition runs (and by optim's fused-step hook). Each table lives in its
 * own file; every kernel checks that its fast path applies and otherwise runs the op's registered
 * decomposition, so an override changes only speed, never what an op accepts.
 * @packageDocumentation
 */
import type { CompositeKernel } from '@kiln/tensor';
import type { GpuKernelContext } from './context.js';
import { nnOverrides } from './nn.js';
import { convOverrides } from './conv.js';
import { optimOverrides } from './optim.js';

export type { GpuKernelContext } from './context.js';

/** Every fused kernel of the WebGPU backend, keyed by op name. */
export function webgpuOverrides(ctx: GpuKernelContext): Record<string, CompositeKernel> {
  return { ...nnOverrides(ctx), ...convOverrides(ctx), ...optimOverrides(ctx) };
}
