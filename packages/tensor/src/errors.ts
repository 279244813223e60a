/**
 * Typed errors. Every message names the op, the shapes/dtypes/devices involved and what to do,
 * so that a user can fix the call without reading Kiln's source.
 * @packageDocumentation
 */

/** Base class of every error Kiln throws on purpose. */
export class KilnError extends Error {
  override name = 'KilnError';
}

/** Shapes that do not fit together (broadcasting, matmul, reshape, cat …). PyTorch raises RuntimeError. */
export class ShapeError extends KilnError {
  override name = 'ShapeError';
}

/** A dtype an op does not support, or one that cannot be promoted/cast as asked. */
export class DTypeError extends KilnError {
  override name = 'DTypeError';
}

/** Tensors on different devices, an unknown device, or a backend that cannot do what was asked. */
export class DeviceError extends KilnError {
  override name = 'DeviceError';
}

/** An index or dim out of range (PyTorch's IndexError). */
export class IndexError extends KilnError {
  override name = 'IndexError';
}

/** An argument of the wrong kind or value (PyTorch's ValueError / TypeError). */
export class ValueError extends KilnError {
  override name = 'ValueError';
}

/** Reading or using a tensor after `dispose()`. */
export class DisposedError extends KilnError {
  override name = 'DisposedError';
}

/** A synchronous read on a device that can only read asynchronously; the message names the async form. */
export class SyncReadError extends KilnError {
  override name = 'SyncReadError';
}

/** An autograd misuse (PyTorch's RuntimeError in torch.autograd); message wording follows PyTorch. */
export class AutogradError extends KilnError {
  override name = 'AutogradError';
}

/** A corrupt, truncated or unsupported serialized file. */
export class SerializationError extends KilnError {
  override name = 'SerializationError';
}

/** Formats a shape the way PyTorch prints it: `[2, 3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
