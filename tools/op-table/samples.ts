/**
 * One small sample call per registered op, used by the op-table probe (probe.ts) to run the op on
 * the CPU device for each dtype and watch what happens. A sample builds its inputs first (not
 * watched) and returns the call to watch; the probe looks for the first dispatch of the op's name
 * inside that call, so a sample may reach an op indirectly (the `conv{N}dWeightGrad` ops run in
 * the backward pass of a convolution).
 *
 * Elementwise ops need no entry: a Tensor method of the op's name taking no argument (unary) or one
 * argument (binary) is called generically. An op with neither gets "?" in the table until a sample
 * is added here.
 * @packageDocumentation
 */
import * as F from '../../packages/functional/src/index.js';
import { cat, tensor, where, type DType, type Tensor } from '../../packages/tensor/src/index.js';

/** Builds the inputs of one op call for `dtype` and returns the call to watch. */
export type Sample = (dtype: DType) => () => unknown;

/**
 * A small tensor of `dtype` and `shape`: positive values (so log/sqrt stay finite) for numbers,
 * alternating true/false for bool. The values never matter: only which code path runs.
 */
export function sampleTensor(dtype: DType, shape: readonly number[]): Tensor {
  const n = shape.reduce((p, c) => p * c, 1);
  const values = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 2 === 0 : dtype === 'int32' ? (i % 5) + 1 : ((i % 5) + 1) * 0.5));
  return tensor(values, { dtype }).reshape([...shape]);
}

const t = sampleTensor;
const x23 = (d: DType) => t(d, [2, 3]);
const index22 = () => tensor([[0, 2], [1, 0]], { dtype: 'int32' });
/** `[1, 2, 4, …]` with `n` spatial dims of 4: a batch of one, two channels. */
const image = (d: DType, n: number) => t(d, [1, 2, ...Array<number>(n).fill(4)]);
/** `[3, 2, 2, …]`: three output channels, two input channels, kernel 2 in each of `n` dims. */
const filters = (d: DType, n: number, out = 3, inp = 2) => t(d, [out, inp, ...Array<number>(n).fill(2)]);

type ConvFn = (x: Tensor, w: Tensor) => Tensor;
type PoolFn = (x: Tensor, k: number) => Tensor | { values: Tensor };

const CONV: Record<number, ConvFn> = { 1: (x, w) => F.conv1d(x, w), 2: (x, w) => F.conv2d(x, w), 3: (x, w) => F.conv3d(x, w) };
const CONV_T: Record<number, ConvFn> = { 1: (x, w) => F.convTranspose1d(x, w), 2: (x, w) => F.convTranspose2d(x, w), 3: (x, w) => F.convTranspose3d(x, w) };
const MAX_POOL: Record<number, PoolFn> = { 1: (x, k) => F.maxPool1d(x, k), 2: (x, k) => F.maxPool2d(x, k), 3: (x, k) => F.maxPool3d(x, k) };
const AVG_POOL: Record<number, PoolFn> = { 1: (x, k) => F.avgPool1d(x, k), 2: (x, k) => F.avgPool2d(x, k), 3: (x, k) => F.avgPool3d(x, k) };

