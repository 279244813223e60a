/**
 * NAdam: Adam with Nesterov momentum (torch.optim.NAdam, PyTorch 1.13 update rule).
 * @packageDocumentation
 */
import { keep, tidy, zerosLike, type Tensor } from '@kiln/tensor';
import { fusedKernel } from './fused.js';
import { Optimizer, checkAdamLike, checkArg, type ParamGroup, type Params } from './optimizer.js';

/** Options of {@link NAdam}. PyTorch 1.13's NAdam has no `maximize`. */
export interface NAdamOptions {
  /** Learning rate (default 2e-3). */
  lr: number;
  /** Coefficients of the running averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum decay ψ of the momentum schedule μ_t = β1 (1 - ½ · 0.96^(t ψ)) (default 4e-3). */
  momentumDecay: number;
}

/**
 * torch.optim.NAdam. With `μ_t = β1 (1 - ½·0.96^(tψ))` and `Π_t = μ_1…μ_t`:
 * `p -= lr (1-μ_t)/(1-Π_t) · g/d + lr μ_{t+1}/(1-Π_t μ_{t+1}) · m/d`, `d = sqrt(v/(1-β2^t)) + eps`.
 *
 * State per parameter: `step` (a number), `mu_product`, `exp_avg`, `exp_avg_sq`. PyTorch 1.13 keeps
 * `mu_product` in a float32 tensor even for float64 parameters; Kiln keeps a number rounded to
 * float32 the same way (`Math.fround`) so trajectories match PyTorch exactly.
 * Fused kernel `nadamStep`: tensors `[param, grad, exp_avg, exp_avg_sq]`, attrs = the options plus
 * `beta1`, `beta2`, `step`, `mu`, `muNext`, `muProduct` (already updated), `muProductNext`.
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: Params<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, ...options }, (o) => {
      checkAdamLike('NAdam', o);
      checkArg(o.momentumDecay >= 0, 'NAdam', 'momentum_decay value', o.momentumDecay, 'momentumDecay must be >= 0');
    });
  }

  protected updateGroup(group: ParamGroup<NAdamOptions>): void {
    const { lr, eps, weightDecay, momentumDecay, betas } = group;
    const [beta1, beta2] = betas;
    const f = Math.fround;
    for (const p of group.params) {
      const grad = p.grad;
      if (!grad) continue;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.mu_product = 1;
        state.exp_avg = keep(zerosLike(p));
        state.exp_avg_sq = keep(zerosLike(p));
      }
      const step = (state.step as number) + 1;
      state.step = step;
      const bc2 = 1 - beta2 ** step;
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
      // float32 arithmetic of PyTorch 1.13's 0-d `mu_product` tensor.
      const muProduct = f((state.mu_product as number) * f(mu));
      const muProductNext = f(f(muProduct * f(mu)) * f(muNext));
      state.mu_product = muProduct;
      const expAvg = state.exp_avg as Tensor;
      const expAvgSq = state.exp_avg_sq as Tensor;
      const fused = fusedKernel(p, 'nadamStep');
      if (fused) {
        fused([p, grad, expAvg, expAvgSq], { lr, betas, beta1, beta2, eps, weightDecay, momentumDecay, step, mu, muNext, muProduct, muProductNext });
        continue;
      }
      tidy(() => {
        const g = weightDecay !== 0 ? grad.add(p, { alpha: weightDecay }) : grad;
        expAvg.mul_(beta1).add_(g, { alpha: 1 - beta1 });
        expAvgSq.mul_(beta2).addcmul_(g, g, { value: 1 - beta2 });
        const denom = expAvgSq.div(bc2).sqrt().add_(eps);
        p.addcdiv_(g, denom, { value: (-lr * (1 - mu)) / (1 - muProduct) });
        p.addcdiv_(expAvg, denom, { value: (-lr * muNext) / (1 - muProductNext) });
      });
    }
  }
}
