import { describe, expect, it } from 'vitest';
import { registerExampleBackends, trainSmallModel } from '../src/custom-backend.js';

describe('composing a custom backend', () => {
  const { counts, calls } = registerExampleBackends();

  it('a counting backend that wraps the CPU backend trains a model and counts every primitive', () => {
    const losses = trainSmallModel('counting', 20);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.5);
    expect(counts.get('matmul')).toBe(20 * 5); // per step: 2 forward + 3 backward (no grad for the input)
    expect(counts.get('unary:relu')).toBe(20);
    expect(counts.get('binary:mul')).toBeGreaterThan(0);
  });

  it('a backend that overrides logSoftmax uses its kernel and gives the CPU backend’s losses', () => {
    const fused = trainSmallModel('fused', 20);
    expect(calls.logSoftmax).toBe(20);
    const cpu = trainSmallModel('cpu', 20);
    fused.forEach((l, i) => expect(l).toBeCloseTo(cpu[i]!, 5));
  });
});
