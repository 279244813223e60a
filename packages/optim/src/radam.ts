/**
 * RAdam: rectified Adam (torch.optim.RAdam, PyTorch 1.13 update rule).
 * @packageDocumentation
 */
import { keep, tidy, zerosLike, type Tensor } from '@kiln/tensor';
import { fusedKernel } from './fused.js';
import { Optimizer, checkAdamLike, type ParamGroup, type Params } from './optimizer.js';

/** Options of {@link RAdam}. PyTorch 1.13's RAdam has no `maximize`. */
export interface RAdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Coefficients of the running averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
}

/**
 * torch.optim.RAdam: Adam's moments; while the variance estimate is untrustworthy
 * (`ρ_t <= 5`) it takes an SGD-with-momentum step `p -= lr · m̂`, afterwards the rectified
 * adaptive step `p -= lr · m̂ · r_t · sqrt(1-β2^t) / (sqrt(v) + eps)`.
 *
 * State per parameter: `step` (a number), `exp_avg`, `exp_avg_sq`.
 * Fused kernel `radamStep`: tensors `[param, grad, exp_avg, exp_avg_sq]`, attrs = the options plus
 * `beta1`, `beta2`, `step`.
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: Params<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, ...options }, (o) => checkAdamLike('RAdam', o));
  }

  protected updateGroup(group: ParamGroup<RAdamOptions>): void {
    const { lr, eps, weightDecay, betas } = group;
    const [beta1, beta2] = betas;
    for (const p of group.params) {
      const grad = p.grad;
      if (!grad) continue;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.exp_avg = keep(zerosLike(p));
        state.exp_avg_sq = keep(zerosLike(p));
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const expAvg = state.exp_avg as Tensor;
      const expAvgSq = state.exp_avg_sq as Tensor;
      const fused = fusedKernel(p, 'radamStep');
      if (fused) {
        fused([p, grad, expAvg, expAvgSq], { lr, betas, beta1, beta2, eps, weightDecay, step });
        continue;
      }
      tidy(() => {
        const g = weightDecay !== 0 ? grad.add(p, { alpha: weightDecay }) : grad;
        const bc1 = 1 - beta1 ** step;
        const bc2 = 1 - beta2 ** step;
        expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
        expAvgSq.mul_(beta2).addcmul_(g, g, { value: 1 - beta2 });
        const corrected = expAvg.div(bc1);
        const rhoInf = 2 / (1 - beta2) - 1;
        const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
        if (rhoT > 5) {
          const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
          const adaptive = expAvgSq.sqrt().add_(eps).reciprocal().mul_(Math.sqrt(bc2));
          p.add_(corrected.mul(lr).mul(adaptive).mul(rect), { alpha: -1 });
        } else {
          p.add_(corrected.mul(lr), { alpha: -1 });
        }
      });
    }
  }
}
