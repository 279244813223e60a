/** LBFGS on the Rosenbrock function against PyTorch 1.13 (fixed step and strong-Wolfe line search). */
import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '@kiln/tensor';
import { LBFGS, type LBFGSOptions } from '../src/index.js';
import { expectClose, fixture } from './helpers.js';

interface Case {
  name: string;
  options: Partial<LBFGSOptions>;
  init: number[];
  trajectory: number[][][];
  losses: number[];
  evals: number;
}
const fx = fixture<{ lbfgs: Case[] }>('optimizers.json');

/** Rosenbrock over pairs, f = Σ 100 (b - a²)² + (1 - a)², with its gradient written by hand. */
function rosenbrock(x: ArrayLike<number>): { f: number; g: number[] } {
  let f = 0;
  const g = new Array<number>(x.length).fill(0);
  for (let i = 0; i < x.length; i += 2) {
    const a = x[i]!, b = x[i + 1]!;
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    g[i] = -400 * a * (b - a * a) - 2 * (1 - a);
    g[i + 1] = 200 * (b - a * a);
  }
  return { f, g };
}

// Tolerance 1e-6: L-BFGS amplifies last-bit differences (dot-product order) about tenfold per step near the optimum.
describe('LBFGS matches PyTorch 1.13', () => {
  for (const c of fx.lbfgs) {
    it(c.name, () => {
      const x = tensor(c.init, { dtype: 'float64' });
      const opt = new LBFGS([x], c.options);
      let evals = 0;
      const closure = () => {
        evals++;
        const { f, g } = rosenbrock(x.dataSync());
        x.grad = tensor(g, { dtype: 'float64' });
        return f;
      };
      c.trajectory.forEach((expected, step) => {
        const loss = opt.step(closure);
        expectClose([loss], [c.losses[step]!], 1e-6, 1e-12, `${c.name} loss ${step}`);
        expectClose(x.dataSync(), expected[0]!, 1e-6, 1e-10, `${c.name} step ${step + 1}`);
      });
      expect(evals).toBe(c.evals);
    });
  }

  it('resumes from a state dict', () => {
    const c = fx.lbfgs[1]!;
    const run = (x: ReturnType<typeof tensor>, opt: LBFGS, n: number) => {
      for (let i = 0; i < n; i++) {
        opt.step(() => {
          const { f, g } = rosenbrock(x.dataSync());
          x.grad = tensor(g, { dtype: 'float64' });
          return f;
        });
      }
    };
    const x1 = tensor(c.init, { dtype: 'float64' });
    const o1 = new LBFGS([x1], c.options);
    run(x1, o1, 2);
    const x2 = x1.clone();
    const o2 = new LBFGS([x2], c.options);
    o2.loadStateDict(o1.stateDict());
    run(x1, o1, 2);
    run(x2, o2, 2);
    expect(Array.from(x2.dataSync())).toEqual(Array.from(x1.dataSync()));
  });

  it('needs a closure and one parameter group', () => {
    const x = zeros([2], { dtype: 'float64' });
    expect(() => new LBFGS([x]).step()).toThrow(/needs a closure/);
    expect(() => new LBFGS([{ params: [x] }, { params: [zeros([1])] }])).toThrow(/LBFGS doesn't support per-parameter options \(parameter groups\)/);
    expect(() => new LBFGS([x], { lineSearchFn: 'backtracking' as 'strong_wolfe' })).toThrow(/only 'strong_wolfe' is supported/);
  });
});
