import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  deserializeTorch, deserializeTorchObject, loadTorch, memory, SerializationError, tensor, type DType, type NestedArray, type Tensor, type TorchValue,
} from '../src/index.js';
import { unpickle, type PickleHooks } from '../src/serialization/torch/unpickle.js';
import { crc32 } from '../src/serialization/torch/zip.js';

// Fixtures written by tools/fixtures/torch_pt_state_dicts.py with PyTorch 1.13.
const FIX = join(__dirname, 'fixtures', 'pt');
const path = (name: string) => join(FIX, name);
const bin = (name: string) => new Uint8Array(readFileSync(path(name)));
const json = (name: string) => JSON.parse(readFileSync(path(name), 'utf8'));

type Json = number | boolean | string | Json[];
interface Described { dtype: string; shape: number[]; values: Json }
const decode = (v: Json): NestedArray =>
  Array.isArray(v) ? v.map(decode) : v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number | boolean);

/** The Kiln dtype a torch dtype loads as. */
function kilnDtype(torchDtype: string): DType {
  if (torchDtype === 'float32' || torchDtype === 'float64' || torchDtype === 'bool') return torchDtype;
  return torchDtype === 'float16' || torchDtype === 'bfloat16' ? 'float32' : 'int32';
}

/** Checks a loaded tensor against a fixture description: dtype, shape and every value (NaN-aware, -0 kept). */
function expectMatches(t: Tensor, d: Described): void {
  const dtype = kilnDtype(d.dtype);
  const want = tensor(decode(d.values), { dtype }).reshape(d.shape);
  expect(t.dtype).toBe(dtype);
  expect(t.shape).toEqual(d.shape);
  expect(Array.from(t.contiguous().dataSync())).toEqual(Array.from(want.dataSync()));
}

function expectAllMatch(loaded: Record<string, Tensor>, fx: Record<string, Described>): void {
  expect(Object.keys(loaded)).toEqual(Object.keys(fx)); // the file's order
  for (const [k, d] of Object.entries(fx)) expectMatches(loaded[k]!, d);
}

/** Runs `f` and returns the SerializationError it throws. */
function errorOf(f: () => unknown): SerializationError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SerializationError);
    return e as SerializationError;
  }
  throw new Error('expected a SerializationError');
}

