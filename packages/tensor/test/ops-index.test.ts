import { runFixture } from './ops-harness.js';

// Golden values from PyTorch: tools/fixtures/tensor_ops.py writes fixtures/ops-index.json.
runFixture('ops-index.json');
