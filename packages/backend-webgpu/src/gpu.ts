/**
 * Finding a WebGPU adapter: `navigator.gpu` in browsers, the `webgpu` npm package (Dawn) in Node.
 * The device is requested with the adapter's real limits so large buffers and dispatches work.
 * @packageDocumentation
 */
import { DeviceError } from '@kiln/tensor';

/** What `initDevice('webgpu')` can be told. */
export interface WebGPUOptions {
  /** 'high-performance' (default) or 'low-power'. */
  powerPreference?: GPUPowerPreference;
  /** Use this GPU object instead of `navigator.gpu` / the `webgpu` package (tests, embedding). */
  gpu?: GPU;
}

/**
 * The one Dawn `GPU` object of this process (Node only). It must stay reachable for as long as any
 * adapter or device made from it is used: dawn.node ties the native Dawn instance to this JS object,
 * and once the garbage collector finalizes it the instance is freed while the device still polls it
 * (`InstanceBase::ProcessEvents` on freed memory). That is what crashed Node at random after a few
 * dispatch + mapAsync cycles (SIGSEGV, SIGABRT, "The futex facility returned an unexpected error
 * code", `__pthread_tpp_change_priority` assertions) — see tools/webgpu/FINDINGS.md. Holding it in
 * module scope (and creating it once, not once per `requestDevice`) makes Dawn + SwiftShader stable;
 * it does not keep the process alive on its own.
 */
let nodeGpu: Promise<GPU> | undefined;

/** Loads Dawn through the `webgpu` package in Node once; installs its globals (GPUBufferUsage …). */
function nodeGPU(): Promise<GPU> {
  nodeGpu ??= createNodeGPU().catch((e: unknown) => {
    // A failed load may be fixed (package installed, env set) before the next attempt.
    nodeGpu = undefined;
    throw e;
  });
  return nodeGpu;
}

async function createNodeGPU(): Promise<GPU> {
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    mod = (await import(/* @vite-ignore */ 'webgpu' as string)) as typeof mod;
  } catch (e) {
    throw new DeviceError(
      "initDevice('webgpu'): no navigator.gpu here and the 'webgpu' package (Dawn for Node) could not be loaded: " +
        `${(e as Error).message}. Install it with \`pnpm add webgpu\`, or run in a browser with WebGPU enabled.`,
    );
  }
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  await useSwiftShaderWhenNoVulkanDriver();
  return mod.create([]);
}

/** Debian chromium's SwiftShader Vulkan driver (a CPU implementation of Vulkan). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * On a Linux machine with no Vulkan driver installed at all (no GPU, a CI container) but with
 * Debian's chromium, points the Vulkan loader at chromium's SwiftShader, so `initDevice('webgpu')`
 * works without the user knowing about VK_ICD_FILENAMES. Machines with a real driver (any ICD in
 * the standard directories) and an explicit VK_ICD_FILENAMES are left alone. It must run before
 * Dawn creates its Vulkan instance, which reads the variable once.
 */
async function useSwiftShaderWhenNoVulkanDriver(): Promise<void> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined>; platform?: string } }).process;
  if (env?.platform !== 'linux' || !env.env || env.env.VK_ICD_FILENAMES || env.env.VK_DRIVER_FILES) return;
  try {
    const fs = await import(/* @vite-ignore */ 'node:fs' as string) as typeof import('node:fs');
    const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
    const hasDriver = dirs.some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.endsWith('.json')));
    if (!hasDriver && fs.existsSync(SWIFTSHADER_ICD)) env.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  } catch {
    // no node:fs (not Node): nothing to do
  }
}

/** Requests an adapter and a device with the adapter's limits. */
export async function requestDevice(options: WebGPUOptions = {}): Promise<{ adapter: GPUAdapter; device: GPUDevice }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  const gpu = options.gpu ?? nav?.gpu ?? (await nodeGPU());
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new DeviceError(
      "initDevice('webgpu'): no WebGPU adapter was found. In a browser, enable WebGPU (Chrome: --enable-unsafe-webgpu); " +
        'in Node without a GPU, point Vulkan at SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json ' +
        "(Debian's chromium package ships it), with a Vulkan loader installed (`apt-get install libvulkan1`, or " +
        "LD_LIBRARY_PATH=/usr/lib/chromium for chromium's own libvulkan.so.1). Mesa's lavapipe (Debian 12) is rejected by Dawn.",
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage'] as const) {
    const v = adapter.limits[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  const device = await adapter.requestDevice({ requiredLimits });
  return { adapter, device };
}
