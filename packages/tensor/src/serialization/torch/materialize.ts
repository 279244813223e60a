/**
 * Turns the unpickled records of a `.pt` file into Kiln values: each storage entry
 * (`<archive>/data/<key>`) is decoded once into a 1-D Kiln tensor, and every tensor is a strided
 * view of it — so tensors that shared a storage in PyTorch share one in Kiln too, and
 * non-contiguous strides (a saved `x.t()`, an `expand`) come back as the same views.
 *
 * Dtypes: float32/float64/int32/bool as-is; int64 narrowed to int32 (checked on the elements each
 * tensor views, so an out-of-range value names its tensor); uint8/int8/int16 widened to int32;
 * float16/bfloat16 widened to float32 (exact).
 * @packageDocumentation
 */
import type { DeviceLike } from '../../device.js';
import type { DType, TypedArray } from '../../dtype.js';
import { SerializationError, fmtShape } from '../../errors.js';
import { fromHost } from '../../ops/creation.js';
import { numelOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { decodeData, FILE_DTYPES } from '../safetensors-dtypes.js';
import { StorageRef, StorageType, TensorRecord } from './torch-globals.js';
import type { ZipArchive } from './zip.js';

/** A value read from a `.pt` file: tensors inside plain JSON-like containers (tuples become arrays, dict keys strings). */
export type TorchValue = Tensor | number | bigint | string | boolean | null | Uint8Array | TorchValue[] | { [key: string]: TorchValue };

const MAX_DEPTH = 100;

interface LoadedStorage {
  base: Tensor;
  /** For int64 storages: the raw data as 32-bit words (low, high), to range-check each view. */
  words?: Int32Array;
}

/** Materializes records read from one archive; `dispose()` drops the 1-D base tensors (views keep their storage). */
export class Materializer {
  private readonly storages = new Map<string, LoadedStorage>();
  private readonly views: Tensor[] = [];
  private readonly converted = new Map<unknown, TorchValue>();

  constructor(private readonly zip: ZipArchive, private readonly dir: string, private readonly what: string, private readonly device?: DeviceLike) {}

  private fail(msg: string): never {
    throw new SerializationError(`${this.what}: ${msg}`);
  }

  /** Converts an unpickled value (Maps, arrays, records, primitives) into a {@link TorchValue}. */
  convert(v: unknown, path: string[]): TorchValue {
    // memo references can make a container contain itself; the limit also keeps the recursion shallow
    if (path.length > MAX_DEPTH) this.fail(`values nest deeper than ${MAX_DEPTH} levels at ${fmtPath(path.slice(0, 3))}… (or a container contains itself); a state dict is only a few levels deep.`);
    // An object the pickle references twice is converted once and shared, as in Python — which also
    // keeps a pickle of doubly-referenced nested lists from blowing up exponentially.
    const known = this.converted.get(v);
    if (known !== undefined) return known;
    const out = this.convertNew(v, path);
    if (typeof v === 'object' && v !== null) this.converted.set(v, out);
    return out;
  }

  private convertNew(v: unknown, path: string[]): TorchValue {
    if (v instanceof TensorRecord) return this.tensor(v, path);
    if (v instanceof Map) {
      const out: { [key: string]: TorchValue } = {};
      for (const [k, x] of v) {
        if (typeof k !== 'string' && typeof k !== 'number') this.fail(`the dict at ${fmtPath(path)} has a ${typeof k} key; only string and integer keys are supported.`);
        // defineProperty: a key named "__proto__" must stay an ordinary key
        Object.defineProperty(out, String(k), { value: this.convert(x, [...path, String(k)]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    if (Array.isArray(v)) return v.map((x, i) => this.convert(x, [...path, String(i)]));
    if (v === null || ['number', 'bigint', 'string', 'boolean'].includes(typeof v) || v instanceof Uint8Array) return v as TorchValue;
    const kind = v instanceof StorageRef || v instanceof StorageType ? 'a bare storage' : 'a Python class or function';
    return this.fail(`the value at ${fmtPath(path)} is ${kind}, not data; only tensors inside dicts/lists/tuples are loadable.`);
  }

  /** Drops the base tensors of every storage (the returned views keep the storages alive). */
  dispose(): void {
    for (const s of this.storages.values()) s.base.dispose();
    this.storages.clear();
  }

  /** Disposes everything made so far: used when loading fails half-way. */
  abandon(): void {
    for (const t of this.views) t.dispose();
    this.dispose();
  }

  private tensor(r: TensorRecord, path: string[]): Tensor {
    const s = this.storage(r.storage, path);
    const n = r.storage.numel;
    if (numelOf(r.size) > 0) {
      let lo = r.offset;
      let hi = r.offset;
      r.size.forEach((len, d) => {
        const span = (len - 1) * r.stride[d]!;
        if (span > 0) hi += span;
        else lo += span;
      });
      if (lo < 0 || hi >= n) {
        this.fail(`tensor ${fmtPath(path)} (size ${fmtShape(r.size)}, stride ${fmtShape(r.stride)}, offset ${r.offset}) reaches element ${lo < 0 ? lo : hi} of a ${n}-element storage (corrupt file).`);
      }
    }
    if (s.words) checkInt32Range(s.words, r, (i, v) => this.fail(`tensor ${fmtPath(path)} is int64 and its element ${i} (${v}) does not fit in int32, Kiln's integer dtype; convert it in PyTorch (.int() after checking the range, or .double()) before saving.`));
    const t = s.base.asStrided(r.size, r.stride, r.offset);
    this.views.push(t);
    return t;
  }

  private storage(ref: StorageRef, path: string[]): LoadedStorage {
    const cached = this.storages.get(ref.key);
    if (cached) return cached;
    const entry = `${this.dir}/data/${ref.key}`;
    if (!this.zip.entries.has(entry)) this.fail(`tensor ${fmtPath(path)} refers to storage "${ref.key}", but the archive has no entry "${entry}" (corrupt file).`);
    const code = ref.type.code;
    const bytes = ref.numel * FILE_DTYPES[code]!.size;
    const raw = this.zip.read(entry);
    if (raw.length !== bytes) {
      this.fail(`entry "${entry}" holds ${raw.length} bytes, but tensor ${fmtPath(path)} declares a torch.${ref.type.name} of ${ref.numel} elements (${bytes} bytes) (corrupt file).`);
    }
    const copy = raw.slice(); // aligned, and independent of the caller's buffer
    let data: TypedArray;
    let dtype: DType;
    let words: Int32Array | undefined;
    if (code === 'I64') {
      // Keep the low words; each view checks that the high words are mere sign extension.
      words = new Int32Array(copy.buffer);
      data = new Int32Array(ref.numel);
      for (let i = 0; i < ref.numel; i++) data[i] = words[2 * i]!;
      dtype = 'int32';
    } else {
      ({ data, dtype } = decodeData(ref.key, code, copy));
    }
    const loaded: LoadedStorage = { base: fromHost(data, dtype, [ref.numel], this.device), ...(words ? { words } : {}) };
    this.storages.set(ref.key, loaded);
    return loaded;
  }
}

/** Calls `bad(index, value)` for the first element of the int64 view `r` outside the int32 range. */
function checkInt32Range(words: Int32Array, r: TensorRecord, bad: (index: number, value: bigint) => void): void {
  const n = numelOf(r.size);
  const idx = r.size.map(() => 0);
  let o = r.offset;
  for (let k = 0; k < n; k++) {
    const lo = words[2 * o]!;
    const hi = words[2 * o + 1]!;
    if (hi !== lo >> 31) return bad(k, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
    // advance the multi-index (last dim fastest)
    for (let d = r.size.length - 1; d >= 0; d--) {
      o += r.stride[d]!;
      if (++idx[d]! < r.size[d]!) break;
      o -= r.stride[d]! * r.size[d]!;
      idx[d] = 0;
    }
  }
}

/** `"fc.weight"` for a top-level key, `["state"]["0"]["exp_avg"]` for nested ones. */
export function fmtPath(path: string[]): string {
  if (path.length === 0) return 'the top level';
  return path.length === 1 ? JSON.stringify(path[0]) : path.map((p) => `[${JSON.stringify(p)}]`).join('');
}
