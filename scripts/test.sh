#!/usr/bin/env bash
# The whole test suite: set-up if needed, every package's vitest suite through turbo,
# then one summary line for the whole run ("kiln: N passed, N failed, N skipped").
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
rm -f packages/*/test-results.json apps/*/test-results.json
pnpm exec turbo run test --concurrency=1 --continue --output-logs=full
status=$?
node scripts/summarize-tests.mjs || status=1
exit $status
