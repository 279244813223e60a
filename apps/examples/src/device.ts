/**
 * `--device cpu|webgpu` for the examples (PyTorch's `device = torch.device("cuda" if … else "cpu")`).
 * WebGPU needs one async set-up call; when there is no adapter this throws a DeviceError that says
 * what to do instead. On a machine without a GPU the adapter is SwiftShader (Vulkan on the CPU):
 * it works, but is slower than the CPU backend, and the script says so.
 */
import { DeviceError, initDevice, registerBackend } from '@kiln/tensor';

/** Prepares the device named on the command line and returns its name for `x.to(device)`. */
export async function setupDevice(name: string): Promise<string> {
  if (name === 'cpu') return 'cpu';
  if (name !== 'webgpu') throw new DeviceError(`--device must be 'cpu' or 'webgpu', got '${name}'`);
  const { createWebGPUBackend, requestDevice } = await import('@kiln/backend-webgpu');
  registerBackend('webgpu', async () => {
    const { adapter, device } = await requestDevice(); // throws a clear DeviceError when there is no adapter
    const info = (adapter as { info?: { vendor?: string; architecture?: string } }).info;
    if (/swiftshader/i.test(`${info?.vendor} ${info?.architecture}`)) {
      console.warn('--device webgpu: the WebGPU adapter is SwiftShader (Vulkan emulated on the CPU): correct, but slower than --device cpu.');
    }
    return createWebGPUBackend(device);
  });
  await initDevice('webgpu');
  return 'webgpu';
}
