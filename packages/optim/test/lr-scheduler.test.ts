/** LRScheduler base behaviour: initialLr, warnings, resuming, errors, verbose output. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KilnError, ValueError, zeros } from '@kiln/tensor';
import { Adam, SGD } from '../src/index.js';
import {
  ConstantLR, CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR, LambdaLR, LinearLR, OneCycleLR, ReduceLROnPlateau,
  SequentialLR, StepLR, STEP_ORDER_WARNING,
} from '../src/lr-scheduler/index.js';

const sgd = (lr = 0.1) => new SGD([zeros([1])], { lr });
let warn: ReturnType<typeof vi.spyOn>;
let log: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  log = vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
  log.mockRestore();
});

describe('LRScheduler', () => {
  it('records initialLr in the groups (kept when present) and baseLrs from it', () => {
    const opt = new SGD([{ params: [zeros([1])] }, { params: [zeros([1])], lr: 0.5, initialLr: 1 }], { lr: 0.1 });
    const s = new StepLR(opt, 2);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 1]);
    expect(s.baseLrs).toEqual([0.1, 1]);
    expect(s.lastEpoch).toBe(0);
    expect(s.getLastLr()).toEqual([0.1, 0.5]);
  });

  it("warns with PyTorch's text when scheduler.step() comes before optimizer.step()", () => {
    const opt = sgd();
    const s = new ExponentialLR(opt, 0.5);
    s.step();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toBe(`UserWarning: ${STEP_ORDER_WARNING}`);
    expect(STEP_ORDER_WARNING).toContain('Detected call of `lr_scheduler.step()` before `optimizer.step()`.');
    s.step();
    expect(warn).toHaveBeenCalledTimes(1); // only the first time, like PyTorch
  });

  it('does not warn in the right order', () => {
    const opt = sgd();
    const s = new ExponentialLR(opt, 0.5);
    opt.step();
    s.step();
    expect(warn).not.toHaveBeenCalled();
    expect(s.getLastLr()).toEqual([0.05]);
  });

  it('getLr() outside step() warns to use getLastLr()', () => {
    const s = new ExponentialLR(sgd(), 0.5);
    s.getLr();
    expect(String(warn.mock.calls[0]![0])).toContain('please use `getLastLr()`');
  });

  it('step(epoch) warns (deprecated) and uses the closed form', () => {
    const opt = sgd(1);
    const s = new StepLR(opt, 3, { gamma: 0.5 });
    opt.step();
    s.step(7);
    expect(String(warn.mock.calls[0]![0])).toContain('The epoch parameter in `scheduler.step()` was not necessary');
    expect(s.getLastLr()).toEqual([0.25]);
    expect(s.lastEpoch).toBe(7);
  });

  it('resuming with lastEpoch needs initialLr in every group', () => {
    expect(() => new StepLR(sgd(), 3, { lastEpoch: 5 })).toThrow(KilnError);
    expect(() => new StepLR(sgd(), 3, { lastEpoch: 5 })).toThrow(/param 'initialLr' \(PyTorch's 'initial_lr'\) is not specified in paramGroups\[0\] when resuming/);
    const opt = new SGD([{ params: [zeros([1])], initialLr: 1 }], { lr: 0.25 });
    const s = new StepLR(opt, 3, { gamma: 0.5, lastEpoch: 5 });
    expect(s.lastEpoch).toBe(6);
    expect(s.getLastLr()).toEqual([0.125]); // epoch 6 is a multiple of 3
  });

  it('prints PyTorch-formatted lines with verbose', () => {
    const opt = sgd(0.1);
    new ExponentialLR(opt, 0.5, { verbose: true });
    expect(log).toHaveBeenCalledWith('Adjusting learning rate of group 0 to 1.0000e-01.');
    // the same lines PyTorch prints (checked against torch 1.13)
    const plateau = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5, verbose: true });
    for (const m of [1, 1, 1, 1]) plateau.step(m);
    expect(log).toHaveBeenCalledWith('Epoch 00003: reducing learning rate of group 0 to 5.0000e-02.');
    expect(plateau.getLastLr()).toEqual([0.05]);
  });

  it('rejects invalid arguments with PyTorch messages', () => {
    expect(() => new ConstantLR(sgd(), { factor: 2 })).toThrow(/Constant multiplicative factor expected to be between 0 and 1/);
    expect(() => new LinearLR(sgd(), { startFactor: 0 - 1 })).toThrow(/Starting multiplicative factor expected to be between 0 and 1/);
    expect(() => new CosineAnnealingWarmRestarts(sgd(), 0)).toThrow(/Expected positive integer T_0, but got 0/);
    expect(() => new CosineAnnealingWarmRestarts(sgd(), 5, { TMult: 1.5 })).toThrow(/Expected integer T_mult >= 1, but got 1.5/);
    expect(() => new LambdaLR(sgd(), [(e) => e, (e) => e])).toThrow(/Expected 1 lr_lambdas, but got 2/);
    expect(() => new OneCycleLR(sgd(), 0.1)).toThrow(/You must define either total_steps OR \(epochs AND steps_per_epoch\)/);
    expect(() => new OneCycleLR(sgd(), 0.1, { totalSteps: 2.5 })).toThrow(/Expected positive integer total_steps, but got 2.5/);
    expect(() => new OneCycleLR(new SGD([zeros([1])], { lr: 0.1 }), [0.1, 0.2], { totalSteps: 10 })).toThrow(/expected 1 values for max_lr, got 2/);
    expect(() => new CyclicLR(new Adam([zeros([1])]), 0.01, 0.1)).toThrow(/optimizer must support momentum with `cycle_momentum` option enabled/);
    expect(() => new ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow(/Factor should be < 1.0/);
    expect(() => new ReduceLROnPlateau(sgd(), { mode: 'avg' as 'min' })).toThrow(/mode avg is unknown!/);
    expect(() => new StepLR({} as SGD, 3)).toThrow(/StepLR: Object is not an Optimizer/);
    const opt = sgd();
    expect(() => new SequentialLR(opt, [new StepLR(opt, 2), new StepLR(sgd(), 2)], [3])).toThrow(/to be different than the optimizer passed in/);
    expect(() => new SequentialLR(opt, [new StepLR(opt, 2)], [3])).toThrow(/one more than the number of milestone points/);
    expect(() => new StepLR(opt, 2)).not.toThrow(ValueError);
  });

  it('OneCycleLR refuses to step past totalSteps', () => {
    const opt = sgd();
    const s = new OneCycleLR(opt, 0.1, { totalSteps: 3 });
    for (let i = 0; i < 3; i++) {
      opt.step();
      s.step();
    }
    expect(() => s.step()).toThrow(/Tried to step 5 times. The specified number of total steps is 3/);
  });

  it('CosineAnnealingWarmRestarts accepts fractional epochs', () => {
    const opt = sgd(1);
    const s = new CosineAnnealingWarmRestarts(opt, 10, { TMult: 2 });
    s.step(25.5); // second period [10, 30): T_cur = 15.5 of T_i = 20
    expect(s.getLastLr()[0]).toBeCloseTo((1 + Math.cos((Math.PI * 15.5) / 20)) / 2, 14);
    expect(s.lastEpoch).toBe(25);
  });

  it('state dicts hold plain data (no optimizer, no functions)', () => {
    const opt = sgd();
    const s = new LambdaLR(opt, (e) => 1 / (e + 1));
    const sd = s.stateDict();
    expect(sd.optimizer).toBeUndefined();
    expect(sd.lrLambdas).toEqual([null]);
    expect(sd).toMatchObject({ lastEpoch: 0, baseLrs: [0.1], _lastLr: [0.1], _stepCount: 1 });
  });
});
