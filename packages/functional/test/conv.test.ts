import { describe } from 'vitest';
import { fixtureTests } from './harness.js';

describe('conv, convTranspose, pooling, fold/unfold (PyTorch fixtures)', () => {
  fixtureTests('conv', { rtol: 2e-4, atol: 5e-5 });
  fixtureTests('conv_edge');
});
