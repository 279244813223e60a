import { createCpuBackend } from '../src/index.js';
import { describeBackend } from '../src/testing/index.js';

// The CPU backend must pass the whole suite with no skips.
describeBackend('cpu', () => createCpuBackend());
