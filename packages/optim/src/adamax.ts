/**
 * Adamax: Adam with the infinity norm (torch.optim.Adamax, PyTorch 1.13 update rule).
 * @packageDocumentation
 */
import { keep, tidy, zerosLike, type Tensor } from '@kiln/tensor';
import { fusedKernel } from './fused.js';
import { Optimizer, checkAdamLike, type ParamGroup, type Params } from './optimizer.js';

/** Options of {@link Adamax}. */
export interface AdamaxOptions {
  /** Learning rate (default 2e-3). */
  lr: number;
  /** Coefficients of the running average and of the infinity norm (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to |g| for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/**
 * torch.optim.Adamax: `m = β1 m + (1-β1) g`, `u = max(β2 u, |g| + eps)`,
 * `p -= lr / (1-β1^t) · m / u`.
 *
 * State per parameter: `step` (a number), `exp_avg`, `exp_inf`.
 * Fused kernel `adamaxStep`: tensors `[param, grad, exp_avg, exp_inf]`, attrs = the options plus
 * `beta1`, `beta2`, `step`.
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: Params<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, ...options }, (o) => checkAdamLike('Adamax', o));
  }

  protected updateGroup(group: ParamGroup<AdamaxOptions>): void {
    const { lr, eps, weightDecay, maximize, betas } = group;
    const [beta1, beta2] = betas;
    for (const p of group.params) {
      const grad = p.grad;
      if (!grad) continue;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.exp_avg = keep(zerosLike(p));
        state.exp_inf = keep(zerosLike(p));
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const expAvg = state.exp_avg as Tensor;
      const expInf = state.exp_inf as Tensor;
      const fused = fusedKernel(p, 'adamaxStep');
      if (fused) {
        fused([p, grad, expAvg, expInf], { lr, betas, beta1, beta2, eps, weightDecay, maximize, step });
        continue;
      }
      tidy(() => {
        let g = maximize ? grad.neg() : grad;
        if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
        expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
        // PyTorch takes amax over stack([β2 u, |g| + eps]); elementwise maximum is the same (NaN included).
        expInf.mul_(beta2);
        expInf.copy_(expInf.maximum(g.abs().add_(eps)));
        p.addcdiv_(expAvg, expInf, { value: -(lr / (1 - beta1 ** step)) });
      });
    }
  }
}
