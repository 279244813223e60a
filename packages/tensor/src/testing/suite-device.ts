/**
 * Tensor-level conformance: the backend is registered as a device and a handful of public ops
 * (each exercising the dispatcher, type promotion and views on top of the primitives) are
 * compared with the same ops on the CPU device.
 * @packageDocumentation
 */
import { getDevice } from '../device.js';
import { tensor } from '../ops/creation.js';
import { cat } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor.js';
import { check, randomValues } from './harness.js';
import type { Suite } from './registrar.js';

/** Ops as functions of (x [3,4] float32, w [4,5] float32, idx [3,2] int32). */
const OPS: Record<string, (x: Tensor, w: Tensor, idx: Tensor) => Tensor> = {
  'add with broadcast and a scalar': (x, w) => x.add(w.select(1, 0)).mul(2),
  matmul: (x, w) => x.matmul(w),
  'sum over a dim, mean': (x) => x.sum(1).add(x.mean()),
  'softmax (composite)': (x) => x.sub(x.amax(1, { keepdim: true })).exp().div(x.sub(x.amax(1, { keepdim: true })).exp().sum(1, { keepdim: true })),
  'transpose + contiguous': (x) => x.t().contiguous(),
  'flip + narrow view': (x) => x.flip(0).narrow(1, 1, 2).mul(1),
  'max(dim) values and argmax': (x) => x.max(1).values.add(x.argmax(0).sum()),
  'sort descending indices': (x) => x.sort(1, { descending: true }).indices,
  cumsum: (x) => x.cumsum(0),
  gather: (x, _w, idx) => x.gather(1, idx),
  'clamp + comparison + where-style mask': (x) => x.clamp(-0.5, 0.5).mul(x.gt(0)),
  cat: (x) => cat([x, x.neg()], 0),
  'int32 arithmetic': (_x, _w, idx) => idx.mul(7).sub(3).remainder(4),
};

/** Registers the tensor-level device tests; `device()` is the device type the backend was registered under. */
export function registerDevice({ define }: Suite, device: () => string): void {
  for (const [name, f] of Object.entries(OPS)) {
    define(`device/${name.replace(/ /g, '-')}`, ['float32', 'int32'], async (k) => {
      const x = tensor(randomValues('float32', 12, k.rand, 2), { dtype: 'float32' }).reshape(3, 4);
      const w = tensor(randomValues('float32', 20, k.rand, 2), { dtype: 'float32' }).reshape(4, 5);
      const idx = tensor([0, 3, 2, 2, 1, 0], { dtype: 'int32' }).reshape(3, 2);
      const want = f(x, w, idx);
      const dev = getDevice(device()); // a Device object: `to('name')` only parses lowercase-letter device names
      const got = f(x.to(dev), w.to(dev), idx.to(dev));
      if (!got.device.equals(dev)) throw new Error(`${name}: the result is on ${got.device}, expected ${dev}`);
      if (got.dtype !== want.dtype) throw new Error(`${name}: dtype ${got.dtype}, CPU gives ${want.dtype}`);
      if (got.shape.join() !== want.shape.join()) throw new Error(`${name}: shape [${got.shape}], CPU gives [${want.shape}]`);
      check(`device ${name}`, await got.data(), Array.from(want.dataSync()), want.dtype, { rtol: 1e-5, atol: 1e-6 });
      // a 0-d result read back through the public async API
      check(`device ${name} sum().itemAsync()`, [await got.sum().itemAsync()].map(Number), [Number(want.sum().item())], 'float64', { rtol: 1e-5, atol: 1e-5 });
      for (const t of [x, w, idx, want, got]) t.dispose();
    });
  }
}
