/**
 * The seed tutorial's two-layer network (seed 001): N=64, D_in=1000, H=100, D_out=10, ReLU hidden
 * layer, sum-of-squares loss, learning rate 1e-6, 500 steps. Every variant draws x, y, w1, w2 from
 * the same seeded generator, so their loss curves can be compared number for number.
 */
import { Generator } from '@kiln/tensor';

/** Sizes and schedule of one run (tests shrink them). */
export interface TwoLayerConfig {
  N: number;
  Din: number;
  H: number;
  Dout: number;
  steps: number;
  learningRate: number;
  seed: number;
  /** Called with (step, loss) after every step; the CLI prints, tests collect. */
  log?: (step: number, loss: number) => void;
}

/** The tutorial's numbers. */
export const TUTORIAL: TwoLayerConfig = { N: 64, Din: 1000, H: 100, Dout: 10, steps: 500, learningRate: 1e-6, seed: 0 };

/** x, y, w1, w2 as float32 arrays (row-major), drawn from N(0, 1) in this order. */
export function initialData(c: TwoLayerConfig): { x: Float32Array; y: Float32Array; w1: Float32Array; w2: Float32Array } {
  const g = new Generator(c.seed);
  const draw = (n: number) => Float32Array.from(g.normal(n));
  return { x: draw(c.N * c.Din), y: draw(c.N * c.Dout), w1: draw(c.Din * c.H), w2: draw(c.H * c.Dout) };
}
