/**
 * `backward()` and `grad()` (torch.autograd.backward / torch.autograd.grad): argument checks
 * with PyTorch's messages, then one engine run.
 * @packageDocumentation
 */
import { AutogradError, ShapeError, isTensor, onesLike, type Tensor } from '@kiln/tensor';
import { runBackward } from './engine.js';
import { requiresGrad } from './meta.js';

/** Options of {@link backward}. */
export interface BackwardOptions {
  /** Keep saved tensors so the graph can be walked again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward computation itself, for higher-order gradients. */
  createGraph?: boolean;
  /** Only accumulate into these tensors' `.grad`. */
  inputs?: Tensor | readonly Tensor[];
}

/** Options of {@link grad}. */
export interface GradOptions {
  /** The "vector" of the vector-Jacobian product, one per output (null = implicit 1 for scalars). */
  gradOutputs?: Tensor | readonly (Tensor | null | undefined)[] | null;
  retainGraph?: boolean;
  createGraph?: boolean;
  /** Return null for inputs that the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

const list = <T>(x: T | readonly T[]): T[] => (Array.isArray(x) ? [...(x as readonly T[])] : [x as T]);

/** Root gradients (given, or implicit ones for scalars) and which ones the caller gave. */
function rootGradients(outputs: Tensor[], given: readonly (Tensor | null | undefined)[]): { grads: Tensor[]; userGiven: boolean[] } {
  if (given.length !== outputs.length && given.length !== 0) {
    throw new AutogradError(`grad_tensors should have the same length as tensors: got ${given.length} gradients for ${outputs.length} outputs`);
  }
  const grads = outputs.map((out, i) => {
    if (!requiresGrad(out)) throw new AutogradError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    const g = given[i];
    if (!g) {
      if (out.numel() !== 1) {
        throw new AutogradError(`grad can be implicitly created only for scalar outputs (output ${i} has shape [${out.shape.join(', ')}]; pass a gradient of that shape)`);
      }
      return onesLike(out);
    }
    if (g.ndim !== out.ndim || g.shape.some((s, k) => s !== out.shape[k])) {
      throw new ShapeError(`Mismatch in shape: grad_output[${i}] has a shape of [${g.shape.join(', ')}] and output[${i}] has a shape of [${out.shape.join(', ')}].`);
    }
    return g;
  });
  return { grads, userGiven: outputs.map((_, i) => !!given[i]) };
}

/**
 * torch.autograd.backward: accumulates d(tensors)/d(leaf) · gradTensors into every leaf's `.grad`
 * (or only into `inputs`).
 */
export function backward(tensors: Tensor | readonly Tensor[], gradTensors?: Tensor | readonly (Tensor | null | undefined)[] | null, options: BackwardOptions = {}): void {
  const outs = list(tensors);
  const { grads, userGiven } = rootGradients(outs, gradTensors === undefined || gradTensors === null ? [] : list(gradTensors));
  const createGraph = options.createGraph ?? false;
  let inputs: Tensor[] | undefined;
  if (options.inputs !== undefined) {
    inputs = list(options.inputs);
    if (inputs.length === 0) throw new AutogradError("'inputs' argument to backward() cannot be empty.");
  }
  runBackward(outs, grads, { retainGraph: options.retainGraph ?? createGraph, createGraph, inputs, accumulate: true, userGiven });
}

/**
 * torch.autograd.grad: the gradients of `outputs` w.r.t. `inputs` (vector-Jacobian products with
 * `gradOutputs`), returned instead of accumulated into `.grad`.
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = list(outputs);
  const ins = list(inputs);
  for (const t of ins) {
    if (!isTensor(t)) throw new AutogradError('grad(): inputs must be Tensors');
    if (!requiresGrad(t)) throw new AutogradError('One of the differentiated Tensors does not require grad');
  }
  const go = options.gradOutputs;
  const { grads, userGiven } = rootGradients(outs, go === undefined || go === null ? [] : list(go as Tensor | readonly (Tensor | null | undefined)[]));
  const createGraph = options.createGraph ?? false;
  const result = runBackward(outs, grads, { retainGraph: options.retainGraph ?? createGraph, createGraph, inputs: ins, accumulate: false, userGiven });
  if (!options.allowUnused && result.some((g) => g === null)) {
    throw new AutogradError('One of the differentiated Tensors appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.');
  }
  return result;
}
