import { runFixture } from './ops-harness.js';

// Golden values from PyTorch: tools/fixtures/tensor_ops.py writes fixtures/ops-views.json.
runFixture('ops-views.json');
