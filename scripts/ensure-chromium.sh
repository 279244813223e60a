#!/usr/bin/env bash
# Makes sure Debian's `chromium` is installed, for the browser suites (apps/examples/test/browser*.test.ts:
# the browser demo and WebGPU in headless chromium) and for the SwiftShader Vulkan driver that the Node
# WebGPU tests point Dawn at (/usr/lib/chromium/vk_swiftshader_icd.json), plus `libvulkan1`, the Vulkan
# loader through which Dawn (the `webgpu` npm package) reaches that driver in Node.
#   - chromium present: prints nothing, exits 0 (idempotent)
#   - missing, root, apt-get available: `apt-get update` + `apt-get install chromium`
#   - otherwise: prints why the browser suites will be skipped and exits 0 (never fails the set-up)
# KILN_CHROMIUM=/path/to/chromium points the tests at another binary (then this script does nothing).
set -uo pipefail

CHROMIUM="${KILN_CHROMIUM:-/usr/bin/chromium}"

# the Vulkan loader for Dawn in Node (packages/backend-webgpu's Node suites skip, saying why, without it)
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "[ensure-chromium] installing Debian's libvulkan1 (Vulkan loader for WebGPU in Node)"
    (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends libvulkan1 >/dev/null) ||
      echo "[ensure-chromium] apt-get install libvulkan1 failed; the Node WebGPU suites will be skipped" >&2
  else
    echo "[ensure-chromium] libvulkan1 is missing (run: sudo apt-get install libvulkan1); the Node WebGPU suites will be skipped" >&2
  fi
fi

[ -x "$CHROMIUM" ] && exit 0

skip() {
  echo "[ensure-chromium] $CHROMIUM is missing: $1; the browser test suites (apps/examples/test/browser*.test.ts) will be skipped." >&2
  exit 0
}

[ -n "${KILN_CHROMIUM:-}" ] && skip "KILN_CHROMIUM points at a file that is not an executable"
[ "$(id -u)" = "0" ] || skip "installing it needs root (run: sudo apt-get install chromium)"
command -v apt-get >/dev/null 2>&1 || skip "apt-get is not available (install Debian's chromium package by hand)"

echo "[ensure-chromium] installing Debian's chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >/dev/null; then
  skip "apt-get update failed"
fi
if ! apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
  skip "apt-get install chromium failed"
fi
[ -x "$CHROMIUM" ] || skip "apt-get installed chromium but $CHROMIUM is still missing"
echo "[ensure-chromium] $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed"
