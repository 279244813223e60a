/**
 * Learning-rate curves of every scheduler against PyTorch 1.13 (tools/fixtures/optim_schedulers.py),
 * 120 steps each, plus a state-dict round trip in the middle of every run.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { zeros } from '@kiln/tensor';
import { Adam, SGD, type Optimizer } from '../src/index.js';
import * as S from '../src/lr-scheduler/index.js';
import { expectClose, fixture } from './helpers.js';

interface Spec {
  type: string;
  args: unknown[];
  options: Record<string, unknown>;
}
interface Case {
  name: string;
  optimizer: 'SGD' | 'Adam';
  groupLrs: number[];
  scheduler: Spec;
  metrics: number[] | null;
  lrs: number[][];
  momentum: number[][] | null;
}
const fx = fixture<{ cases: Case[] }>('schedulers.json');

const LAMBDAS: Record<string, S.LrLambda> = {
  pow95: (e) => 0.95 ** e,
  inverse: (e) => 1 / (e + 1),
  const97: () => 0.97,
  warmup10: (e) => Math.min(1, (e + 1) / 10),
};

type AnyScheduler = S.LRScheduler | S.ReduceLROnPlateau;

function buildScheduler(opt: Optimizer, spec: Spec): AnyScheduler {
  const { type, args, options } = spec;
  switch (type) {
    case 'LambdaLR':
    case 'MultiplicativeLR': {
      const a = args[0] as string | string[];
      const fn = Array.isArray(a) ? a.map((n) => LAMBDAS[n]!) : LAMBDAS[a]!;
      return type === 'LambdaLR' ? new S.LambdaLR(opt, fn, options) : new S.MultiplicativeLR(opt, fn, options);
    }
    case 'SequentialLR':
      return new S.SequentialLR(opt, (args[0] as Spec[]).map((s) => buildScheduler(opt, s) as S.LRScheduler), args[1] as number[]);
    case 'ChainedScheduler':
      return new S.ChainedScheduler((args[0] as Spec[]).map((s) => buildScheduler(opt, s) as S.LRScheduler));
    case 'ReduceLROnPlateau':
      return new S.ReduceLROnPlateau(opt, options);
    default: {
      const Ctor = (S as unknown as Record<string, new (...a: unknown[]) => S.LRScheduler>)[type]!;
      return new Ctor(opt, ...args, options);
    }
  }
}

function buildAll(c: Case): { opt: Optimizer; sched: AnyScheduler } {
  const groups = c.groupLrs.map((lr) => ({ params: [zeros([1])], lr }));
  const opt = c.optimizer === 'SGD' ? new SGD(groups, { lr: 0.5, momentum: 0.9 }) : new Adam(groups);
  return { opt, sched: buildScheduler(opt, c.scheduler) };
}

function momenta(opt: Optimizer): number[] {
  return opt.paramGroups.map((g) => (g.betas ? (g.betas as number[])[0]! : (g.momentum as number)));
}

function advance(c: Case, opt: Optimizer, sched: AnyScheduler, i: number): void {
  opt.step();
  if (sched instanceof S.ReduceLROnPlateau) sched.step(c.metrics![i]!);
  else sched.step();
}

function check(c: Case, opt: Optimizer, sched: AnyScheduler, i: number): void {
  expectClose(sched.getLastLr(), c.lrs[i]!, 1e-12, 0, `${c.name}: lr after ${i} steps`);
  expectClose(opt.paramGroups.map((g) => g.lr), c.lrs[i]!, 1e-12, 0, `${c.name}: group lr after ${i} steps`);
  if (c.momentum) expectClose(momenta(opt), c.momentum[i]!, 1e-12, 0, `${c.name}: momentum after ${i} steps`);
}

let warnSpy: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warnSpy = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => warnSpy.mockRestore());

describe('schedulers match PyTorch 1.13 lr curves', () => {
  for (const c of fx.cases) {
    it(`${c.name} (${c.lrs.length - 1} steps)`, () => {
      const { opt, sched } = buildAll(c);
      check(c, opt, sched, 0);
      for (let i = 0; i < c.lrs.length - 1; i++) {
        advance(c, opt, sched, i);
        check(c, opt, sched, i + 1);
      }
    });

    it(`${c.name}: resumes from a mid-run state dict`, () => {
      const mid = 53;
      const first = buildAll(c);
      for (let i = 0; i < mid; i++) advance(c, first.opt, first.sched, i);
      const optState = first.opt.stateDict();
      const schedState = first.sched.stateDict();
      const second = buildAll(c);
      second.opt.loadStateDict(optState);
      second.sched.loadStateDict(schedState);
      check(c, second.opt, second.sched, mid);
      for (let i = mid; i < c.lrs.length - 1; i++) {
        advance(c, second.opt, second.sched, i);
        check(c, second.opt, second.sched, i + 1);
      }
    });
  }
});
