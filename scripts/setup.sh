#!/usr/bin/env bash
# One-time (idempotent) set-up on a fresh machine that has only Node 20 + npm:
# installs pnpm if missing, then the workspace's dependencies from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

PNPM_VERSION=10.34.8
if ! command -v pnpm >/dev/null 2>&1; then
  echo "[setup] installing pnpm@${PNPM_VERSION} with npm"
  npm install -g "pnpm@${PNPM_VERSION}" >/dev/null 2>&1 || {
    echo "[setup] npm -g failed; trying corepack"
    corepack enable && corepack prepare "pnpm@${PNPM_VERSION}" --activate
  }
fi

if [ ! -d node_modules ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  echo "[setup] installing workspace dependencies"
  pnpm install --frozen-lockfile --reporter=append-only
fi

# Debian chromium for the browser suites (browser demo, WebGPU in headless chromium); skips with a
# printed reason where it cannot be installed.
bash scripts/ensure-chromium.sh