describe('loadTorch: state dicts saved by torch.save', () => {
  it('loads a small MLP from a path, in the file order, with every value', async () => {
    const sd = await loadTorch(path('mlp.pt'));
    expect(Object.keys(sd)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expectAllMatch(sd, json('mlp.json').tensors);
  });

  it('accepts bytes and ArrayBuffers, and deserializeTorch is the synchronous form', async () => {
    const b = bin('mlp.pt');
    const fx = json('mlp.json').tensors;
    expectAllMatch(await loadTorch(b), fx);
    expectAllMatch(await loadTorch(b.slice().buffer), fx);
    expectAllMatch(deserializeTorch(b), fx);
    // a Node Buffer viewing a larger pool at an odd offset (Buffer#slice shares memory)
    expectAllMatch(deserializeTorch(Buffer.concat([Buffer.alloc(3), b]).subarray(3)), fx);
  });

  it('loads BatchNorm buffers, including the int64 0-d num_batches_tracked (as int32)', () => {
    const sd = deserializeTorch(bin('batchnorm.pt'));
    expectAllMatch(sd, json('batchnorm.json').tensors);
    const n = sd['1.num_batches_tracked']!;
    expect([n.dtype, n.shape, n.item()]).toEqual(['int32', [], 3]);
  });

  it('loads the 60-minute blitz LeNet (every weight checked against the formula that made it)', () => {
    const sd = deserializeTorch(gunzipSync(bin('lenet.pt.gz'))); // a Node Buffer, whose slice() shares memory
    const { shapes, fan_in: fanIn } = json('lenet.json') as { shapes: Record<string, number[]>; fan_in: Record<string, number> };
    expect(Object.keys(sd)).toEqual(Object.keys(shapes));
    Object.entries(shapes).forEach(([key, shape], k) => {
      const t = sd[key]!;
      expect([t.dtype, t.shape]).toEqual(['float32', shape]);
      const got = t.dataSync();
      const scale = Math.sqrt(fanIn[key.split('.')[0]!]!);
      const want = Float32Array.from(got, (_, i) => (((i * 7919 + k * 104729) % 2001) - 1000) / 1000 / scale);
      // a plain loop: deep equality on 48 000 elements costs vitest ~0.4 s
      expect(got.findIndex((v, i) => v !== want[i])).toBe(-1);
    });
  });

  it('keeps saved strides and shared storages: transposed, strided, expanded, two views of one storage', () => {
    const sd = deserializeTorch(bin('views.pt'));
    expectAllMatch(sd, json('views.json').tensors);
    expect(sd.transposed!.strides).toEqual([1, 4]);
    expect(sd.transposed!.isContiguous()).toBe(false);
    expect(sd.strided!.strides).toEqual([4, 2]);
    expect(sd.expanded!.strides).toEqual([0, 1]);
    // like torch: one storage behind both tensors, each at its own offset
    const { shared_a: a, shared_b: b } = sd;
    expect(a!.storage).toBe(b!.storage);
    b!.fill_(-1);
    expect(a!.tolist()).toEqual([102, 103, -1, -1]);
  });

  it('maps every dtype: int64/int16/int8/uint8 → int32, float16/bfloat16 → float32; 0-d, empty, NaN/Inf, -0', () => {
    const fx = json('dtypes.json').tensors;
    const sd = deserializeTorch(bin('dtypes.pt'));
    expectAllMatch(sd, fx);
    expect(sd.f16!.dtype).toBe('float32');
    expect(sd.bf16!.dtype).toBe('float32');
    expect(sd.u8!.tolist()).toEqual([0, 255]);
    expect(sd.scalar_i64!.item()).toBe(42);
    expect(sd.empty!.shape).toEqual([0, 3]);
  });

  it('reads pickle protocol 4 files too (FRAME, MEMOIZE, STACK_GLOBAL, SHORT_BINUNICODE)', () => {
    expectAllMatch(deserializeTorch(bin('dtypes_p4.pt')), json('dtypes.json').tensors);
  });

  it('reads ZIP64 archives', () => {
    expectAllMatch(deserializeTorch(bin('zip64.pt')), json('mlp.json').tensors);
  });

  it('leaves one storage per saved storage and no stray tensors, also when loading fails half-way', () => {
    const before = memory();
    const sd = deserializeTorch(bin('views.pt'));
    expect(memory().tensors - before.tensors).toBe(5);
    expect(memory().storages - before.storages).toBe(3); // base, expanded's 2 elements, shared
    for (const t of Object.values(sd)) t.dispose();
    expect(() => deserializeTorch(bin('int64_overflow.pt'))).toThrow(SerializationError);
    expect([memory().tensors, memory().storages]).toEqual([before.tensors, before.storages]);
  });

  it('places tensors on the requested device', () => {
    const sd = deserializeTorch(bin('mlp.pt'), { device: 'cpu' });
    expect(String(sd['0.weight']!.device)).toBe('cpu');
  });
});

describe('deserializeTorchObject: nested content', () => {
  it("reads Adam's state_dict: int keys as strings, tuples as arrays, floats, None, tensors", () => {
    const fx = json('optimizer.json');
    const v = deserializeTorchObject(bin('optimizer.pt')) as { state: Record<string, Record<string, Tensor>>; param_groups: TorchValue };
    expect(v.param_groups).toEqual(fx.param_groups);
    expect(Object.keys(v.state)).toEqual(['0', '1']);
    for (const [i, entry] of Object.entries(fx.state as Record<string, Record<string, Described>>)) {
      expectAllMatch(v.state[i]!, entry);
    }
  });

  it('reads a checkpoint: a nested state dict, ints (bigint beyond 2^53), str, bytes, None, bool, tuples', () => {
    const fx = json('checkpoint.json');
    const v = deserializeTorchObject(bin('checkpoint.pt')) as Record<string, TorchValue>;
    const { model, slice, raw, big, ...plain } = v;
    expect(plain).toEqual(fx.plain);
    expect(big).toBe(BigInt(fx.big));
    expect(raw).toEqual(new Uint8Array(fx.raw));
    expectAllMatch(model as Record<string, Tensor>, json('mlp.json').tensors);
    // its int64 storage holds 2**40 beyond the slice: only the viewed elements must fit in int32
    expect((slice as Tensor).tolist()).toEqual([5]);
  });

  it('deserializeTorch refuses nested content and points to deserializeTorchObject', () => {
    const e = errorOf(() => deserializeTorch(bin('optimizer.pt')));
    expect(e.message).toMatch(/entry "state" is a dict, not a tensor.*deserializeTorchObject/);
  });
});

describe('loadTorch: refusing unsafe or broken files', () => {
  it('refuses os.system like torch.load(weights_only=True), naming the global', async () => {
    await expect(loadTorch(path('malicious.pt'))).rejects.toThrow(SerializationError);
    const e = errorOf(() => deserializeTorch(bin('malicious.pt')));
    expect(e.message).toMatch(/refusing to load the global "posix\.system"/);
    expect(e.message).toMatch(/weights_only=True/);
    expect(e.message).toMatch(/torch\.save\(model\.state_dict\(\), path\)/);
  });

  it('refuses builtins.eval reached through STACK_GLOBAL (protocol 4)', () => {
    expect(errorOf(() => deserializeTorch(bin('eval_p4.pt'))).message).toMatch(/global "builtins\.eval"/);
  });

  it('refuses a whole pickled nn.Module (a user class)', () => {
    expect(errorOf(() => deserializeTorchObject(bin('module.pt'))).message).toMatch(/global "__main__\.TinyModel"/);
  });

  it('names the tensor when an int64 value does not fit in int32', async () => {
    await expect(loadTorch(path('int64_overflow.pt'))).rejects.toThrow(/loadTorch: ".*int64_overflow\.pt": tensor "big" is int64 and its element 1 \(1099511627776\) does not fit in int32/);
  });

  it('rejects compressed entries, naming the entry', () => {
    expect(errorOf(() => deserializeTorch(bin('compressed.pt'))).message).toMatch(/entry "mlp\/data\.pkl" is compressed \(ZIP method 8\).*Re-save/);
  });

  it('rejects truncated files and the legacy (pre-1.6) format with what to do', async () => {
    await expect(loadTorch(path('truncated.pt'))).rejects.toThrow(/truncated\.pt": not a ZIP archive/);
    expect(errorOf(() => deserializeTorch(bin('legacy.pt'))).message).toMatch(/PyTorch < 1\.6.*re-save it with torch\.save/);
    expect(errorOf(() => deserializeTorch(new Uint8Array(3))).message).toMatch(/not a ZIP archive/);
  });

  it('detects corrupted data with the CRC-32, naming the entry', () => {
    const b = bin('mlp.pt');
    // flip a byte of 2.bias[0]'s float32 inside its storage entry
    const needle = new Uint8Array(new Float32Array([json('mlp.json').tensors['2.bias'].values[0]]).buffer);
    const at = Buffer.from(b).indexOf(Buffer.from(needle));
    expect(at).toBeGreaterThan(0);
    b[at] = b[at]! ^ 0xff;
    expect(errorOf(() => deserializeTorch(b)).message).toMatch(/entry "mlp\/data\/\d" fails its CRC-32 check/);
  });

  it('rejects ZIP archives that torch.save did not write', () => {
    // an empty archive: just an end-of-central-directory record
    const empty = new Uint8Array(22);
    new DataView(empty.buffer).setUint32(0, 0x06054b50, true);
    expect(errorOf(() => deserializeTorch(empty)).message).toMatch(/expected one "<archive>\/data\.pkl" entry, found none/);
  });

  it('stops on a container that contains itself', () => {
    expect(errorOf(() => deserializeTorchObject(bin('cyclic.pt'))).message).toMatch(/nest deeper than 100 levels at \["x"\]\["1"\]\["1"\]… \(or a container contains itself\)/);
  });

  it('converts an object referenced twice once, as Python shares it (no exponential blow-up)', () => {
    let x = (deserializeTorchObject(bin('laughs.pt')) as { x: TorchValue[] }).x;
    for (let depth = 0; depth < 40; depth++) {
      expect(x[0]).toBe(x[1]);
      x = x[0] as TorchValue[];
    }
    expect(x).toEqual([0]);
  });

  it('the unpickler reports truncated pickles, missing marks and object-building opcodes', () => {
    const hooks: PickleHooks = { findClass: () => null, persistentLoad: () => null, build: () => false };
    const run = (...ops: number[]) => errorOf(() => unpickle(Uint8Array.from(ops), hooks, 'test')).message;
    expect(run(0x80, 2, 0x4a, 1)).toMatch(/^test: the pickle ends early \(needs 4 bytes at byte 3 of 4\)/); // BININT cut short
    expect(run(0x80, 2, 0x74)).toMatch(/expects a MARK that is not there/); // TUPLE without MARK
    expect(run(0x80, 2, 0x29, 0x29, 0x81)).toMatch(/uses NEWOBJ \(byte 4\), which instantiates arbitrary objects/);
    expect(run(0x80, 2, 0xff)).toMatch(/unsupported pickle opcode 0xff at byte 2/);
    expect(run(0x80, 2, 0x68, 3)).toMatch(/memo entry 3 is read before it is written/);
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
