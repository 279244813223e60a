/**
 * What a fused WebGPU kernel needs from the backend: the runtime (pipelines, dispatch, metadata
 * buffers, pool) and a way to allocate output handles.
 * @packageDocumentation
 */
import type { DType } from '@kiln/tensor';
import type { GpuRuntime } from '../runtime.js';
import type { GpuHandle } from '../backend.js';

/** The backend internals handed to the override tables. */
export interface GpuKernelContext {
  readonly rt: GpuRuntime;
  /** A fresh pooled handle of `numel` elements (4 bytes each). */
  alloc(dtype: DType, numel: number): GpuHandle;
}
