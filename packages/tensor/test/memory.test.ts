import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  arange, createCpuBackend, DisposedError, keep, memory, ones, registerBackend, setMemoryDebug, tensor, tidy, zeros, type Tensor,
} from '../src/index.js';
import { isResident } from '../src/backend/cpu/array-pool.js';

/** Live storages/bytes relative to a baseline taken at the start of a test (other tests' garbage is not ours). */
function delta(base: ReturnType<typeof memory>) {
  const m = memory();
  return { tensors: m.tensors - base.tensors, storages: m.storages - base.storages, bytes: m.bytes - base.bytes };
}

describe('dispose', () => {
  it('using a disposed tensor throws DisposedError naming the op', () => {
    const t = tensor([1, 2, 3], { dtype: 'float32' });
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(() => t.add(1)).toThrow(DisposedError);
    expect(() => t.add(1)).toThrow(/^add: an input tensor \(shape \[3\], float32\) was disposed/);
    expect(() => t.dataSync()).toThrow(/^dataSync\(\): this tensor \(shape \[3\], float32, cpu\) was disposed/);
    expect(() => t.item()).toThrow(/^item\(\): /);
    expect(() => t.tolist()).toThrow(/^tolist\(\): /);
    expect(() => t.sum()).toThrow(/^sum: /);
    expect(() => t.matmul(t)).toThrow(DisposedError);
    expect(() => tensor([1, 2, 3]).add(t)).toThrow(/^add: an input tensor/);
    t.dispose(); // idempotent
  });

  it('data() of a disposed tensor rejects with DisposedError', async () => {
    const t = tensor([1]);
    t.dispose();
    await expect(t.data()).rejects.toThrow(/^data\(\): .*was disposed/);
  });

  it('frees the storage and its bytes', () => {
    const base = memory();
    const t = zeros(1000, { dtype: 'float64' });
    expect(delta(base)).toEqual({ tensors: 1, storages: 1, bytes: 8000 });
    t.dispose();
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it('views keep the storage alive until every view is disposed', () => {
    const base = memory();
    const t = arange(12, { dtype: 'float32' });
    const m = t.view(3, 4);
    const v1 = m.t();
    const v2 = m.slice(1, 1, 3);
    expect(delta(base)).toEqual({ tensors: 4, storages: 1, bytes: 48 });
    t.dispose();
    m.dispose();
    expect(delta(base)).toEqual({ tensors: 2, storages: 1, bytes: 48 });
    expect(v1.tolist()).toEqual([[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
    v1.dispose();
    expect(v2.tolist()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(delta(base).storages).toBe(1);
    v2.dispose();
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it('the last view disposed frees the storage', () => {
    const base = memory();
    const t = zeros(4);
    const v = t.view(2, 2);
    v.dispose();
    expect(delta(base).storages).toBe(1);
    t.dispose();
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it('`using` disposes at the end of the scope (transpiled by vitest)', () => {
    const base = memory();
    let outer: Tensor;
    {
      using t = ones(8, { dtype: 'float32' });
      outer = t;
      expect(delta(base).storages).toBe(1);
    }
    expect(outer.isDisposed).toBe(true);
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });
});

describe('tidy', () => {
  it('disposes intermediates and keeps the returned tensor', () => {
    const base = memory();
    const x = tensor([1, 2, 3], { dtype: 'float32' });
    let mid: Tensor | undefined;
    const y = tidy(() => {
      mid = x.mul(2);
      return mid.add(1).exp().log();
    });
    expect(mid!.isDisposed).toBe(true);
    expect(x.isDisposed).toBe(false);
    expect(y.isDisposed).toBe(false);
    expect(y.tolist()).toEqual([3, 5, 7]);
    expect(delta(base)).toEqual({ tensors: 2, storages: 2, bytes: 24 });
    x.dispose();
    y.dispose();
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it('keeps tensors returned in arrays and plain objects (also nested)', () => {
    const base = memory();
    const r = tidy(() => {
      const a = zeros(2);
      const b = ones(3);
      zeros(100); // garbage
      return { list: [a, { deep: b }], n: 5 };
    });
    expect(r.n).toBe(5);
    expect((r.list[0] as Tensor).tolist()).toEqual([0, 0]);
    expect(((r.list[1] as { deep: Tensor }).deep).tolist()).toEqual([1, 1, 1]);
    expect(delta(base).storages).toBe(2);
    (r.list[0] as Tensor).dispose();
    (r.list[1] as { deep: Tensor }).deep.dispose();
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it('a returned view keeps the storage of a disposed base', () => {
    const base = memory();
    const v = tidy(() => arange(6).reshape(2, 3).t());
    expect(v.tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(delta(base).storages).toBe(1);
    v.dispose();
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it('nested tidy: the inner result belongs to the outer scope', () => {
    const base = memory();
    let inner: Tensor | undefined;
    const out = tidy(() => {
      inner = tidy(() => zeros(3).add(1));
      expect(inner.isDisposed).toBe(false);
      return inner.mul(2);
    });
    expect(inner!.isDisposed).toBe(true);
    expect(out.tolist()).toEqual([2, 2, 2]);
    out.dispose();
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it('keep() survives the scope', () => {
    const base = memory();
    let k: Tensor | undefined;
    tidy(() => {
      k = keep(zeros(5));
      zeros(5);
    });
    expect(k!.isDisposed).toBe(false);
    expect(delta(base).storages).toBe(1);
    k!.dispose();
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it('disposes the scope\'s tensors when fn throws', () => {
    const base = memory();
    expect(() => tidy(() => {
      zeros(10);
      throw new Error('boom');
    })).toThrow('boom');
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it('rejects an async fn', () => {
    expect(() => tidy(async () => zeros(1))).toThrow(/tidy\(fn\): fn returned a Promise/);
  });

  it('no leak over a long loop', () => {
    const base = memory();
    let w = zeros(16, 16);
    for (let i = 0; i < 200; i++) {
      const next = tidy(() => w.add(ones(16, 16).mul(0.5)).relu());
      w.dispose();
      w = next;
    }
    expect(tidy(() => w.sum().item())).toBe(16 * 16 * 100);
    w.dispose();
    expect(delta(base).storages).toBe(0);
  });
});

describe('memory() per device', () => {
  it('counts bytes per device', () => {
    registerBackend('memtest', createCpuBackend());
    const base = memory();
    const a = zeros(10, { dtype: 'float32' });
    const b = zeros(3, { dtype: 'float64', device: 'memtest' });
    const c = zeros(5, { dtype: 'bool', device: 'memtest' });
    const m = memory();
    expect(m.perDevice['memtest:0']!.bytes - (base.perDevice['memtest:0']?.bytes ?? 0)).toBe(29);
    expect(m.perDevice.cpu!.bytes - (base.perDevice.cpu?.bytes ?? 0)).toBe(40);
    expect(m.bytes - base.bytes).toBe(69);
    a.dispose(); b.dispose(); c.dispose();
    expect(memory().perDevice['memtest:0']!.bytes).toBe(base.perDevice['memtest:0']?.bytes ?? 0);
  });
});

/** `gc()` without a command-line flag: turn on --expose-gc at run time and fetch gc from a fresh context. */
function exposeGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}
const gc = exposeGc();

/** Runs gc until the FinalizationRegistry has nothing left to collect (earlier tests leave garbage too). */
async function collect(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 0));
  }
}

describe('FinalizationRegistry backstop', () => {
  it.skipIf(!gc)('frees the storage of tensors that were never disposed', async () => {
    await collect();
    const base = memory();
    (() => {
      for (let i = 0; i < 20; i++) zeros(1000, { dtype: 'float32' });
    })();
    expect(delta(base).storages).toBe(20);
    for (let i = 0; i < 200 && delta(base).storages > 0; i++) {
      gc!();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it.skipIf(!gc)('tensors that outlive a tidy scope (returned, kept, returned through nested scopes) are still freed by the backstop', async () => {
    await collect();
    const base = memory();
    (() => {
      tidy(() => zeros(1000));
      tidy(() => void keep(zeros(1000)));
      tidy(() => tidy(() => zeros(1000)));
      tidy(() => void tidy(() => keep(zeros(1000))));
    })();
    expect(delta(base).storages).toBe(4);
    for (let i = 0; i < 200 && delta(base).storages > 0; i++) {
      gc!();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(delta(base)).toEqual({ tensors: 0, storages: 0, bytes: 0 });
  });

  it.skipIf(!gc)('with setMemoryDebug(true), warns naming the shape and dtype of a tensor collected without dispose()', async () => {
    await collect();
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => void warnings.push(m);
    setMemoryDebug(true);
    try {
      (() => void zeros([3, 7], { dtype: 'float32' }))();
      for (let i = 0; i < 200 && !warnings.some((w) => w.includes('[3, 7] float32')); i++) {
        gc!();
        await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      setMemoryDebug(false);
      console.warn = warn;
    }
    expect(warnings).toContain('[kiln] a tensor [3, 7] float32 was garbage-collected without dispose()');
  });

  it.skipIf(!gc)('a live view keeps the storage of a collected base', async () => {
    await collect();
    const base = memory();
    const v = (() => zeros(100).view(10, 10).narrow(0, 2, 3))();
    await collect(50);
    expect(delta(base).storages).toBe(1);
    expect(tidy(() => v.sum().item())).toBe(0);
    v.dispose();
    expect(delta(base).storages).toBe(0);
  });
});
if (!gc) console.warn('[memory.test] FinalizationRegistry tests skipped: gc() could not be exposed (v8.setFlagsFromString failed)');

describe('set_', () => {
  it('re-points a tensor at another storage in place, keeps identity, and frees the old storage', async () => {
    const { tensor: mk, memory: mem } = await import('../src/index.js');
    const t = mk([1, 2, 3], { dtype: 'float32' });
    const src = mk([[4, 5], [6, 7]], { dtype: 'float64' });
    const before = mem().storages;
    const same = t.set_(src);
    expect(same).toBe(t);
    expect(t.shape).toEqual([2, 2]);
    expect(t.dtype).toBe('float64');
    expect(t.tolist()).toEqual([[4, 5], [6, 7]]);
    expect(mem().storages).toBe(before - 1); // t's old storage had no other user
    src.dispose();
    expect(t.tolist()).toEqual([[4, 5], [6, 7]]); // t still holds the shared storage
    t.dispose();
  });
});

describe('CPU array pool', () => {
  const dataOf = (t: Tensor) => (t.operand().handle as { data: Float32Array }).data;
  /**
   * Whether two arrays are the same memory: the same array from the JavaScript pool, or views of the
   * same block of the kernel heap (a resident array comes back as a new view of its block).
   */
  const sameMemory = (a: Float32Array, b: Float32Array) =>
    a === b || (a.buffer instanceof SharedArrayBuffer && b.buffer instanceof SharedArrayBuffer && a.byteOffset === b.byteOffset && a.length === b.length);

  it('hands a released kernel output to the next op of the same size, with correct contents', () => {
    const x = arange(0, 4096, 1, { dtype: 'float32' });
    const y = x.add(1); // a kernel output: owned by the backend
    const arr = dataOf(y);
    y.dispose();
    const z = x.mul(2);
    expect(isResident(dataOf(z))).toBe(true); // float32 kernel outputs live in the kernel memory (Node has shared memory)
    expect(sameMemory(dataOf(z), arr)).toBe(true); // reused, not reallocated
    expect(Array.from(z.dataSync().subarray(0, 3))).toEqual([0, 2, 4]);
    expect(z.dataSync()[4095]).toBe(8190);
    // an allocation that must start zeroed gets a zeroed array even when recycled
    z.dispose();
    const w = zeros([4096]).add(0).sum();
    expect(w.item()).toBe(0);
  });

  it('never recycles memory adopted from the caller, nor an array a live view still uses', () => {
    const mine = new Float32Array(4096).fill(7);
    const t = tensor(mine);
    const tData = dataOf(t);
    t.dispose();
    expect(sameMemory(dataOf(arange(0, 4096, 1, { dtype: 'float32' }).add(1)), tData)).toBe(false);

    const y = arange(0, 4096, 1, { dtype: 'float32' }).add(1);
    const v = y.view([64, 64]);
    const arr = dataOf(y);
    y.dispose(); // v still holds the storage
    const other = arange(0, 4096, 1, { dtype: 'float32' }).mul(3);
    expect(sameMemory(dataOf(other), arr)).toBe(false);
    expect(v.dataSync()[4095]).toBe(4096);
  });
});
