/**
 * Tensor (de)serialization in the safetensors format (https://github.com/huggingface/safetensors):
 * an 8-byte little-endian header length, a JSON header
 * `{"__metadata__": {...}, name: {dtype, shape, data_offsets: [begin, end]}}` padded with spaces to
 * 8 bytes, then the raw little-endian data of every tensor.
 *
 * `serialize`/`deserialize` are synchronous and browser-safe; `save`/`load` add Node file I/O
 * through a dynamic `import('node:fs/promises')`, so browser bundles never pull in `node:fs`.
 *
 * Writing produces byte-for-byte what the reference implementation (`safetensors.torch.save_file`)
 * writes for the same tensors: tensors ordered by descending dtype alignment, then by name; the
 * compact JSON header with `__metadata__` first. Metadata keys are written sorted (the reference
 * implementation keeps them in a hash map, so its order is unspecified).
 *
 * Reading maps file dtypes onto Kiln's four: F32/F64/I32/BOOL exactly; I64 narrowed to int32
 * (SerializationError naming the tensor if a value does not fit); U8/I8/I16 widened to int32;
 * F16/BF16 widened to float32 (Kiln has no half dtype on the CPU; the widening is exact).
 * @packageDocumentation
 */
import type { DeviceLike } from '../device.js';
import type { DType, TypedArray } from '../dtype.js';
import { SerializationError, SyncReadError, fmtShape } from '../errors.js';
import { fromHost } from '../ops/creation.js';
import { read } from '../read.js';
import { numelOf } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { decodeData, FILE_DTYPES, WRITE_DTYPE } from './safetensors-dtypes.js';

/** The reference implementation refuses headers above 100 MB; so do we (a corrupt length would otherwise allocate wildly). */
const MAX_HEADER = 100_000_000;

/** Options of {@link deserialize} and {@link load}. */
export interface LoadOptions {
  /** Device to place the tensors on (default `cpu`). */
  device?: DeviceLike;
}

/** Options of {@link save}. */
export interface SaveOptions {
  /** String → string metadata stored under `__metadata__` (e.g. `{ format: 'pt' }`). */
  metadata?: Record<string, string>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkRecord(op: string, record: Record<string, Tensor>, metadata?: Record<string, string>): [string, Tensor][] {
  if (!LITTLE_ENDIAN) throw new SerializationError(`${op}: safetensors I/O needs a little-endian host (every browser and Node platform Kiln targets is).`);
  if (record === null || typeof record !== 'object') throw new SerializationError(`${op}: expected a record of name → Tensor, got ${record === null ? 'null' : typeof record}`);
  const entries = Object.entries(record);
  for (const [name, t] of entries) {
    if (!isTensor(t)) throw new SerializationError(`${op}: value "${name}" is not a Tensor (got ${t === null ? 'null' : typeof t}); a safetensors file holds tensors only.`);
    if (name === '__metadata__') throw new SerializationError(`${op}: "__metadata__" is reserved for metadata; rename that tensor.`);
    t.assertAlive(op);
  }
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (typeof v !== 'string') throw new SerializationError(`${op}: metadata "${k}" must be a string (got ${typeof v}); safetensors metadata is string → string, so JSON.stringify it first.`);
  }
  return entries;
}

const utf8 = new TextEncoder();

