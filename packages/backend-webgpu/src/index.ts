/**
 * @kiln/backend-webgpu — Kiln's WebGPU backend for browsers and Node (through the `webgpu`
 * package, Dawn). `registerWebGPU()` registers the device type; `await initDevice('webgpu')`
 * finds the adapter; then `x.to('webgpu')` and `tensor(data, { device: 'webgpu' })` work.
 * @packageDocumentation
 */
import { initDevice, registerBackend, type Device } from '@kiln/tensor';
import { createWebGPUBackend } from './backend.js';
import { requestDevice, type WebGPUOptions } from './gpu.js';

export { createWebGPUBackend, GpuHandle } from './backend.js';
export { GpuRuntime } from './runtime.js';
export { requestDevice } from './gpu.js';
export type { WebGPUOptions } from './gpu.js';

/** Registers the `webgpu` device type (idempotent); the adapter is requested by `initDevice`. */
export function registerWebGPU(options: WebGPUOptions = {}): void {
  registerBackend('webgpu', async () => createWebGPUBackend((await requestDevice(options)).device));
}

/** `registerWebGPU(options)` + `await initDevice('webgpu')`. */
export async function initWebGPU(options: WebGPUOptions = {}): Promise<Device> {
  registerWebGPU(options);
  return initDevice('webgpu');
}
