#!/usr/bin/env bash
# Set-up if needed, then the main demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd apps/examples
exec node --conditions=@kiln/source --import tsx src/tensor-demo.ts "$@"
