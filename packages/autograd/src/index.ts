/**
 * @kiln/autograd — the dynamic-graph engine. Importing it installs the autograd dispatch layer
 * and the tensor hooks, after which `requiresGrad`, `backward()`, `.grad`, `.gradFn` … work as in
 * PyTorch:
 *
 * ```ts
 * import { tensor } from '@kiln/tensor';
 * import '@kiln/autograd';
 * const x = tensor([2, 3], { requiresGrad: true });
 * x.mul(x).sum().backward();
 * x.grad; // tensor([4., 6.])
 * ```
 * @packageDocumentation
 */
import { installAutogradHooks, registerDispatchLayer } from '@kiln/tensor';
import './gradients/all.js';
import './view-history.js';
import { hooks } from './hooks.js';
import { autogradLayer } from './layer.js';

registerDispatchLayer(autogradLayer);
installAutogradHooks(hooks);

export { backward, grad } from './backward.js';
export type { BackwardOptions, GradOptions } from './backward.js';
export { Function, FunctionCtx } from './function.js';
export { gradcheck, gradgradcheck, GradcheckError } from './gradcheck.js';
export { jacobian, hessian } from './functional.js';
export type { JacobianOptions } from './functional.js';
export type { GradcheckOptions } from './gradcheck.js';
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled } from './anomaly-mode.js';
export { Node, AccumulateGrad } from './node.js';
export type { Edge, OutputInfo } from './node.js';
export { defineGrad, gradRule, opsWithGradRule } from './gradients/registry.js';
export type { GradRule, GradContext } from './gradients/registry.js';
export { sumToShape } from './gradients/util.js';
export { autogradLayer } from './layer.js';
export { NON_LEAF_GRAD_WARNING } from './hooks.js';
export { FREED_GRAPH_MESSAGE } from './saved-tensor.js';
/** Grad-mode guards live in @kiln/tensor (as GradMode lives in PyTorch's core); re-exported for torch.autograd parity. */
export { noGrad, enableGrad, setGradEnabled, inferenceMode, isGradEnabled, isInferenceModeEnabled } from '@kiln/tensor';
