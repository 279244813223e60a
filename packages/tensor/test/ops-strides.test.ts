import { runFixture } from './ops-harness.js';

// Golden values from PyTorch: tools/fixtures/tensor_ops.py writes fixtures/ops-strides.json
// (inputs that are negative-stride views: Kiln's flip is a view, PyTorch's is a copy).
runFixture('ops-strides.json');
