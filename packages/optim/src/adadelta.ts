/**
 * Adadelta (torch.optim.Adadelta, PyTorch 1.13 update rule).
 * @packageDocumentation
 */
import { keep, tidy, zerosLike, type Tensor } from '@kiln/tensor';
import { fusedKernel } from './fused.js';
import { Optimizer, checkArg, type ParamGroup, type Params } from './optimizer.js';

/** Options of {@link Adadelta}. */
export interface AdadeltaOptions {
  /** Scale applied to the update (default 1.0). */
  lr: number;
  /** Decay of the running averages (default 0.9). */
  rho: number;
  /** Added inside the square roots for numerical stability (default 1e-6). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

function check(o: AdadeltaOptions): void {
  checkArg(o.lr >= 0, 'Adadelta', 'learning rate', o.lr, 'lr must be >= 0');
  checkArg(o.rho >= 0 && o.rho <= 1, 'Adadelta', 'rho value', o.rho, 'rho must be in [0, 1]');
  checkArg(o.eps >= 0, 'Adadelta', 'epsilon value', o.eps, 'eps must be >= 0');
  checkArg(o.weightDecay >= 0, 'Adadelta', 'weight_decay value', o.weightDecay, 'weightDecay must be >= 0');
}

/**
 * torch.optim.Adadelta: `v = ρ v + (1-ρ) g²`, `δ = sqrt(u + eps) / sqrt(v + eps) · g`,
 * `u = ρ u + (1-ρ) δ²`, `p -= lr · δ`.
 *
 * State per parameter: `step` (a number), `square_avg`, `acc_delta`.
 * Fused kernel `adadeltaStep`: tensors `[param, grad, square_avg, acc_delta]`, attrs = the options plus `step`.
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Params<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(params, { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...options }, check);
  }

  protected updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (!grad) continue;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.square_avg = keep(zerosLike(p));
        state.acc_delta = keep(zerosLike(p));
      }
      state.step = (state.step as number) + 1;
      const squareAvg = state.square_avg as Tensor;
      const accDelta = state.acc_delta as Tensor;
      const fused = fusedKernel(p, 'adadeltaStep');
      if (fused) {
        fused([p, grad, squareAvg, accDelta], { lr, rho, eps, weightDecay, maximize, step: state.step });
        continue;
      }
      tidy(() => {
        let g = maximize ? grad.neg() : grad;
        if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
        squareAvg.mul_(rho).addcmul_(g, g, { value: 1 - rho });
        const std = squareAvg.add(eps).sqrt_();
        const delta = accDelta.add(eps).sqrt_().div_(std).mul_(g);
        accDelta.mul_(rho).addcmul_(delta, delta, { value: 1 - rho });
        p.add_(delta, { alpha: -lr });
      });
    }
  }
}
