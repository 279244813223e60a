/**
 * Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_), in place on `.grad`.
 * @packageDocumentation
 */
import { KilnError, noGrad, stack, tensor, type Tensor } from '@kiln/tensor';

/** Parameters as PyTorch accepts them: one tensor or an iterable (e.g. `model.parameters()`). */
export type ParamsLike = Tensor | Iterable<Tensor>;

function gradsOf(parameters: ParamsLike): Tensor[] {
  const ps = 'isTensor' in (parameters as object) ? [parameters as Tensor] : [...(parameters as Iterable<Tensor>)];
  return ps.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/**
 * Scales all gradients together so that their combined `normType`-norm is at most `maxNorm`;
 * returns the total norm before clipping (a 0-d tensor), as PyTorch does.
 */
export function clipGradNorm_(parameters: ParamsLike, maxNorm: number, options: { normType?: number; errorIfNonfinite?: boolean } = {}): Tensor {
  const normType = options.normType ?? 2;
  const grads = gradsOf(parameters);
  if (grads.length === 0) return tensor(0.0, { dtype: 'float32' });
  return noGrad(() => {
    const norms = grads.map((g) => (normType === Infinity ? g.detach().abs().max() : g.detach().norm(normType)));
    const total = normType === Infinity ? (norms.length === 1 ? norms[0]! : stack(norms).max()) : stack(norms).norm(normType);
    if (options.errorIfNonfinite && !Number.isFinite(Number(total.item()))) {
      throw new KilnError(
        `The total norm of order ${normType === Infinity ? 'inf' : `${normType}.0`} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
          'To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`',
      );
    }
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp({ max: 1 });
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/** Clamps every gradient element into `[-clipValue, clipValue]` in place. */
export function clipGradValue_(parameters: ParamsLike, clipValue: number): void {
  noGrad(() => {
    for (const g of gradsOf(parameters)) g.clamp_(-clipValue, clipValue);
  });
}
