/**
 * @kiln/tensor — tensors, dtypes, devices, the dispatcher, grad mode, the Backend contract and the
 * CPU backend. Every other Kiln package plugs into this one.
 * @packageDocumentation
 */
export { Tensor, isTensor, valuesIndices } from './tensor.js';
export type { Scalar, TensorLike, NestedArray, ShapeArgs, ValuesIndices, ReduceOptions, Dims } from './tensor.js';
export * from './errors.js';
export { DTYPES, promoteTypes, resultType, isFloating, isIntegral, itemSize, checkDType } from './dtype.js';
export type { DType, TypedArray, PromotionOperand } from './dtype.js';
export { Device, getDevice, registerBackend, initDevice, isDeviceAvailable, backendOf, registeredDeviceTypes } from './device.js';
export type { DeviceLike } from './device.js';
export { createCpuBackend, CpuHandle } from './backend/cpu/cpu-backend.js';
export { CONTRACT_VERSION } from './backend/backend.js';
export { withCpuFallback, FALLBACK_METHODS, type PartialBackend, type FallbackMethod } from './backend/cpu-fallback.js';
export type { Backend, Handle, Operand, UnaryOp, BinaryOp, ReduceOp, ScanOp, RandomKind, Capabilities, CompositeKernel } from './backend/backend.js';
export type { View } from './shape.js';
export { broadcastShapes, contiguousStrides, numelOf } from './shape.js';
export {
  defineOp, getOpDef, registeredOps, dispatch, dispatch1, registerDispatchLayer, unregisterDispatchLayer, withLayersExcluded, commonDevice,
} from './dispatch.js';
export type { OpCall, OpDef, DispatchLayer, VjpContext } from './dispatch.js';
export { noGrad, enableGrad, setGradEnabled, inferenceMode, isGradEnabled, isInferenceModeEnabled } from './grad-mode.js';
export type { GradModeGuard } from './grad-mode.js';
export { installAutogradHooks, autogradHooks } from './autograd-hooks.js';
export type { AutogradHooks, AutogradMetaBase, BackwardOptions, GradFn, RemovableHandle } from './autograd-hooks.js';
export { Generator, defaultGenerator, manualSeed, initialSeed, seed, getRngState, setRngState } from './random.js';
export { tidy, keep, memory, setMemoryDebug } from './memory.js';
export type { MemoryInfo } from './memory.js';
export { Storage } from './storage.js';
export {
  tensor, zeros, ones, full, empty, arange, linspace, logspace, eye, rand, randn, randint, randperm, normal, fromTypedArray,
  zerosLike, onesLike, emptyLike, fullLike, randLike, randnLike, randintLike,
} from './ops/creation.js';
export type { CreationOptions, RandomOptions } from './ops/creation.js';
export { cat, stack, hstack, vstack, padConstant } from './ops/shape-ops.js';
export { einsum } from './ops/linalg.js';
export { slice } from './indexing.js';
export type { Index, Slice } from './indexing.js';
export { read } from './read.js';
export { setPrintOptions, getPrintOptions } from './print.js';
export type { PrintOptions } from './print.js';
export * from './functions.js';
export { serialize, serializeAsync, deserialize, save, load, metadataOf } from './serialization/safetensors.js';
export type { LoadOptions, SaveOptions } from './serialization/safetensors.js';
export { setNumThreads, getNumThreads } from './threads/num-threads.js';
export { loadTorch, deserializeTorch, deserializeTorchObject } from './serialization/torch/load.js';
export type { TorchValue } from './serialization/torch/load.js';
// The CPU backend's fused kernels (conv, max-pool) reach the op registry and the Tensor factory
// through this wiring rather than imports, which would close an import cycle through the backend.
import { wireCpuOverrides } from './backend/cpu/fast/overrides.js';
import { getOpDef as opDefOf } from './dispatch.js';
import { Tensor as TensorClass } from './tensor.js';
wireCpuOverrides({ getOpDef: opDefOf, fromHandle: (h, dtype, shape, device) => TensorClass.fromHandle(h, dtype, shape, device) });
