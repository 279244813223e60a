/**
 * parametersToVector / vectorToParameters (torch.nn.utils.parameters_to_vector and inverse).
 * @packageDocumentation
 */
import { ValueError, cat, noGrad, type Tensor } from '@kiln/tensor';

/** All parameters flattened and concatenated into one 1-D tensor (differentiable, like PyTorch). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  return cat([...parameters].map((p) => p.reshape([-1])));
}

/**
 * Copies consecutive slices of `vec` into the parameters, in order. PyTorch swaps each `param.data`;
 * Kiln copies the values in place, which keeps the Parameter objects (and optimizer state) intact.
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (vec.ndim !== 1) throw new ValueError(`expected torch.Tensor, but got: a ${vec.ndim}-D tensor (vec must be 1-D)`);
  const ps = [...parameters];
  const total = ps.reduce((n, p) => n + p.numel(), 0);
  if (total !== vec.numel()) throw new ValueError(`vectorToParameters: vec has ${vec.numel()} elements but the parameters hold ${total}`);
  noGrad(() => {
    let offset = 0;
    for (const p of ps) {
      const n = p.numel();
      p.copy_(vec.narrow(0, offset, n).reshape(p.shape));
      offset += n;
    }
  });
}
