/**
 * Typed errors of @kiln/data. The package has only an optional peer dependency on @kiln/tensor,
 * so it carries its own small error classes; names follow @kiln/tensor's (`ValueError`, …) so a
 * `catch` that checks `err.name` works the same for both packages.
 * @packageDocumentation
 */

/** Base class of every error @kiln/data throws on purpose. */
export class DataError extends Error {
  override name = 'DataError';
}

/** An argument of the wrong kind or value (PyTorch's ValueError / TypeError). */
export class DataValueError extends DataError {
  override name = 'ValueError';
}

/** An index out of range (PyTorch's IndexError). */
export class DataIndexError extends DataError {
  override name = 'IndexError';
}

/**
 * An exception raised while a DataLoader worker fetched or collated a batch. `index` is the
 * dataset index being read when it failed (or `undefined` when the failure was in collation or
 * start-up), `workerId` the worker; the original stack is kept in the message.
 */
export class WorkerError extends DataError {
  override name = 'WorkerError';
  constructor(message: string, readonly workerId: number, readonly index: number | undefined) {
    super(message);
  }
}
