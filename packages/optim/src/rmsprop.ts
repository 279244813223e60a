/**
 * RMSprop (torch.optim.RMSprop, PyTorch 1.13 update rule), with centering and momentum.
 * @packageDocumentation
 */
import { keep, tidy, zerosLike, type Tensor } from '@kiln/tensor';
import { fusedKernel } from './fused.js';
import { Optimizer, checkArg, type ParamGroup, type Params } from './optimizer.js';

/** Options of {@link RMSprop}. */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalize by the estimated variance of the gradient instead of its second moment (default false). */
  centered: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

function check(o: RMSpropOptions): void {
  checkArg(o.lr >= 0, 'RMSprop', 'learning rate', o.lr, 'lr must be >= 0');
  checkArg(o.eps >= 0, 'RMSprop', 'epsilon value', o.eps, 'eps must be >= 0');
  checkArg(o.momentum >= 0, 'RMSprop', 'momentum value', o.momentum, 'momentum must be >= 0');
  checkArg(o.weightDecay >= 0, 'RMSprop', 'weight_decay value', o.weightDecay, 'weightDecay must be >= 0');
  checkArg(o.alpha >= 0, 'RMSprop', 'alpha value', o.alpha, 'alpha must be >= 0');
}

/**
 * torch.optim.RMSprop: `v = α v + (1-α) g²`; centered: `avg = sqrt(v - ḡ²)` with
 * `ḡ = α ḡ + (1-α) g`, else `avg = sqrt(v)`; `avg += eps`; with momentum
 * `buf = momentum · buf + g / avg`, `p -= lr · buf`, else `p -= lr · g / avg`.
 *
 * State per parameter: `step` (a number), `square_avg`, `momentum_buffer` (momentum > 0),
 * `grad_avg` (centered).
 * Fused kernel `rmspropStep`: tensors `[param, grad, square_avg, momentum_buffer | undefined,
 * grad_avg | undefined]`, attrs = the options plus `step`.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options }, check);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (!grad) continue;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.square_avg = keep(zerosLike(p));
        if (momentum > 0) state.momentum_buffer = keep(zerosLike(p));
        if (centered) state.grad_avg = keep(zerosLike(p));
      }
      state.step = (state.step as number) + 1;
      const squareAvg = state.square_avg as Tensor;
      const buf = state.momentum_buffer as Tensor | undefined;
      const gradAvg = state.grad_avg as Tensor | undefined;
      const fused = fusedKernel(p, 'rmspropStep');
      if (fused) {
        fused([p, grad, squareAvg, buf, gradAvg], { lr, alpha, eps, weightDecay, momentum, centered, maximize, step: state.step });
        continue;
      }
      tidy(() => {
        let g = maximize ? grad.neg() : grad;
        if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
        squareAvg.mul_(alpha).addcmul_(g, g, { value: 1 - alpha });
        let avg: Tensor;
        if (centered && gradAvg) {
          gradAvg.mul_(alpha).add_(g, { alpha: 1 - alpha });
          avg = squareAvg.addcmul(gradAvg, gradAvg, { value: -1 }).sqrt_();
        } else {
          avg = squareAvg.sqrt();
        }
        avg.add_(eps);
        if (momentum > 0 && buf) {
          buf.mul_(momentum).addcdiv_(g, avg);
          p.add_(buf, { alpha: -lr });
        } else {
          p.addcdiv_(g, avg, { value: -lr });
        }
      });
    }
  }
}
