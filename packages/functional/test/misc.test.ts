import { describe } from 'vitest';
import { fixtureTests } from './harness.js';

describe('misc (PyTorch fixtures)', () => {
  fixtureTests('misc');
});
