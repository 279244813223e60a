/**
 * Gradient of the batched `matmul` primitive (batch dims already broadcast by expand views,
 * whose own rule sums the gradient back): dA = G · Bᵀ, dB = Aᵀ · G.
 * @packageDocumentation
 */
import { defineGrad } from './registry.js';

defineGrad('matmul', {
  name: (_a, i) => (i[0]!.shape.length === 2 ? 'MmBackward0' : 'BmmBackward0'),
  saveInputs: (needs) => [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])],
  backward: (g, c) => [c.needs[0] ? g.matmul(c.input(1).mT) : null, c.needs[1] ? c.input(0).mT.matmul(g) : null],
});
