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

/** Loads Dawn through the `webgpu` package in Node; installs its globals (GPUBufferUsage …). */
async function nodeGPU(): Promise<GPU> {
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
  return mod.create([]);
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
        "(Debian's chromium package ships it).",
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
