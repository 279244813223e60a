/**
 * Parameter trajectories of every optimizer and option combination against PyTorch 1.13
 * (tools/fixtures/optim_optimizers.py): same initial parameters, same gradient sequence.
 * Each case runs twice: on the CPU device (whose backend has fused `sgdStep`/`adamStep`/
 * `adamwStep`/`adadeltaStep` kernels) and on `composedcpu`, the CPU backend without overrides, so
 * the composed updates every other backend falls back to are checked against PyTorch too.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend, registerBackend, tensor, type DType, type Tensor } from '@kiln/tensor';
import * as optim from '../src/index.js';
import { expectClose, fixture } from './helpers.js';

interface Case {
  name: string;
  optimizer: string;
  dtype: DType;
  options: Record<string, unknown>;
  groups: (Record<string, unknown> & { params: number[] })[] | null;
  gaps: boolean;
  trajectory: number[][][];
  finalState: Record<string, Record<string, number | number[] | null>>;
}
interface Fixture {
  shapes: number[][];
  init: number[][];
  grads: number[][][];
  gapSteps: number[];
  cases: Case[];
}

const fx = fixture<Fixture>('optimizers.json');
registerBackend('composedcpu', { ...createCpuBackend(), name: 'composedcpu', overrides: {} });
type Ctor = new (params: optim.Params, options: Record<string, unknown>) => optim.Optimizer;
const ctors = optim as unknown as Record<string, Ctor>;

function makeParams(dtype: DType, device: string): Tensor[] {
  return fx.init.map((v, i) => tensor(v, { dtype, device }).reshape(fx.shapes[i]!));
}

/** Builds the case's optimizer over fresh parameters. */
function build(c: Case, device: string): { params: Tensor[]; opt: optim.Optimizer } {
  const params = makeParams(c.dtype, device);
  const spec = c.groups ? c.groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]!) })) : params;
  return { params, opt: new ctors[c.optimizer]!(spec as optim.Params, c.options) };
}

function setGrads(c: Case, params: Tensor[], step: number): void {
  params.forEach((p, i) => {
    const skip = c.gaps && i === 1 && fx.gapSteps.includes(step);
    p.grad = skip ? null : tensor(fx.grads[step]![i]!, { dtype: c.dtype, device: p.device }).reshape(p.shape);
  });
}

// float64 runs agree with PyTorch to ~1e-12 (tighter than the 1e-5 goal, which would hide e.g. NAdam's float32 mu_product).
const tol = (c: Case) => (c.dtype === 'float64' ? { rtol: 1e-9, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 });

describe.each(['cpu', 'composedcpu'])('optimizers match PyTorch 1.13 trajectories on %s', (device) => {
  for (const c of fx.cases) {
    it(`${c.name} (${c.dtype}, ${c.trajectory.length} steps)`, () => {
      const { params, opt } = build(c, device);
      const storages = params.map((p) => p.storage);
      const { rtol, atol } = tol(c);
      c.trajectory.forEach((expected, step) => {
        setGrads(c, params, step);
        opt.step();
        params.forEach((p, i) => expectClose(p.dataSync(), expected[i]!, rtol, atol, `${c.name} step ${step + 1} param ${i}`));
      });
      // Updates are in place: same tensors, same storage.
      params.forEach((p, i) => expect(p.storage).toBe(storages[i]));
      // The final state has PyTorch's keys and values.
      const sd = opt.stateDict();
      expect(Object.keys(sd.state).sort()).toEqual(Object.keys(c.finalState).sort());
      for (const [k, st] of Object.entries(c.finalState)) {
        const mine = sd.state[Number(k)]!;
        expect(Object.keys(mine).sort(), `state keys of param ${k}`).toEqual(Object.keys(st).sort());
        for (const [key, v] of Object.entries(st)) {
          const m = mine[key];
          if (v === null) expect(m).toBeNull();
          else if (typeof v === 'number') expectClose([typeof m === 'number' ? m : NaN], [v], rtol, atol, `${c.name} state ${k}.${key}`);
          else expectClose((m as Tensor).dataSync(), v, rtol, atol, `${c.name} state ${k}.${key}`);
        }
      }
    });
  }
});
