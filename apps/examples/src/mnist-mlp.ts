/**
 * MNIST with a multi-layer perceptron (seed 000, "Mnist手写数字识别"): Flatten → Linear(784, 128)
 * → ReLU → Linear(128, 10), cross-entropy, SGD (momentum 0.9) + StepLR, trained on the 8,000 bundled training
 * digits and tested on the 2,000 held-out ones after every epoch. Saves the weights
 * (`out/mnist-mlp.safetensors`), reloads them to check the accuracy, and draws the first 32 test
 * digits with their predicted labels (`out/mnist-mlp-predictions.png`).
 *
 * 8,000 digits are few for 100,000 weights: without help the MLP memorises them and stops near
 * 93.5 % test accuracy. Small random rotations and shifts of the training digits
 * (`RandomAffine(10, { translate: [0.1, 0.1] })`, on by default, `--no-augment` to drop) lift it to
 * about 96 % in 15 epochs.
 *
 *   pnpm mnist-mlp [--epochs 15] [--batch-size 64] [--lr 0.05] [--optimizer sgd|adam|adadelta]
 *                  [--device cpu|webgpu] [--limit N] [--out out]
 */
import * as nn from '@kiln/nn';
import { isMain } from './cli.js';
import { parseArgs, runMnist, type MnistArgs } from './mnist/train.js';

/** The model: PyTorch's nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)). */
export function makeMlp(): nn.Module {
  return new nn.Sequential(
    new nn.Flatten(), //         [N, 1, 28, 28] → [N, 784]
    new nn.Linear(784, 128), //  hidden layer
    new nn.ReLU(),
    new nn.Linear(128, 10), //   one logit per digit; crossEntropy applies logSoftmax itself
  );
}

export const MLP_DEFAULTS: MnistArgs = {
  epochs: 15, batchSize: 64, testBatchSize: 1000, lr: 0.05, gamma: 0.9, optimizer: 'sgd',
  device: 'cpu', limit: 0, testLimit: 0, logInterval: 10, seed: 1, augment: true, out: 'out',
};

if (isMain(import.meta.url)) {
  const r = await runMnist('mnist-mlp', makeMlp, parseArgs(MLP_DEFAULTS)).catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
  console.log(`test accuracy ${(100 * r.accuracies.at(-1)!).toFixed(2)}% in ${r.seconds.toFixed(0)} s`);
}
