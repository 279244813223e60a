/**
 * `--device cpu|webgpu` for the examples (PyTorch's `device = torch.device("cuda" if … else "cpu")`).
 * WebGPU needs one async set-up call; when there is no adapter, or the only adapter is SwiftShader
 * (a CPU emulation whose Dawn/Vulkan driver crashes Node at random on some machines, see
 * packages/backend-webgpu/README.md), this throws a DeviceError that says what to do instead.
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
    if (/swiftshader/i.test(`${info?.vendor} ${info?.architecture}`) && !process.env.KILN_ALLOW_SWIFTSHADER) {
      device.destroy();
      throw new DeviceError(
        "--device webgpu: the only WebGPU adapter here is SwiftShader (Vulkan on the CPU), whose Dawn driver crashes Node at random " +
          '(see packages/backend-webgpu/README.md). Use --device cpu, run on a machine with a GPU, or set KILN_ALLOW_SWIFTSHADER=1 to try anyway.',
      );
    }
    return createWebGPUBackend(device);
  });
  await initDevice('webgpu');
  return 'webgpu';
}
