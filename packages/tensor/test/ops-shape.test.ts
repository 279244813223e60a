import { runFixture } from './ops-harness.js';

// Golden values from PyTorch: tools/fixtures/tensor_ops.py writes fixtures/ops-shape.json.
runFixture('ops-shape.json');
