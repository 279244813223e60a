/**
 * Step 4 (seed 001 → PyTorch's "nn" and "optim" examples): the network becomes
 * `nn.Sequential(Linear, ReLU, Linear)`, the loss `nn.MSELoss({ reduction: 'sum' })`, and an
 * optimizer does the update — `optimizer.zeroGrad(); loss.backward(); optimizer.step()`.
 *
 * By default this is PyTorch's optim example: fresh Linear layers (PyTorch's default
 * initialisation, with biases) and Adam with lr 1e-4. With `sameWeights: true` the layers start
 * from the tutorial's w1, w2 (no bias) and plain SGD with the tutorial's learning rate, which
 * reproduces the loss curve of steps 1–3 number for number.
 *
 *   pnpm two-layer-net:nn-optim            Adam, like PyTorch's optim example
 *   pnpm two-layer-net:nn-optim --optimizer sgd --same-weights
 */
import '@kiln/autograd';
import { Adam, SGD, type Optimizer } from '@kiln/optim';
import * as nn from '@kiln/nn';
import { fromTypedArray, manualSeed, noGrad, tidy } from '@kiln/tensor';
import { flag, isMain } from '../cli.js';
import { TUTORIAL, initialData, type TwoLayerConfig } from './config.js';

export interface NnOptimOptions {
  /** 'adam' (PyTorch's optim example, lr 1e-4) or 'sgd' (lr = config.learningRate with sameWeights, else 1e-4). */
  optimizer?: 'adam' | 'sgd';
  /** Learning rate (default: see `optimizer`). */
  lr?: number;
  /** Start from the tutorial's w1, w2 without biases, so SGD follows steps 1–3 exactly. */
  sameWeights?: boolean;
}

/** Builds the model (exported so the README and tests can print it). */
export function buildModel(c: TwoLayerConfig, sameWeights = false): nn.Sequential {
  manualSeed(c.seed); // the Linear layers' initial weights are drawn from the global generator
  // model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(), torch.nn.Linear(H, D_out))
  const model = new nn.Sequential(
    new nn.Linear(c.Din, c.H, { bias: !sameWeights }),
    new nn.ReLU(),
    new nn.Linear(c.H, c.Dout, { bias: !sameWeights }),
  );
  if (sameWeights) {
    // Linear stores weight as [out, in] and computes x·Wᵀ, so W = w1ᵀ gives x.mm(w1).
    const d = initialData(c);
    const [l1, l2] = [model.get(0) as nn.Linear, model.get(2) as nn.Linear];
    noGrad(() => {
      l1.weight.copy_(fromTypedArray(d.w1, [c.Din, c.H]).t()); // model[0].weight.copy_(w1.t())
      l2.weight.copy_(fromTypedArray(d.w2, [c.H, c.Dout]).t());
    });
  }
  return model;
}

/** Trains for `c.steps` steps and returns the loss after each. */
export function run(c: TwoLayerConfig = TUTORIAL, options: NnOptimOptions = {}): number[] {
  const { optimizer: kind = 'adam', sameWeights = false } = options;
  const d = initialData(c);
  const x = fromTypedArray(d.x, [c.N, c.Din]); // the same x, y as steps 1–3
  const y = fromTypedArray(d.y, [c.N, c.Dout]);
  const model = buildModel(c, sameWeights);
  const lossFn = new nn.MSELoss({ reduction: 'sum' }); //  loss_fn = torch.nn.MSELoss(reduction='sum')
  const lr = options.lr ?? (kind === 'sgd' && sameWeights ? c.learningRate : 1e-4);
  const optimizer: Optimizer =
    kind === 'adam'
      ? new Adam(model.parameters(), { lr }) //            optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
      : new SGD(model.parameters(), { lr }); //            optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
  const losses: number[] = [];
  for (let t = 0; t < c.steps; t++) {
    tidy(() => {
      const yPred = model.call(x); //                      y_pred = model(x)
      const loss = lossFn.call(yPred, y); //               loss = loss_fn(y_pred, y)
      const value = loss.item() as number; //              print(t, loss.item())
      losses.push(value);
      c.log?.(t, value);
      optimizer.zeroGrad(); //                             optimizer.zero_grad()
      loss.backward(); //                                  loss.backward()
      optimizer.step(); //                                 optimizer.step()
    });
  }
  return losses;
}

if (isMain(import.meta.url)) {
  const kind = flag('optimizer', 'adam') as 'adam' | 'sgd';
  const sameWeights = process.argv.includes('--same-weights');
  console.log(String(buildModel(TUTORIAL, sameWeights)));
  run({ ...TUTORIAL, log: (t, loss) => console.log(t, loss) }, { optimizer: kind, sameWeights });
}
