/**
 * AdamW: Adam with decoupled weight decay (torch.optim.AdamW, PyTorch 1.13 update rule).
 * @packageDocumentation
 */
import { adamStep, type AdamOptions } from './adam.js';
import { Optimizer, checkAdamLike, type ParamGroup, type Params } from './optimizer.js';

/**
 * torch.optim.AdamW: first `p *= 1 - lr * weightDecay`, then Adam's update without L2 decay.
 * Same options as {@link Adam} except that `weightDecay` defaults to 1e-2.
 *
 * State per parameter: `step`, `exp_avg`, `exp_avg_sq` (+ `max_exp_avg_sq` with AMSGrad).
 * Fused kernel `adamwStep`: same tensors and attrs as Adam's `adamStep`.
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options }, (o) =>
      checkAdamLike('AdamW', o),
    );
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    for (const p of group.params) {
      const grad = p.grad;
      if (grad) adamStep(p, grad, this.stateOf(p), group, true);
    }
  }
}
