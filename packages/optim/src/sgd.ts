/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay
 * (torch.optim.SGD, PyTorch 1.13 update rule).
 * @packageDocumentation
 */
import { keep, tidy, ValueError, type Tensor } from '@kiln/tensor';
import { fusedKernel } from './fused.js';
import { Optimizer, checkArg, type ParamGroup, type Params } from './optimizer.js';

/** Options of {@link SGD} (PyTorch's keyword arguments, camelCase). */
export interface SGDOptions {
  /** Learning rate (required, as in PyTorch). */
  lr: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Dampening for momentum (default 0). */
  dampening: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

function check(o: SGDOptions): void {
  checkArg(o.lr >= 0, 'SGD', 'learning rate', o.lr, 'lr must be >= 0');
  checkArg(o.momentum >= 0, 'SGD', 'momentum value', o.momentum, 'momentum must be >= 0');
  checkArg(o.weightDecay >= 0, 'SGD', 'weight_decay value', o.weightDecay, 'weightDecay must be >= 0');
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new ValueError(`SGD: Nesterov momentum requires a momentum and zero dampening (got momentum ${o.momentum}, dampening ${o.dampening})`);
  }
}

/**
 * torch.optim.SGD. Per parameter: `d = grad (+ weightDecay * p)`; with momentum
 * `buf = momentum * buf + (1 - dampening) * d` (the first step sets `buf = d`), then `d = buf`
 * (or `d + momentum * buf` with Nesterov); finally `p -= lr * d`.
 *
 * State per parameter: `momentum_buffer` (null while momentum is 0, as in PyTorch).
 * Fused kernel `sgdStep`: tensors `[param, grad, momentumBuffer | undefined]`, attrs = the
 * options; returns the new momentum buffer when it created one.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options }, check);
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (!grad) continue;
      const state = this.stateOf(p);
      const buf = (state.momentum_buffer ?? undefined) as Tensor | undefined;
      const fused = fusedKernel(p, 'sgdStep');
      const attrs = { lr, momentum, dampening, weightDecay, nesterov, maximize };
      const next = fused ? fused([p, grad, buf], attrs) ?? buf : sgdUpdate(p, grad, buf, attrs);
      state.momentum_buffer = next ? keep(next) : null;
    }
  }
}

/** The composed SGD update of one parameter; returns the momentum buffer (if any). */
function sgdUpdate(p: Tensor, grad: Tensor, buf: Tensor | undefined, o: Omit<SGDOptions, never>): Tensor | undefined {
  return tidy(() => {
    let d = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) d = d.add(p, { alpha: o.weightDecay });
    if (o.momentum !== 0) {
      if (!buf) buf = keep(d.clone());
      else buf.mul_(o.momentum).add_(d, { alpha: 1 - o.dampening });
      d = o.nesterov ? d.add(buf, { alpha: o.momentum }) : buf;
    }
    p.add_(d, { alpha: -o.lr });
    return buf;
  });
}
