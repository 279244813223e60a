import { runFixture } from './ops-harness.js';

// Golden values from PyTorch: tools/fixtures/tensor_ops.py writes fixtures/ops-functions.json
// (the torch.* function forms, the Tensor properties T/mT and a few aliases).
runFixture('ops-functions.json');
