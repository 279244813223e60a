import { describe } from 'vitest';
import { fixtureTests } from './harness.js';

describe('activations, softmax, linear (PyTorch fixtures)', () => {
  fixtureTests('activations');
});
