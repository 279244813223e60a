import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  arange, createCpuBackend, deserialize, load, registerBackend, save, serialize, serializeAsync, SerializationError, SyncReadError,
  tensor, type Backend, type DType, type NestedArray, type Tensor,
} from '../src/index.js';
import { metadataOf } from '../src/serialization/safetensors.js';

const FIX = join(__dirname, 'fixtures', 'safetensors');
const bin = (name: string) => new Uint8Array(readFileSync(join(FIX, name)));
const json = (name: string) => JSON.parse(readFileSync(join(FIX, name), 'utf8'));

type Json = number | boolean | string | Json[];
const decode = (v: Json): NestedArray =>
  Array.isArray(v) ? v.map(decode) : v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number | boolean);

/** A Kiln tensor from a fixture description (torch's int64 → int32, f16/bf16 values already widened). */
function fromFixture(d: { dtype: string; shape: number[]; values: Json }): Tensor {
  const dtype: DType = d.dtype === 'float64' ? 'float64' : d.dtype === 'bool' ? 'bool' : d.dtype.startsWith('float') || d.dtype === 'bfloat16' ? 'float32' : 'int32';
  return tensor(decode(d.values), { dtype }).reshape(d.shape);
}

/** Checks a loaded tensor against a fixture: dtype, shape and values (NaN-aware, -0 preserved). */
function expectMatches(t: Tensor, d: { dtype: string; shape: number[]; values: Json }): void {
  const want = fromFixture(d);
  expect(t.dtype).toBe(want.dtype);
  expect(t.shape).toEqual(d.shape);
  expect(Array.from(t.dataSync())).toEqual(Array.from(want.dataSync()));
}

/** Builds safetensors bytes by hand (for corrupt-file tests). */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), raw?: string): Uint8Array {
  const js = new TextEncoder().encode(raw ?? JSON.stringify(header));
  const out = new Uint8Array(8 + js.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(js.length), true);
  out.set(js, 8);
  out.set(data, 8 + js.length);
  return out;
}

describe('safetensors: interop with PyTorch', () => {
  it('reads a file written from torch tensors: every dtype, 0-d, empty, NaN/Inf, non-contiguous source', () => {
    const fx = json('torch_mixed.json');
    const bytes = bin('torch_mixed.safetensors');
    const loaded = deserialize(bytes);
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(fx.tensors).sort());
    for (const [name, d] of Object.entries(fx.tensors)) expectMatches(loaded[name]!, d as never);
    expect(metadataOf(bytes)).toEqual(fx.metadata);
    // widening/narrowing rules
    expect(loaded.i64!.dtype).toBe('int32');
    expect(loaded.u8!.dtype).toBe('int32');
    expect(loaded.f16!.dtype).toBe('float32');
    expect(loaded.bf16!.dtype).toBe('float32');
  });

  it('writes byte-for-byte what the reference writer produces (order, header JSON, padding, data)', () => {
    const fx = json('kiln_expected.json');
    const record: Record<string, Tensor> = {};
    for (const [name, d] of Object.entries(fx.tensors)) record[name] = fromFixture(d as never);
    // a transposed view must be written contiguous
    record.weight = record.weight!.t().contiguous().t();
    expect(record.weight.isContiguous()).toBe(false);
    const ours = serialize(record, fx.metadata);
    const expected = bin('kiln_expected.safetensors');
    expect(new TextDecoder().decode(ours.subarray(0, 400))).toBe(new TextDecoder().decode(expected.subarray(0, 400)));
    expect(Buffer.from(ours).equals(Buffer.from(expected))).toBe(true);
  });

  it('narrowing I64 that does not fit in int32 fails naming the tensor', () => {
    expect(() => deserialize(bin('i64_overflow.safetensors'))).toThrow(SerializationError);
    expect(() => deserialize(bin('i64_overflow.safetensors'))).toThrow(/tensor "big".*2147483648.*int32/);
  });
});

