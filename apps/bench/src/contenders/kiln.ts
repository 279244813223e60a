/**
 * The Kiln contender: every case on the default CPU device (WebAssembly SIMD GEMM, worker pool
 * with the default thread count = cores). Run as its own process by main.ts; prints one report
 * line. Usage: `node --conditions=@kiln/source --import tsx src/contenders/kiln.ts [caseIds…]`.
 * @packageDocumentation
 */
import '@kiln/autograd';
import { grad } from '@kiln/autograd';
import * as F from '@kiln/functional';
import * as nn from '@kiln/nn';
import { SGD } from '@kiln/optim';
import { getNumThreads, randint, randn, tidy, type Tensor } from '@kiln/tensor';
import { CASES, RESULT_PREFIX, TRAIN, type ContenderReport } from '../cases.js';
import { timeIt } from '../measure.js';

type Step = () => void;

/**
 * Runs `f` and frees its result at once, as tfjs's contender does with `tf.dispose` (and as
 * PyTorch's reference counting does): a result left to the garbage collector would make every
 * run pay for fresh memory (page faults, zero-filling) instead of the recycled arrays a real
 * program gets.
 */
const disposed = (f: () => Tensor): Step => () => tidy(f).dispose();

/** Builds the step function of a case (inputs created once, outside the timed region). */
function setup(id: string): Step {
  const square = (n: number) => {
    const a = randn([n, n]);
    const b = randn([n, n]);
    return disposed(() => a.matmul(b));
  };
  const x1M = randn([1024, 1024]);
  const y1M = randn([1024, 1024]);
  const unary = (f: (t: Tensor) => Tensor): Step => disposed(() => f(x1M));
  switch (id) {
    case 'matmul-256': return square(256);
    case 'matmul-512': return square(512);
    case 'matmul-1024': return square(1024);
    case 'bmm-16x256': {
      const a = randn([16, 256, 256]);
      const b = randn([16, 256, 256]);
      return disposed(() => a.matmul(b));
    }
    case 'conv2d-fwd': {
      const x = randn([64, 32, 26, 26]);
      const w = randn([64, 32, 3, 3]);
      const b = randn([64]);
      return disposed(() => F.conv2d(x, w, b));
    }
    case 'conv2d-fwd-bwd': {
      const x = randn([64, 32, 26, 26]).requiresGrad_();
      const w = randn([64, 32, 3, 3]).requiresGrad_();
      const b = randn([64]).requiresGrad_();
      return () => void grad(F.conv2d(x, w, b).sum(), [x, w, b]);
    }
    case 'add-1M': return disposed(() => x1M.add(y1M));
    case 'relu-1M': return unary((t) => F.relu(t));
    case 'exp-1M': return unary((t) => t.exp());
    case 'sum-1M': return unary((t) => t.sum());
    case 'sum-last-1M': return unary((t) => t.sum(-1));
    case 'max-last-1M': return unary((t) => t.amax(-1));
    case 'softmax-1M': return unary((t) => F.softmax(t, -1));
    case 'mlp-step': {
      const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
      return trainStep(model, randn([TRAIN.batch, 784]));
    }
    case 'cnn-step': {
      const model = new nn.Sequential(
        new nn.Conv2d(1, 32, 3), new nn.ReLU(), new nn.Conv2d(32, 64, 3), new nn.ReLU(), new nn.MaxPool2d(2),
        new nn.Flatten(), new nn.Linear(9216, 128), new nn.ReLU(), new nn.Linear(128, 10),
      );
      return trainStep(model, randn([TRAIN.batch, 1, 28, 28]));
    }
    default: throw new Error(`kiln: unknown case ${id}`);
  }
}

/**
 * One SGD step on cross-entropy of a fixed batch, inside a `tidy` scope as the examples' training
 * loops write it (apps/examples/src/mnist/train.ts): the scope frees the step's intermediate
 * tensors when it ends, which is what PyTorch's reference counting does, so the next step reuses
 * their memory. Without it they wait for the garbage collector, whose finalizers never run inside a
 * synchronous loop.
 */
function trainStep(model: nn.Module, x: Tensor): Step {
  const y = randint(0, TRAIN.classes, [TRAIN.batch], { dtype: 'int32' });
  const opt = new SGD(model.parameters(), { lr: TRAIN.lr });
  return () => tidy(() => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.call(x) as Tensor, y);
    loss.backward();
    opt.step();
  });
}

async function main(): Promise<void> {
  const ids = process.argv.slice(2).length ? process.argv.slice(2) : CASES.map((c) => c.id);
  // start the worker pool before timing anything (workers instantiate asynchronously)
  tidy(() => randn([512, 512]).matmul(randn([512, 512])));
  await new Promise((r) => setTimeout(r, 300));
  const report: ContenderReport = { contender: 'kiln', info: { threads: getNumThreads(), node: process.version }, results: {} };
  for (const id of ids) {
    try {
      report.results[id] = await timeIt(setup(id));
    } catch (e) {
      report.results[id] = { na: `error: ${(e as Error).message.split('\n')[0]}` };
    }
  }
  process.stdout.write(RESULT_PREFIX + JSON.stringify(report) + '\n');
}

await main();
