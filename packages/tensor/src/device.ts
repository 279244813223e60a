/**
 * Devices and the backend registry. `cpu` is always registered; other backends register
 * themselves (e.g. `@kiln/backend-webgpu`) and are initialised once with `await initDevice(type)`.
 * @packageDocumentation
 */
import { CONTRACT_VERSION, type Backend } from './backend/backend.js';
import { createCpuBackend } from './backend/cpu/cpu-backend.js';
import { withCpuFallback, type PartialBackend } from './backend/cpu-fallback.js';
import { DeviceError } from './errors.js';

/** A device: its backend type and index, printed as PyTorch prints it (`cpu`, `webgpu:0`). */
export class Device {
  constructor(public readonly type: string, public readonly index = 0) {}
  /** `cpu` for the CPU, `type:index` otherwise (PyTorch prints `cuda:0`). */
  toString(): string {
    return this.type === 'cpu' ? 'cpu' : `${this.type}:${this.index}`;
  }
  /** True when both name the same device. */
  equals(o: Device): boolean {
    return this.type === o.type && this.index === o.index;
  }
}

/** What users may pass where a device is expected. */
export type DeviceLike = Device | string;

interface Entry {
  backend: Backend | null;
  init?: () => Promise<PartialBackend>;
}

const registry = new Map<string, Entry>();
const devices = new Map<string, Device>();

/** Checks the contract version, then fills missing compute primitives with the CPU fallback. */
function checkContract(type: string, b: PartialBackend): Backend {
  if (b.contractVersion !== CONTRACT_VERSION) {
    throw new DeviceError(
      `registerBackend('${type}'): backend '${b.name}' implements Backend contract v${b.contractVersion}, ` +
        `but this @kiln/tensor expects v${CONTRACT_VERSION}. Upgrade the backend package (or @kiln/tensor) so both match.`,
    );
  }
  return withCpuFallback(b);
}

/**
 * Registers a backend under a device type. Pass a ready backend, or an async initialiser that
 * `initDevice(type)` will call once (used for WebGPU, whose adapter is found asynchronously).
 * Compute primitives the backend leaves out run on the CPU, with a one-time warning each
 * (see {@link withCpuFallback}).
 */
export function registerBackend(type: string, backend: PartialBackend | (() => Promise<PartialBackend>)): void {
  if (typeof backend === 'function') registry.set(type, { backend: null, init: backend });
  else registry.set(type, { backend: checkContract(type, backend) });
}

/** Initialises a registered device type (idempotent); the only async set-up in Kiln. */
export async function initDevice(type: string): Promise<Device> {
  const e = registry.get(type);
  if (!e) {
    throw new DeviceError(
      `initDevice('${type}'): no backend is registered for '${type}'. Registered: ${[...registry.keys()].join(', ')}. ` +
        (type === 'webgpu' ? "Install and import '@kiln/backend-webgpu' first." : 'Register one with registerBackend().'),
    );
  }
  if (!e.backend && e.init) e.backend = checkContract(type, await e.init());
  return getDevice(type);
}

/** True when a backend for `type` is registered and initialised. */
export function isDeviceAvailable(type: string): boolean {
  return !!registry.get(type)?.backend;
}

/** The canonical Device object for a device-like value. */
export function getDevice(d: DeviceLike = 'cpu'): Device {
  if (d instanceof Device) return d;
  const [type = 'cpu', idx] = String(d).split(':');
  const index = idx === undefined ? 0 : Number(idx);
  if (!Number.isInteger(index) || index < 0) throw new DeviceError(`Invalid device string: '${d}'`);
  const key = `${type}:${index}`;
  let dev = devices.get(key);
  if (!dev) {
    dev = new Device(type, index);
    devices.set(key, dev);
  }
  return dev;
}

/** The backend of a device; DeviceError when it is unknown or not initialised yet. */
export function backendOf(device: Device): Backend {
  const e = registry.get(device.type);
  if (!e) {
    throw new DeviceError(
      `Unknown device '${device}'. Registered device types: ${[...registry.keys()].join(', ')}. ` +
        (device.type === 'webgpu' ? "Import '@kiln/backend-webgpu' and `await initDevice('webgpu')`." : ''),
    );
  }
  if (!e.backend) {
    throw new DeviceError(`Device '${device}' is registered but not initialised: call \`await initDevice('${device.type}')\` first.`);
  }
  return e.backend;
}

/** All registered device types. */
export function registeredDeviceTypes(): string[] {
  return [...registry.keys()];
}

registerBackend('cpu', createCpuBackend());