/** Byte-wise comparison of UTF-8 encoded names: the order Rust's `String::cmp` gives. */
function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Builds the file from tensors whose contiguous data was already read. */
function encode(entries: [string, Tensor][], datas: TypedArray[], metadata?: Record<string, string>): Uint8Array {
  const items = entries.map(([name, t], i) => ({ name, t, data: datas[i]!, w: WRITE_DTYPE[t.dtype] }));
  items.sort((p, q) => q.w.rank - p.w.rank || compareUtf8(p.name, q.name));
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => compareUtf8(a, b)));
  let offset = 0;
  for (const it of items) {
    const n = it.data.byteLength;
    header[it.name] = { dtype: it.w.name, shape: it.t.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  const json = utf8.encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let pos = 8 + padded;
  for (const it of items) {
    out.set(new Uint8Array(it.data.buffer, it.data.byteOffset, it.data.byteLength), pos);
    pos += it.data.byteLength;
  }
  return out;
}

/**
 * Serializes tensors (any views; they are written contiguous) into safetensors bytes. Synchronous,
 * so every tensor must be on a device with synchronous reads (CPU); use {@link serializeAsync} or
 * {@link save} for other devices.
 */
export function serialize(record: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const entries = checkRecord('serialize', record, metadata);
  for (const [name, t] of entries) {
    if (!t.storage.backend.readSync) {
      throw new SyncReadError(`serialize: tensor "${name}" is on device '${t.device}', which cannot be read synchronously; use \`await serializeAsync(record)\` or \`await save(record, path)\` instead.`);
    }
  }
  return encode(entries, entries.map(([, t]) => t.dataSync()), metadata);
}

/** {@link serialize} for tensors on any device (reads them with one batched asynchronous `read`). */
export async function serializeAsync(record: Record<string, Tensor>, metadata?: Record<string, string>): Promise<Uint8Array> {
  const entries = checkRecord('serializeAsync', record, metadata);
  return encode(entries, await read(entries.map(([, t]) => t)), metadata);
}

interface Entry { name: string; dtype: string; shape: number[]; begin: number; end: number }

function fail(msg: string): never {
  throw new SerializationError(`deserialize: ${msg}`);
}

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parses and validates the header; returns the entries and where the data starts. */
function parseHeader(bytes: Uint8Array): { entries: Entry[]; dataStart: number; metadata: Record<string, string> } {
  if (bytes.length < 8) fail(`the data is ${bytes.length} bytes long, shorter than the 8-byte header length of a safetensors file (truncated or not safetensors).`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(bytes.length - 8)) fail(`the header claims ${n64} bytes but only ${bytes.length - 8} follow the length field (truncated or not safetensors).`);
  const n = Number(n64);
  if (n > MAX_HEADER) fail(`the header is ${n} bytes, above the ${MAX_HEADER}-byte limit of the format.`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`the ${n}-byte header is not valid UTF-8 JSON (${(e as Error).message}); the file is corrupt or not safetensors.`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('the header must be a JSON object of name → {dtype, shape, data_offsets}.');
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) fail('"__metadata__" must be an object of string values.');
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`"__metadata__"."${k}" must be a string, got ${JSON.stringify(v)}.`);
        metadata[k] = v;
      }
      continue;
    }
    if (info === null || typeof info !== 'object') fail(`tensor "${name}": expected {dtype, shape, data_offsets}, got ${JSON.stringify(info)}.`);
    const { dtype, shape, data_offsets: off } = info as Record<string, unknown>;
    for (const [key, v] of [['dtype', dtype], ['shape', shape], ['data_offsets', off]] as const) {
      if (v === undefined) fail(`tensor "${name}" is missing the "${key}" key.`);
    }
    if (typeof dtype !== 'string') fail(`tensor "${name}": dtype must be a string, got ${JSON.stringify(dtype)}.`);
    if (!FILE_DTYPES[dtype]) fail(`tensor "${name}" has unknown or unsupported dtype "${dtype}"; Kiln reads ${Object.keys(FILE_DTYPES).join(', ')}.`);
    if (!Array.isArray(shape) || !shape.every(isUint)) fail(`tensor "${name}": shape must be an array of non-negative integers, got ${JSON.stringify(shape)}.`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every(isUint) || off[0]! > off[1]!) {
      fail(`tensor "${name}": data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(off)}.`);
    }
    const [begin, end] = off as [number, number];
    const expected = numelOf(shape) * FILE_DTYPES[dtype]!.size;
    if (end - begin !== expected) {
      fail(`tensor "${name}": data_offsets [${begin}, ${end}] span ${end - begin} bytes, but shape ${fmtShape(shape)} of ${dtype} needs ${expected}.`);
    }
    entries.push({ name, dtype, shape, begin, end });
  }
  // The format requires the tensors to tile the data buffer exactly: no gaps, overlaps or trailing bytes.
  const dataLen = bytes.length - 8 - n;
  let pos = 0;
  for (const e of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (e.begin < pos) fail(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] overlap the previous tensor (which ends at ${pos}).`);
    if (e.begin > pos) fail(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] leave a gap after byte ${pos}; tensors must be packed back to back.`);
    if (e.end > dataLen) fail(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] run past the ${dataLen}-byte data section (truncated file).`);
    pos = e.end;
  }
  if (pos !== dataLen) fail(`the data section is ${dataLen} bytes but the tensors cover ${pos}; ${dataLen - pos} trailing bytes (corrupt file or appended garbage).`);
  return { entries, dataStart: 8 + n, metadata };
}

/**
 * Reads safetensors bytes into a record of tensors, in the order the header lists them. Validates
 * the header and every tensor's extent (SerializationError naming the problem).
 */
export function deserialize(bytes: Uint8Array | ArrayBuffer, options: LoadOptions = {}): Record<string, Tensor> {
  // a plain Uint8Array view: Node's Buffer#slice does not copy, so `raw.buffer` below would be the
  // whole (pooled) buffer and decoding would read the wrong bytes
  const b = bytes instanceof Uint8Array ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
  const { entries, dataStart } = parseHeader(b);
  const out: Record<string, Tensor> = {};
  for (const e of entries) {
    const raw = b.slice(dataStart + e.begin, dataStart + e.end); // a copy: aligned, and independent of the caller's buffer
    const { data, dtype } = decodeData(e.name, e.dtype, raw);
    out[e.name] = fromHost(data, dtype as DType, e.shape, options.device);
  }
  return out;
}

/** The `__metadata__` of safetensors bytes (empty when absent). */
export function metadataOf(bytes: Uint8Array | ArrayBuffer): Record<string, string> {
  return parseHeader(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).metadata;
}

/** Writes tensors to a `.safetensors` file (Node). Works for tensors on any device. */
export async function save(record: Record<string, Tensor>, path: string, options: SaveOptions = {}): Promise<void> {
  const bytes = await serializeAsync(record, options.metadata);
  const fs = await import('node:fs/promises');
  await fs.writeFile(path, bytes);
}

/** Reads a `.safetensors` file (Node) — or bytes already in memory (any platform) — into tensors. */
export async function load(pathOrBytes: string | Uint8Array | ArrayBuffer, options: LoadOptions = {}): Promise<Record<string, Tensor>> {
  if (typeof pathOrBytes !== 'string') return deserialize(pathOrBytes, options);
  const fs = await import('node:fs/promises');
  const buf = await fs.readFile(pathOrBytes);
  return deserialize(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), options);
}
