/**
 * Whether the WebGPU suites run here, and why not. Dawn (the `webgpu` package) with Debian
 * chromium's SwiftShader finds an adapter on this CI machine, but the driver crashes the process
 * at random after a few dispatch+map cycles (SIGSEGV/SIGABRT inside SwiftShader; reproduced with a
 * 30-line plain-JS probe, tools/webgpu/dawn-swiftshader-probe.mjs). Until that is fixed upstream or
 * the browser path replaces it, the suites run only when KILN_WEBGPU_TESTS=1 (e.g. on a machine
 * with a real GPU).
 */
export const WEBGPU_SKIP_REASON =
  process.env.KILN_WEBGPU_TESTS === '1'
    ? null
    : 'WebGPU suites are opt-in (KILN_WEBGPU_TESTS=1): Dawn + SwiftShader crashes intermittently on this CI machine (see test/gpu-available.ts)';

if (WEBGPU_SKIP_REASON) console.log(`[backend-webgpu] skipped: ${WEBGPU_SKIP_REASON}`);