describe('safetensors: round trips', () => {
  it('all dtypes, views, 0-d and empty tensors survive serialize → deserialize', () => {
    const base = arange(24, { dtype: 'float32' }).reshape(2, 3, 4);
    const rec: Record<string, Tensor> = {
      permuted: base.permute(2, 0, 1),
      flipped: base.flip(1),
      strided: base.slice(2, 0, null, 2),
      expanded: tensor([1, 2], { dtype: 'float64' }).unsqueeze(0).expand(3, 2),
      ints: tensor([[-1, 2], [3, 2147483647]], { dtype: 'int32' }).t(),
      mask: tensor([true, false, true]),
      zeroD: tensor(-0.5, { dtype: 'float64' }),
      empty: tensor([], { dtype: 'int32' }).reshape(0, 4),
    };
    const back = deserialize(serialize(rec, { a: 'b' }));
    for (const [k, t] of Object.entries(rec)) {
      expect(back[k]!.dtype).toBe(t.dtype);
      expect(back[k]!.shape).toEqual(t.shape);
      expect(back[k]!.isContiguous()).toBe(true);
      expect(back[k]!.tolist()).toEqual(t.tolist());
    }
  });

  it('an empty record is a valid 16-byte file; the header is padded to 8 bytes', () => {
    const bytes = serialize({});
    expect(bytes.length).toBe(16);
    expect(new TextDecoder().decode(bytes.subarray(8))).toBe('{}      ');
    expect(deserialize(bytes)).toEqual({});
    const one = serialize({ x: tensor([1]) });
    const n = Number(new DataView(one.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
  });

  it('deserialized tensors do not alias the input bytes', () => {
    const bytes = serialize({ x: tensor([1, 2, 3], { dtype: 'float32' }) });
    const { x } = deserialize(bytes);
    bytes.fill(0, 8);
    expect(x!.tolist()).toEqual([1, 2, 3]);
  });

  it('accepts an ArrayBuffer and an unaligned Uint8Array view', () => {
    const bytes = serialize({ x: tensor([1.5, 2.5], { dtype: 'float64' }) });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(deserialize(shifted.subarray(3)).x!.tolist()).toEqual([1.5, 2.5]);
    expect(deserialize(bytes.slice().buffer).x!.tolist()).toEqual([1.5, 2.5]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'kiln-st-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('save(record, path) / load(path) and load(bytes) through the file system', async () => {
    const path = join(dir, 'model.safetensors');
    const w = tensor([[1, 2], [3, 4]], { dtype: 'float32' });
    await save({ w, n: tensor(3, { dtype: 'int32' }) }, path, { metadata: { format: 'pt' } });
    const fromFile = await load(path);
    expect(fromFile.w!.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(fromFile.n!.item()).toBe(3);
    expect(metadataOf(readFileSync(path))).toEqual({ format: 'pt' });
    const fromBytes = await load(new Uint8Array(readFileSync(path)));
    expect(fromBytes.w!.tolist()).toEqual([[1, 2], [3, 4]]);
  });

  it('serialize rejects non-tensors, the reserved name, non-string metadata and disposed tensors', () => {
    expect(() => serialize({ x: [1, 2] as unknown as Tensor })).toThrow(/value "x" is not a Tensor/);
    expect(() => serialize({ __metadata__: tensor([1]) })).toThrow(/reserved/);
    expect(() => serialize({ x: tensor([1]) }, { epoch: 3 as unknown as string })).toThrow(/metadata "epoch" must be a string/);
    const d = tensor([1]);
    d.dispose();
    expect(() => serialize({ d })).toThrow(/serialize: this tensor .* was disposed/);
  });
});

describe('safetensors on a device without synchronous reads', () => {
  const b: Backend = { ...createCpuBackend(), name: 'stasync', capabilities: { dtypes: ['float32', 'float64', 'int32', 'bool'], readSync: false, zeroCopy: false } };
  delete (b as { readSync?: unknown }).readSync;
  registerBackend('stasync', b);

  it('serialize() throws SyncReadError naming the async forms; serializeAsync() and deserialize({ device }) work', async () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float32', device: 'stasync' });
    expect(() => serialize({ x })).toThrow(SyncReadError);
    expect(() => serialize({ x })).toThrow(/tensor "x" is on device 'stasync:0'.*`await serializeAsync\(record\)`/);
    const bytes = await serializeAsync({ x: x.t() });
    const back = deserialize(bytes, { device: 'stasync' });
    expect(back.x!.device.toString()).toBe('stasync:0');
    expect(await back.x!.tolistAsync()).toEqual([[1, 3], [2, 4]]);
    const cpu = deserialize(bytes);
    expect(cpu.x!.tolist()).toEqual([[1, 3], [2, 4]]);
  });
});

describe('safetensors: corrupt and truncated files', () => {
  const good = serialize({ a: tensor([1, 2], { dtype: 'float32' }), b: tensor([3], { dtype: 'int32' }) });
  const f32 = (n: number) => new Uint8Array(4 * n);
  const cases: [string, Uint8Array, RegExp][] = [
    ['shorter than 8 bytes', good.subarray(0, 5), /5 bytes long, shorter than the 8-byte header length/],
    ['header length beyond the file', good.subarray(0, 20), /header claims \d+ bytes but only 12 follow/],
    ['invalid JSON', build(null, new Uint8Array(0), '{"a": {'), /not valid UTF-8 JSON/],
    ['header not an object', build([1, 2]), /must be a JSON object/],
    ['missing key', build({ a: { dtype: 'F32', shape: [2] } }, f32(2)), /tensor "a" is missing the "data_offsets" key/],
    ['unknown dtype', build({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor "a" has unknown or unsupported dtype "C64"/],
    ['bad shape', build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), /shape must be an array of non-negative integers/],
    ['offsets not matching shape × dtype', build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(2)), /span 8 bytes, but shape \[3\] of F32 needs 12/],
    ['reversed offsets', build({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1)), /0 <= begin <= end/],
    ['overlapping tensors', build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(3)), /tensor "b".*overlap/],
    ['gap between tensors', build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)), /leave a gap/],
    ['offsets past the data', build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1)), /run past the 4-byte data section/],
    ['trailing garbage', build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(2)), /4 trailing bytes/],
    ['truncated data', good.subarray(0, good.length - 1), /run past|trailing/],
    ['metadata not strings', build({ __metadata__: { n: 1 } }), /"__metadata__"."n" must be a string/],
  ];
  for (const [what, bytes, msg] of cases) {
    it(what, () => {
      expect(() => deserialize(bytes)).toThrow(SerializationError);
      expect(() => deserialize(bytes)).toThrow(msg);
    });
  }

  it('load() rejects a corrupt file the same way', async () => {
    await expect(load(good.subarray(0, 3))).rejects.toThrow(SerializationError);
  });
});

describe('deserialize from a Node Buffer', () => {
  it('decodes a Buffer that is a view into a larger pool (fs.readFileSync / Buffer.from)', async () => {
    const { serialize: ser, deserialize: de, tensor: mk } = await import('../src/index.js');
    const bytes = ser({ x: mk([1.5, 2.5, 3.5]) });
    const pool = Buffer.alloc(bytes.length + 100);
    Buffer.from(bytes).copy(pool, 37);
    const view = pool.subarray(37, 37 + bytes.length);
    expect(de(view).x!.tolist()).toEqual([1.5, 2.5, 3.5]);
  });
});
