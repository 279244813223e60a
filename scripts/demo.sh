#!/usr/bin/env bash
# Set-up if needed, then the main demo: the MNIST MLP trained on the bundled digits (about a minute
# on two cores; ≥ 95 % test accuracy), writing a checkpoint and a PNG of predictions to
# apps/examples/out/. Pass options through, e.g. `bash scripts/demo.sh --epochs 3`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd apps/examples
exec node --conditions=@kiln/source --import tsx src/mnist-mlp.ts "$@"
