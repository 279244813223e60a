/**
 * Adagrad (torch.optim.Adagrad, PyTorch 1.13 update rule).
 * @packageDocumentation
 */
import { fullLike, keep, tidy, type Tensor } from '@kiln/tensor';
import { fusedKernel } from './fused.js';
import { Optimizer, checkArg, type ParamGroup, type ParamState, type Params } from './optimizer.js';

/** Options of {@link Adagrad}. */
export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Learning-rate decay: the step uses `lr / (1 + (t - 1) * lrDecay)` (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

function check(o: AdagradOptions): void {
  checkArg(o.lr >= 0, 'Adagrad', 'learning rate', o.lr, 'lr must be >= 0');
  checkArg(o.lrDecay >= 0, 'Adagrad', 'lr_decay value', o.lrDecay, 'lrDecay must be >= 0');
  checkArg(o.weightDecay >= 0, 'Adagrad', 'weight_decay value', o.weightDecay, 'weightDecay must be >= 0');
  checkArg(o.initialAccumulatorValue >= 0, 'Adagrad', 'initial_accumulator_value value', o.initialAccumulatorValue, 'initialAccumulatorValue must be >= 0');
  checkArg(o.eps >= 0, 'Adagrad', 'epsilon value', o.eps, 'eps must be >= 0');
}

/**
 * torch.optim.Adagrad: `sum += g²`, `p -= lr / (1 + (t-1) lrDecay) · g / (sqrt(sum) + eps)`.
 *
 * State per parameter (created for every parameter at construction, as in PyTorch): `step`
 * (a number) and `sum` (filled with `initialAccumulatorValue`).
 * Fused kernel `adagradStep`: tensors `[param, grad, sum]`, attrs = the options plus `step`.
 *
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.1, lrDecay: 1e-3 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options }, check);
    for (const g of this.paramGroups) for (const p of g.params) this.initState(p, g);
  }

  private initState(p: Tensor, g: AdagradOptions): ParamState {
    const s = this.stateOf(p);
    if (s.step === undefined) {
      s.step = 0;
      s.sum = keep(fullLike(p, g.initialAccumulatorValue));
    }
    return s;
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize, initialAccumulatorValue } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (!grad) continue;
      // Groups added later with addParamGroup get their state here (PyTorch 1.13 fails on them).
      const state = this.initState(p, group);
      const step = (state.step as number) + 1;
      state.step = step;
      const sum = state.sum as Tensor;
      const fused = fusedKernel(p, 'adagradStep');
      if (fused) {
        fused([p, grad, sum], { lr, lrDecay, weightDecay, eps, maximize, initialAccumulatorValue, step });
        continue;
      }
      tidy(() => {
        let g = maximize ? grad.neg() : grad;
        if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
        const clr = lr / (1 + (step - 1) * lrDecay);
        sum.addcmul_(g, g, { value: 1 });
        p.addcdiv_(g, sum.sqrt().add_(eps), { value: -clr });
      });
    }
  }
}
