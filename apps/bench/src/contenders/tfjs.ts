/**
 * The TensorFlow.js contenders: `tfjs-cpu` (pure JS kernels) and `tfjs-wasm` (XNNPACK compiled to
 * WebAssembly SIMD). Convolutions use tfjs's native NHWC layout, its fastest. Run as its own
 * process: `node --import ./src/contenders/tfjs-resolve.mjs --import tsx src/contenders/tfjs.ts <cpu|wasm> [caseIds…]`.
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// gradients are registered separately from the kernels in tfjs-core
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { CASES, RESULT_PREFIX, TRAIN, type ContenderReport } from '../cases.js';
import { DEFAULT_TIMING, timeIt, type TimingOptions } from '../measure.js';

type Step = () => void;

/** Cases where tfjs-cpu's naive conv backward kernels take tens of seconds per run. */
const SLOW_ON_TFJS_CPU = new Set(['conv2d-fwd-bwd', 'cnn-step']);

const keep = (f: () => tf.TensorContainer): Step => () => {
  const r = tf.tidy(f);
  tf.dispose(r);
};

/** Dense layer parameters [in, out] + [out], Glorot-ish scale. */
const dense = (i: number, o: number) => [tf.variable(tf.randomNormal([i, o], 0, 1 / Math.sqrt(i))), tf.variable(tf.zeros([o]))] as const;

function setup(id: string): Step {
  const square = (n: number) => {
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    return keep(() => tf.matMul(a, b));
  };
  const x1M = tf.randomNormal([1024, 1024]);
  const y1M = tf.randomNormal([1024, 1024]);
  switch (id) {
    case 'matmul-256': return square(256);
    case 'matmul-512': return square(512);
    case 'matmul-1024': return square(1024);
    case 'bmm-16x256': {
      const a = tf.randomNormal([16, 256, 256]);
      const b = tf.randomNormal([16, 256, 256]);
      return keep(() => tf.matMul(a, b));
    }
    case 'conv2d-fwd': {
      const x = tf.randomNormal([64, 26, 26, 32]) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 32, 64]) as tf.Tensor4D;
      const b = tf.randomNormal([64]);
      return keep(() => tf.add(tf.conv2d(x, w, 1, 'valid'), b));
    }
    case 'conv2d-fwd-bwd': {
      const x = tf.randomNormal([64, 26, 26, 32]) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 32, 64]) as tf.Tensor4D;
      const b = tf.randomNormal([64]);
      const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.add(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'valid'), bb)));
      return keep(() => g([x, w, b]));
    }
    case 'add-1M': return keep(() => tf.add(x1M, y1M));
    case 'relu-1M': return keep(() => tf.relu(x1M));
    case 'exp-1M': return keep(() => tf.exp(x1M));
    case 'sum-1M': return keep(() => tf.sum(x1M));
    case 'sum-last-1M': return keep(() => tf.sum(x1M, -1));
    case 'max-last-1M': return keep(() => tf.max(x1M, -1));
    case 'softmax-1M': return keep(() => tf.softmax(x1M, -1));
    case 'mlp-step': {
      const [w1, b1] = dense(784, 128);
      const [w2, b2] = dense(128, 10);
      const x = tf.randomNormal([TRAIN.batch, 784]);
      return trainStep((xx) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(xx, w1), b1)), w2), b2), x);
    }
    case 'cnn-step': {
      const c1 = tf.variable(tf.randomNormal([3, 3, 1, 32], 0, 1 / 3));
      const c1b = tf.variable(tf.zeros([32]));
      const c2 = tf.variable(tf.randomNormal([3, 3, 32, 64], 0, 1 / Math.sqrt(288)));
      const c2b = tf.variable(tf.zeros([64]));
      const [f1, f1b] = dense(9216, 128);
      const [f2, f2b] = dense(128, 10);
      const x = tf.randomNormal([TRAIN.batch, 28, 28, 1]);
      return trainStep((xx) => {
        let h = tf.relu(tf.add(tf.conv2d(xx as tf.Tensor4D, c1 as tf.Tensor4D, 1, 'valid'), c1b));
        h = tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, c2 as tf.Tensor4D, 1, 'valid'), c2b));
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
        h = tf.reshape(h, [TRAIN.batch, 9216]);
        return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(h, f1), f1b)), f2), f2b);
      }, x);
    }
    default: throw new Error(`tfjs: unknown case ${id}`);
  }
}

function trainStep(model: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): Step {
  const labels = tf.oneHot(tf.randomUniformInt([TRAIN.batch], 0, TRAIN.classes), TRAIN.classes);
  const opt = tf.train.sgd(TRAIN.lr);
  return () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, model(x)) as tf.Scalar, true);
    loss?.dataSync();
    loss?.dispose();
  };
}

async function main(): Promise<void> {
  const backend = process.argv[2] ?? 'wasm';
  const ids = process.argv.slice(3).length ? process.argv.slice(3) : CASES.map((c) => c.id);
  await tf.setBackend(backend);
  await tf.ready();
  const info: Record<string, unknown> = { backend: tf.getBackend(), version: tf.version_core };
  if (backend === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  const report: ContenderReport = { contender: `tfjs-${backend}`, info, results: {} };
  // tfjs-cpu takes seconds per big case: one warm-up and as few as one timed run keep `pnpm bench` short
  const timing: TimingOptions = backend === 'cpu' ? { warmup: 1, warmupMs: 0, maxRuns: 10, minRuns: 1, budgetMs: 1000 } : DEFAULT_TIMING;
  for (const id of ids) {
    if (backend === 'cpu' && SLOW_ON_TFJS_CPU.has(id) && !process.env.KILN_BENCH_SLOW) {
      report.results[id] = { na: 'skipped — tfjs-cpu needs > 30 s per run here (KILN_BENCH_SLOW=1 runs it)' };
      continue;
    }
    try {
      const step = setup(id);
      report.results[id] = await timeIt(step, timing);
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0] ?? '';
      report.results[id] = {
        na: /Conv2DBackpropFilter/.test(msg) ? 'n/a — no conv filter gradient' : /not registered|not found|not yet implemented/i.test(msg) ? `n/a — ${msg}` : `error: ${msg}`,
      };
    }
  }
  process.stdout.write(RESULT_PREFIX + JSON.stringify(report) + '\n');
}

await main();
