/**
 * Adam (torch.optim.Adam, PyTorch 1.13 update rule), with AMSGrad, L2 weight decay and maximize.
 * @packageDocumentation
 */
import { keep, tidy, zerosLike, type Tensor } from '@kiln/tensor';
import { fusedKernel } from './fused.js';
import { Optimizer, checkAdamLike, type ParamGroup, type ParamState, type Params } from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Coefficients of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 1e-2). */
  weightDecay: number;
  /** Use the AMSGrad variant (default false). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/**
 * One Adam/AdamW step for one parameter (state `step`, `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`
 * created on first use). `decoupled` selects AdamW's decay `p *= 1 - lr * weightDecay`.
 * @internal
 */
export function adamStep(p: Tensor, grad: Tensor, state: ParamState, o: AdamOptions, decoupled: boolean): void {
  if (state.step === undefined) {
    state.step = 0;
    state.exp_avg = keep(zerosLike(p));
    state.exp_avg_sq = keep(zerosLike(p));
    if (o.amsgrad) state.max_exp_avg_sq = keep(zerosLike(p));
  }
  const step = (state.step as number) + 1;
  state.step = step;
  const expAvg = state.exp_avg as Tensor;
  const expAvgSq = state.exp_avg_sq as Tensor;
  const maxSq = state.max_exp_avg_sq as Tensor | undefined;
  const [beta1, beta2] = o.betas;
  const fused = fusedKernel(p, decoupled ? 'adamwStep' : 'adamStep');
  if (fused) {
    const { lr, eps, weightDecay, amsgrad, maximize } = o;
    fused([p, grad, expAvg, expAvgSq, maxSq], { lr, betas: o.betas, beta1, beta2, eps, weightDecay, amsgrad, maximize, step });
    return;
  }
  tidy(() => {
    let g = o.maximize ? grad.neg() : grad;
    if (decoupled) p.mul_(1 - o.lr * o.weightDecay);
    else if (o.weightDecay !== 0) g = g.add(p, { alpha: o.weightDecay });
    expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
    expAvgSq.mul_(beta2).addcmul_(g, g, { value: 1 - beta2 });
    // Bias corrections are host doubles, as PyTorch computes them in Python.
    const stepSize = o.lr / (1 - beta1 ** step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    let second = expAvgSq;
    if (o.amsgrad && maxSq) second = maxSq.copy_(maxSq.maximum(expAvgSq));
    const denom = second.sqrt().div(bc2Sqrt).add_(o.eps);
    p.addcdiv_(expAvg, denom, { value: -stepSize });
  });
}

/**
 * torch.optim.Adam: `m = β1 m + (1-β1) g`, `v = β2 v + (1-β2) g²`,
 * `p -= lr / (1-β1^t) · m / (sqrt(v) / sqrt(1-β2^t) + eps)` (AMSGrad uses the running max of v).
 * Weight decay is L2 (added to the gradient); for decoupled decay use {@link AdamW}.
 *
 * State per parameter: `step` (a number; PyTorch 1.13 keeps a 0-d float32 tensor), `exp_avg`,
 * `exp_avg_sq`, and `max_exp_avg_sq` with AMSGrad.
 * Fused kernel `adamStep`: tensors `[param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq | undefined]`,
 * attrs = the options plus `beta1`, `beta2`, `step`.
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.99] });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options }, (o) =>
      checkAdamLike('Adam', o),
    );
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    for (const p of group.params) {
      const grad = p.grad;
      if (grad) adamStep(p, grad, this.stateOf(p), group, false);
    }
  }
}
