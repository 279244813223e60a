import { describe } from 'vitest';
import { fixtureTests } from './harness.js';

describe('loss (PyTorch fixtures)', () => {
  fixtureTests('loss');
});
