/**
 * torch.autograd.functional's `jacobian` and `hessian`, built on {@link grad}: one
 * vector-Jacobian product per output element (reverse mode, as PyTorch's default).
 * @packageDocumentation
 */
import { ValueError, isTensor, stack, zeros, type Tensor } from '@kiln/tensor';
import { grad } from './backward.js';

/** Options of {@link jacobian} / {@link hessian}. */
export interface JacobianOptions {
  /** Make the result differentiable (PyTorch's create_graph). */
  createGraph?: boolean;
}

const asList = (x: Tensor | readonly Tensor[]): Tensor[] => (isTensor(x) ? [x as Tensor] : [...(x as readonly Tensor[])]);

/**
 * torch.autograd.functional.jacobian for a function with one output: the Jacobian w.r.t. each
 * input, of shape `[...output.shape, ...input.shape]` (one tensor for one input, else a list).
 */
export function jacobian(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor | readonly Tensor[], options: JacobianOptions = {}): Tensor | Tensor[] {
  const createGraph = options.createGraph ?? false;
  // PyTorch differentiates w.r.t. fresh leaves (or aliases keeping the graph with createGraph)
  const xs = asList(inputs).map((x) => (createGraph && x.requiresGrad ? x.viewAs(x) : x.detach().requiresGrad_()));
  const y = fn(...xs);
  const flat = y.reshape([-1]);
  const n = flat.numel();
  const rows: Tensor[][] = xs.map(() => []);
  for (let k = 0; k < n; k++) {
    const gs = y.requiresGrad
      ? grad(flat.select(0, k), xs, { retainGraph: true, createGraph, allowUnused: true })
      : xs.map(() => null);
    gs.forEach((g, i) => rows[i]!.push(g ?? zeros(xs[i]!.shape, { dtype: xs[i]!.dtype, device: xs[i]!.device })));
  }
  const jac = xs.map((x, i) => (n === 0 ? zeros([...y.shape, ...x.shape], { dtype: x.dtype }) : stack(rows[i]!, 0).reshape([...y.shape, ...x.shape])));
  return isTensor(inputs) ? jac[0]! : jac;
}

/** torch.autograd.functional.hessian of a scalar function (one input: one tensor of shape `[...x.shape, ...x.shape]`). */
export function hessian(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor | readonly Tensor[], options: JacobianOptions = {}): Tensor | Tensor[] {
  const list = asList(inputs);
  const gradFn = (...xs: Tensor[]) => {
    const out = fn(...xs);
    const gs = grad(out, xs, { createGraph: true, allowUnused: true });
    return stack(gs.map((g, i) => (g ?? zeros(xs[i]!.shape, { dtype: xs[i]!.dtype })).reshape([-1])), 0);
  };
  if (list.length !== 1) throw new ValueError('hessian: only one input tensor is supported in Kiln (PyTorch also takes a tuple); pass a single tensor, e.g. concatenate your inputs');
  const j = jacobian(gradFn, list[0]!, options) as Tensor;
  const shape = list[0]!.shape;
  return j.reshape([...shape, ...shape]);
}
