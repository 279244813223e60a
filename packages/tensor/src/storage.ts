/**
 * Storage: a reference-counted backend buffer shared by a tensor and all of its views, with the
 * version counter that in-place ops bump and autograd checks.
 * @packageDocumentation
 */
import type { Backend, Handle } from './backend/backend.js';
import type { Device } from './device.js';
import type { DType } from './dtype.js';
import { itemSize } from './dtype.js';

const live = { storages: 0, bytes: new Map<string, number>() };

/** A backend buffer plus bookkeeping. Views hold references; the last release frees the buffer. */
export class Storage {
  /** Incremented by every in-place write (autograd's saved-tensor check). */
  version = 0;
  private refs = 0;
  private freed = false;
  readonly bytes: number;

  constructor(
    public readonly backend: Backend,
    public readonly device: Device,
    public readonly handle: Handle,
    public readonly dtype: DType,
    public readonly numel: number,
  ) {
    this.bytes = numel * itemSize(dtype);
    live.storages++;
    const k = device.toString();
    live.bytes.set(k, (live.bytes.get(k) ?? 0) + this.bytes);
  }

  /** True once the buffer was returned to the backend. */
  get isFreed(): boolean {
    return this.freed;
  }

  /** Adds a reference (a tensor or view that uses this storage). */
  retain(): void {
    this.refs++;
  }

  /** Drops a reference; frees the buffer when none is left. */
  release(): void {
    if (this.freed) return;
    if (--this.refs > 0) return;
    this.freed = true;
    this.backend.release(this.handle);
    live.storages--;
    const k = this.device.toString();
    live.bytes.set(k, (live.bytes.get(k) ?? 0) - this.bytes);
  }
}

/** Live storage counts and bytes per device (used by `memory()`). */
export function storageStats(): { storages: number; bytesPerDevice: Record<string, number> } {
  return { storages: live.storages, bytesPerDevice: Object.fromEntries(live.bytes) };
}
