import { runFixture } from './ops-harness.js';

// Arguments PyTorch rejects (recorded from PyTorch by tools/fixtures/tensor_ops.py into
// fixtures/ops-errors.json): Kiln must throw the typed error each case names.
// The wording of the messages is checked in errors.test.ts.
runFixture('ops-errors.json');