/** Samples of the ops that take more than a tensor or two. */
export const SAMPLES: Record<string, Sample> = {
  where: (d) => {
    const c = tensor([[true, false, true], [false, true, false]]);
    const a = x23(d);
    const b = x23(d);
    return () => where(c, a, b);
  },
  cast: (d) => {
    const x = x23(d);
    return () => x.to(d === 'float32' ? 'int32' : 'float32');
  },
  contiguous: (d) => {
    const x = x23(d).t();
    return () => x.contiguous();
  },
  // a second CPU-backed device type ('probe', registered by the probe) makes `to` transfer
  toDevice: (d) => {
    const x = x23(d);
    return () => x.to('probe');
  },
  copy_: (d) => {
    const x = x23(d);
    const y = x23(d);
    return () => x.copy_(y);
  },
  fill_: (d) => {
    const x = x23(d);
    return () => x.fill_(1);
  },
  matmul: (d) => {
    const a = x23(d);
    const b = t(d, [3, 2]);
    return () => a.matmul(b);
  },
  gather: (d) => {
    const x = x23(d);
    const i = index22();
    return () => x.gather(1, i);
  },
  scatter: (d) => {
    const x = x23(d);
    const i = index22();
    const s = t(d, [2, 2]);
    return () => x.scatter(1, i, s);
  },
  scatterAdd: (d) => {
    const x = x23(d);
    const i = index22();
    const s = t(d, [2, 2]);
    return () => x.scatterAdd(1, i, s);
  },
  sort: (d) => {
    const x = x23(d);
    return () => x.sort(1);
  },
  cat: (d) => {
    const x = x23(d);
    return () => cat([x, x]);
  },
  view: (d) => {
    const x = x23(d);
    return () => x.view(3, 2);
  },
  permute: (d) => {
    const x = x23(d);
    return () => x.permute(1, 0);
  },
  expand: (d) => {
    const x = t(d, [1, 3]);
    return () => x.expand(2, 3);
  },
  slice: (d) => {
    const x = x23(d);
    return () => x.slice(1, 0, 2);
  },
  select: (d) => {
    const x = x23(d);
    return () => x.select(0, 1);
  },
  squeeze: (d) => {
    const x = t(d, [2, 1, 3]);
    return () => x.squeeze(1);
  },
  unsqueeze: (d) => {
    const x = x23(d);
    return () => x.unsqueeze(0);
  },
  flip: (d) => {
    const x = x23(d);
    return () => x.flip(0);
  },
  asStrided: (d) => {
    const x = x23(d);
    return () => x.asStrided([2, 2], [1, 1]);
  },
  unfold: (d) => {
    const x = x23(d);
    return () => x.unfold(1, 2, 1);
  },
  diagonal: (d) => {
    const x = x23(d);
    return () => x.diagonal();
  },
  linear: (d) => {
    const x = x23(d);
    const w = t(d, [4, 3]);
    const b = t(d, [4]);
    return () => F.linear(x, w, b);
  },
  // relu's gradient (autograd's op): reached through a backward pass
  thresholdBackward: (d) => {
    const x = x23(d);
    return () => {
      x.requiresGrad_();
      x.relu().sum().backward();
    };
  },
  softmax: (d) => {
    const x = x23(d);
    return () => F.softmax(x, 1);
  },
  logSoftmax: (d) => {
    const x = x23(d);
    return () => F.logSoftmax(x, 1);
  },
  im2col: (d) => {
    const x = image(d, 2);
    return () => F.unfold(x, 2);
  },
  col2im: (d) => {
    const cols = t(d, [1, 8, 9]);
    return () => F.fold(cols, [4, 4], 2);
  },
};

// binary methods with an optional second parameter (alpha, rounding mode), so not found by arity
for (const op of ['add', 'sub', 'div'] as const) {
  SAMPLES[op] = (d) => {
    const x = x23(d);
    const y = x23(d);
    return () => x[op](y);
  };
}

for (const op of ['sum', 'prod', 'amax', 'amin', 'argmax', 'argmin', 'cumsum', 'cumprod', 'cummax', 'cummin'] as const) {
  SAMPLES[op] = (d) => {
    const x = x23(d);
    return () => x[op](1);
  };
}

for (const n of [1, 2, 3]) {
  SAMPLES[`conv${n}d`] = (d) => {
    const x = image(d, n);
    const w = filters(d, n);
    return () => CONV[n]!(x, w);
  };
  // reached through the backward pass of a convolution (the filter gradient)
  SAMPLES[`conv${n}dWeightGrad`] = (d) => {
    const x = image(d, n);
    const w = filters(d, n);
    return () => {
      w.requiresGrad_();
      CONV[n]!(x, w).sum().backward();
    };
  };
  SAMPLES[`convTranspose${n}d`] = (d) => {
    const x = image(d, n);
    const w = filters(d, n, 2, 3);
    return () => CONV_T[n]!(x, w);
  };
  SAMPLES[`maxPool${n}d`] = (d) => {
    const x = image(d, n);
    return () => MAX_POOL[n]!(x, 2);
  };
  // max pooling's gradient (functional's op): reached through a backward pass
  SAMPLES[`maxPool${n}dBackward`] = (d) => {
    const x = image(d, n);
    return () => {
      x.requiresGrad_();
      MAX_POOL[n]!(x, 2).sum().backward();
    };
  };
  SAMPLES[`avgPool${n}d`] = (d) => {
    const x = image(d, n);
    return () => AVG_POOL[n]!(x, 2);
  };
}

/**
 * The sample of `op`: an entry of {@link SAMPLES}, else a Tensor method of the same name called
 * with no argument (unary ops) or with a second tensor of the same dtype (binary ops), else null.
 */
export function sampleFor(op: string): Sample | null {
  const s = SAMPLES[op];
  if (s) return s;
  const method = (x23('float32') as unknown as Record<string, unknown>)[op];
  if (typeof method !== 'function') return null;
  if (method.length === 0) {
    return (d) => {
      const x = x23(d) as unknown as Record<string, () => unknown>;
      return () => x[op]!();
    };
  }
  if (method.length === 1) {
    return (d) => {
      const x = x23(d) as unknown as Record<string, (y: Tensor) => unknown>;
      const y = x23(d);
      return () => x[op]!(y);
    };
  }
  return null;
}
