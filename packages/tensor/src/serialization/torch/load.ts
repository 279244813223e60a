/**
 * Loading PyTorch `.pt` files — what `torch.save(model.state_dict(), "x.pt")` writes in
 * PyTorch ≥ 1.6: a ZIP archive (entries stored uncompressed) holding `<archive>/data.pkl`, a
 * protocol-2 pickle of the state dict whose tensors refer through persistent ids to raw
 * little-endian storages `<archive>/data/<key>`.
 *
 * Security follows `torch.load(weights_only=True)`: the pickle is interpreted by a restricted
 * unpickler that executes nothing and accepts only the globals that rebuild tensors and
 * (ordered) dicts; any other global (`os.system`, `builtins.eval`, a user class, a pickled
 * `nn.Module`) is refused with a SerializationError naming it.
 * @packageDocumentation
 */
import { SerializationError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import type { LoadOptions } from '../safetensors.js';
import { fmtPath, Materializer, type TorchValue } from './materialize.js';
import { TensorRecord, torchHooks } from './torch-globals.js';
import { unpickle } from './unpickle.js';
import { readZip } from './zip.js';

export type { TorchValue } from './materialize.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Unzips and unpickles; calls `finish` with the raw value and a materializer, cleaning up on failure. */
function parse<T>(bytes: Uint8Array | ArrayBuffer, what: string, options: LoadOptions, finish: (raw: unknown, m: Materializer) => T): T {
  const fail = (msg: string): never => {
    throw new SerializationError(`${what}: ${msg}`);
  };
  if (!LITTLE_ENDIAN) fail('reading .pt files needs a little-endian host (every browser and Node platform Kiln targets is).');
  // a plain Uint8Array view even for a Node Buffer, whose slice() would not copy
  const b = bytes instanceof Uint8Array ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
  const zip = readZip(b, what);
  // torch names the archive's top folder after the file ("mlp/data.pkl") or "archive"
  const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1) {
    fail(`expected one "<archive>/data.pkl" entry, found ${pkls.length ? pkls.join(', ') : 'none'}; this ZIP archive was not written by torch.save.`);
  }
  const dir = pkls[0]!.slice(0, -'/data.pkl'.length);
  const order = zip.entries.has(`${dir}/byteorder`) ? new TextDecoder().decode(zip.read(`${dir}/byteorder`)) : 'little';
  if (order !== 'little') fail(`the tensors were saved with byte order "${order}"; Kiln reads little-endian files only. Re-save them on a little-endian machine.`);
  const raw = unpickle(zip.read(pkls[0]!), torchHooks(what), `${what}: ${pkls[0]}`);
  const m = new Materializer(zip, dir, what, options.device);
  try {
    const out = finish(raw, m);
    m.dispose();
    return out;
  } catch (e) {
    m.abandon();
    throw e;
  }
}

/**
 * Reads any `.pt` file's content: tensors inside dicts, lists and tuples, numbers, strings —
 * e.g. an optimizer's `state_dict()` or a checkpoint `{ model, optimizer, epoch }`. Dicts become
 * plain objects (integer keys become strings, and JS lists integer-like keys first, ascending),
 * tuples become arrays, Python ints beyond 2^53 become bigints. Same restrictions and dtype
 * mapping as {@link deserializeTorch}.
 */
export function deserializeTorchObject(bytes: Uint8Array | ArrayBuffer, options: LoadOptions = {}): TorchValue {
  return parse(bytes, 'deserializeTorchObject', options, (raw, m) => m.convert(raw, []));
}

function stateDict(bytes: Uint8Array | ArrayBuffer, what: string, options: LoadOptions): Record<string, Tensor> {
  return parse(bytes, what, options, (raw, m) => {
    if (!(raw instanceof Map)) {
      throw new SerializationError(`${what}: the file holds a ${Array.isArray(raw) ? 'list/tuple' : raw instanceof TensorRecord ? 'single tensor' : typeof raw}, not a state dict; use deserializeTorchObject(bytes) to read it.`);
    }
    for (const [k, v] of raw) {
      if (!(v instanceof TensorRecord)) {
        throw new SerializationError(
          `${what}: entry ${fmtPath([String(k)])} is a ${v instanceof Map ? 'dict' : Array.isArray(v) ? 'list/tuple' : v === null ? 'None' : typeof v}, not a tensor, ` +
            'so this is not a flat state dict (an optimizer state_dict or a checkpoint, maybe); use deserializeTorchObject(bytes) to read nested values.',
        );
      }
    }
    return m.convert(raw, []) as Record<string, Tensor>;
  });
}

/**
 * Reads the bytes of a PyTorch `.pt` state dict — `torch.save(model.state_dict(), path)`,
 * PyTorch ≥ 1.6 — into a record of key → tensor, in the file's order (pass it to
 * `module.loadStateDict`). Synchronous and browser-safe.
 *
 * Semantics of `torch.load(weights_only=True)`: only tensors and (ordered) dicts are rebuilt and no
 * code from the file runs; any other pickled global is refused with a SerializationError naming it.
 * Tensors that shared a storage share one here too, and saved strides (transposes, expands) are
 * kept as views. Every tensor goes to `options.device` (default CPU) whatever device it was saved
 * from, like `map_location`; `requires_grad` is not restored (state dicts hold detached tensors).
 *
 * Dtypes map onto Kiln's four: float32, float64, int32 and bool as they are; int64 (e.g.
 * BatchNorm's `num_batches_tracked`) narrowed to int32 — a SerializationError names the tensor if
 * a value does not fit; uint8/int8/int16 widened to int32; float16/bfloat16 widened to float32
 * (exactly). Other dtypes (complex, quantized) are refused.
 *
 * Files from PyTorch < 1.6 (the legacy non-zip format), compressed or corrupt archives, and files
 * whose values are not all tensors throw SerializationError; use {@link deserializeTorchObject}
 * for nested content such as an optimizer's state dict.
 */
export function deserializeTorch(bytes: Uint8Array | ArrayBuffer, options: LoadOptions = {}): Record<string, Tensor> {
  return stateDict(bytes, 'deserializeTorch', options);
}

/**
 * Reads a PyTorch `.pt` state dict from a file path (Node) or from bytes already in memory (any
 * platform) — see {@link deserializeTorch} for the format, the `torch.load(weights_only=True)`
 * restrictions and the dtype mapping.
 *
 * ```ts
 * const sd = await loadTorch('lenet.pt');   // torch.save(net.state_dict(), 'lenet.pt')
 * net.loadStateDict(sd);
 * ```
 */
export async function loadTorch(pathOrBytes: string | Uint8Array | ArrayBuffer, options: LoadOptions = {}): Promise<Record<string, Tensor>> {
  if (typeof pathOrBytes !== 'string') return stateDict(pathOrBytes, 'loadTorch', options);
  const fs = await import('node:fs/promises');
  const buf = await fs.readFile(pathOrBytes);
  return stateDict(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), `loadTorch: "${pathOrBytes}"`, options);
}
