/**
 * Whether the Node WebGPU suites run here, and why not.
 *
 * - `KILN_WEBGPU_TESTS=0`: skipped (e.g. to save the ~90 s the conformance suite takes on
 *   SwiftShader with 2 cores).
 * - `KILN_WEBGPU_TESTS=1`: run, and a missing adapter is a failure, not a skip.
 * - unset: run when Dawn (the `webgpu` package) finds an adapter, else skip with its reason.
 *
 * Without a GPU the adapter is Debian chromium's SwiftShader: it needs a Vulkan loader
 * (`apt-get install libvulkan1`, or `LD_LIBRARY_PATH=/usr/lib/chromium` for chromium's own copy)
 * and `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`, which vitest.config.ts sets.
 * The random crashes that once kept these suites opt-in (SIGSEGV/SIGABRT/futex errors after a few
 * dispatch + map cycles) were the Dawn instance being garbage-collected under a live device;
 * src/gpu.ts now holds it (tools/webgpu/FINDINGS.md).
 */
import { requestDevice } from '../src/gpu.js';

async function skipReason(): Promise<string | null> {
  const flag = process.env.KILN_WEBGPU_TESTS;
  if (flag === '0') return 'KILN_WEBGPU_TESTS=0';
  if (flag === '1') return null;
  try {
    // The same path the suites take; the device is dropped, the Dawn instance is cached by gpu.ts.
    const { device } = await requestDevice();
    device.destroy();
    return null;
  } catch (e) {
    return `no WebGPU adapter in Node (${(e as Error).message}); set KILN_WEBGPU_TESTS=1 to make this a failure`;
  }
}

/** Null when the Node WebGPU suites should run; otherwise the reason they are skipped. */
export const WEBGPU_SKIP_REASON: string | null = await skipReason();

if (WEBGPU_SKIP_REASON) console.log(`[backend-webgpu] skipped: ${WEBGPU_SKIP_REASON}`);
