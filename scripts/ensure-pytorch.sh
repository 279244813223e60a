#!/usr/bin/env bash
# Makes sure Debian's PyTorch (python3-torch, PyTorch 1.13) is importable by /usr/bin/python3, with
# OpenBLAS behind it (libopenblas0-pthread: without it Debian's torch falls back to the reference BLAS,
# ~25x slower on a matmul, which would make every ratio against PyTorch meaningless), for
# `pnpm bench` (PyTorch is the peer of the CNN/MLP training-step targets) and for regenerating the
# golden fixtures (tools/fixtures/*.py). Never needed by the test suite (fixtures are committed JSON).
#   - torch importable: prints nothing, exits 0 (idempotent)
#   - missing, root, apt-get available: `apt-get install python3-torch` (~1 GB with its dependencies)
#   - otherwise: says why the bench will run without PyTorch and exits 0 (never fails the caller)
# KILN_BENCH_NO_TORCH=1 skips the check (the bench then compares against TensorFlow.js only).
set -uo pipefail

[ -n "${KILN_BENCH_NO_TORCH:-}" ] && exit 0
have_openblas() { ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 /usr/lib/*/openblas*/libblas.so.3 >/dev/null 2>&1; }
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 && have_openblas && exit 0

skip() {
  echo "[ensure-pytorch] PyTorch is not importable by /usr/bin/python3: $1; the bench runs without it." >&2
  exit 0
}
[ "$(id -u)" = "0" ] || skip "installing it needs root (run: sudo apt-get install python3-torch)"
command -v apt-get >/dev/null 2>&1 || skip "apt-get is not available"

echo "[ensure-pytorch] installing Debian's python3-torch and OpenBLAS with apt-get (once)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || skip "apt-get update failed"
apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread >/dev/null || skip "apt-get install python3-torch libopenblas0-pthread failed"
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || skip "python3-torch installed but import torch still fails"
echo "[ensure-pytorch] $(/usr/bin/python3 -c 'import torch; print("PyTorch", torch.__version__)')"
