import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createCpuBackend, DeviceError, FALLBACK_METHODS, manualSeed, randn, registerBackend, tensor, where, withCpuFallback,
  type Backend, type PartialBackend, type Tensor,
} from '../src/index.js';

/** The CPU backend under another name, minus the given members (a "user-made partial backend"). */
function cpuWithout(name: string, drop: readonly string[]): PartialBackend {
  const b: Record<string, unknown> = { ...createCpuBackend(), name };
  for (const k of drop) delete b[k];
  return b as unknown as PartialBackend;
}

const values = (t: Tensor): number[] => Array.from(t.to('cpu').dataSync());
const close = (a: Tensor, b: Tensor, tol = 1e-5): void => {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  const x = values(a);
  const y = values(b);
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(y[i]!)));
};

afterEach(() => vi.restoreAllMocks());

describe('CPU fallback for primitives a backend lacks', () => {
  it('runs matmul and reductions of a backend without them, equal to the CPU, and a linear-regression step', () => {
    registerBackend('nomatmul', cpuWithout('no-matmul', ['matmul', 'reduce']));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    manualSeed(0);
    const x = randn(8, 3);
    const w = randn(3, 1);
    const y = randn(8, 1);
    const dx = x.to('nomatmul');
    const dw = w.to('nomatmul');
    const dy = y.to('nomatmul');

    const pred = dx.matmul(dw);
    expect(pred.device.type).toBe('nomatmul');
    close(pred, x.matmul(w));
    close(dx.sum(0), x.sum(0));
    close(dx.t().matmul(dx), x.t().matmul(x)); // transposed (strided) operand
    close(dx.argmax(1), x.argmax(1)); // int32 output of reduce
    close(dx.amax(), x.amax());

    // one gradient-descent step of least squares, written with ops: w -= lr * 2/N * xᵀ(xw - y)
    const step = (xx: Tensor, ww: Tensor, yy: Tensor): [Tensor, Tensor] => {
      const r = xx.matmul(ww).sub(yy);
      const loss = r.square().mean();
      const grad = xx.t().matmul(r).mul(2 / xx.shape[0]!);
      return [ww.sub(grad.mul(0.1)), loss];
    };
    const [w1, loss0] = step(dx, dw, dy);
    const [w1c, loss0c] = step(x, w, y);
    close(w1, w1c);
    close(loss0, loss0c);
    const [, loss1] = step(dx, w1, dy);
    expect(values(loss1)[0]!).toBeLessThan(values(loss0)[0]!);

    // one warning per (backend, method), however many calls
    const msgs = warn.mock.calls.map((c) => String(c[0]));
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/^kiln: backend 'no-matmul' has no 'matmul' kernel; running it on the CPU \(slow\)\./);
    expect(msgs[1]).toMatch(/^kiln: backend 'no-matmul' has no 'reduce' kernel; running it on the CPU \(slow\)\./);
  });

  it('fills every compute primitive of a storage-only backend: results equal the CPU', () => {
    registerBackend('storageonly', cpuWithout('storage-only', FALLBACK_METHODS));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    manualSeed(1);
    const a = randn(4, 5);
    const b = randn(5);
    const d = (t: Tensor): Tensor => t.to('storageonly');
    close(d(a).exp(), a.exp()); // unary
    close(d(a).add(d(b)), a.add(b)); // binary, broadcast
    close(d(a).gt(0), a.gt(0)); // bool output
    close(d(a).to('int32'), a.to('int32')); // cast
    close(where(d(a).gt(0), d(a), d(b)), where(a.gt(0), a, b));
    close(d(a).t().contiguous(), a.t().contiguous());
    close(d(a).cumsum(1), a.cumsum(1)); // scan without indices
    const cm = d(a).cummax(0);
    const cmc = a.cummax(0);
    close(cm.values, cmc.values);
    close(cm.indices, cmc.indices); // scan with indices
    const s = d(a).sort(1, { descending: true });
    const sc = a.sort(1, { descending: true });
    close(s.values, sc.values);
    close(s.indices, sc.indices);
    const idx = tensor([[0, 4], [3, 3], [1, 0], [2, 2]]);
    close(d(a).gather(1, d(idx)), a.gather(1, idx));
    const src = tensor([[1, 2], [3, 4], [5, 6], [7, 8]], { dtype: 'float32' });
    close(d(a).scatterAdd(1, d(idx), d(src)), a.scatterAdd(1, idx, src)); // scatter, repeated index
    close(d(a).sum(1), a.sum(1)); // reduce
    close(d(a).matmul(d(b)), a.matmul(b)); // matmul (vector)
    const warnedFor = new Set(warn.mock.calls.map((c) => /has no '(\w+)'/.exec(String(c[0]))![1]));
    expect([...warnedFor].sort()).toEqual([...FALLBACK_METHODS].sort());
    expect(warn).toHaveBeenCalledTimes(FALLBACK_METHODS.length);
  });

  it('throws a DeviceError naming the op and backend when the backend has no readSync either', async () => {
    const b = cpuWithout('async-only', ['matmul', 'readSync']) as PartialBackend & { capabilities: Backend['capabilities'] };
    registerBackend('asynconly', { ...b, capabilities: { ...b.capabilities, readSync: false } });
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float32', device: 'asynconly' });
    expect(() => x.matmul(x)).toThrow(DeviceError);
    expect(() => x.matmul(x)).toThrow(
      /^matmul: backend 'async-only' has no 'matmul' kernel, and no readSync, so Kiln cannot run it on the CPU instead\. Implement 'matmul'.*\.to\('cpu'\)/,
    );
    // the ops it does implement still run
    expect(Array.from(await x.add(1).data())).toEqual([2, 3, 4, 5]);
  });

  it('rejects a backend without storage or in-place members (no fallback for those)', () => {
    expect(() => registerBackend('nofill', cpuWithout('no-fill', ['fill', 'upload']) as never)).toThrow(
      /backend 'no-fill' does not implement upload, fill\. These act on the backend's own buffers/,
    );
  });

  it('leaves a complete backend untouched and keeps a partial one’s identity; wraps a frozen one', () => {
    const cpu = createCpuBackend();
    expect(withCpuFallback(cpu)).toBe(cpu);
    const partial = cpuWithout('partial', ['matmul']);
    expect(withCpuFallback(partial)).toBe(partial);
    expect(typeof partial.matmul).toBe('function');

    const frozen = Object.freeze(cpuWithout('frozen', ['matmul']));
    const wrapped = withCpuFallback(frozen);
    expect(wrapped).not.toBe(frozen);
    expect(wrapped.name).toBe('frozen');
    registerBackend('frozenb', frozen);
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float32' });
    expect(values(x.to('frozenb').matmul(x.to('frozenb')))).toEqual([7, 10, 15, 22]);
  });
});
