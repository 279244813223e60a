/**
 * The root README's "MNIST next to PyTorch" Kiln script, verbatim between the `#region readme`
 * markers (the README adds only the final `main();`). The first test keeps README and this file
 * identical; the second runs one short epoch on a subset of the bundled digits and checks that the
 * printed training loss falls and the printed test accuracy beats chance.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
// #region readme
import * as torch from 'kiln';

const { nn, optim } = torch;
const F = torch.nn.functional;
const { datasets, transforms } = torch.vision;
const { DataLoader, Subset } = torch.utils.data;

class Net extends nn.Module {
  flatten = new nn.Flatten();
  fc1 = new nn.Linear(28 * 28, 128);
  fc2 = new nn.Linear(128, 10);

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.flatten.call(x);
    x = F.relu(this.fc1.call(x));
    x = this.fc2.call(x);
    return F.logSoftmax(x, 1);
  }
}

function train(model: Net, loader: torch.utils.data.DataLoader<[torch.Tensor, number]>, optimizer: torch.optim.Optimizer, epoch: number) {
  model.train();
  let batchIdx = 0;
  for (const [data, target] of loader) {
    optimizer.zeroGrad();
    const output = model.call(data);
    const loss = F.nllLoss(output, target);
    loss.backward();
    optimizer.step();
    if (batchIdx % 10 === 0) {
      console.log(`Train Epoch: ${epoch} [${batchIdx}/${loader.length}]\tLoss: ${Number(loss.item()).toFixed(6)}`);
    }
    batchIdx += 1;
  }
}

function test(model: Net, loader: torch.utils.data.DataLoader<[torch.Tensor, number]>) {
  model.eval();
  let testLoss = 0;
  let correct = 0;
  let total = 0;
  torch.noGrad(() => {
    for (const [data, target] of loader) {
      const output = model.call(data);
      testLoss += Number(F.nllLoss(output, target, { reduction: 'sum' }).item());
      const pred = output.argmax(1, { keepdim: true });
      correct += Number(pred.eq(target.viewAs(pred)).sum().item());
      total += target.shape[0]!;
    }
  });
  testLoss /= total;
  console.log(`Test set: Average loss: ${testLoss.toFixed(4)}, Accuracy: ${correct}/${total} (${((100 * correct) / total).toFixed(0)}%)`);
}

async function main({ epochs = 14, trainSize = 0, saveModel = true } = {}) {
  torch.manualSeed(1);
  const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.1307], [0.3081])]);
  const fullTrainSet = new datasets.MNIST({ train: true, transform });
  const testSet = new datasets.MNIST({ train: false, transform });
  const trainSet = trainSize ? new Subset(fullTrainSet, Array.from({ length: trainSize }, (_, i) => i)) : fullTrainSet;
  const trainLoader = new DataLoader(trainSet, { batchSize: 64, shuffle: true });
  const testLoader = new DataLoader(testSet, { batchSize: 1000 });

  const model = new Net();
  const optimizer = new optim.Adadelta(model.parameters(), { lr: 1.0 });
  const scheduler = new optim.lrScheduler.StepLR(optimizer, 1, { gamma: 0.7 });
  for (let epoch = 1; epoch <= epochs; epoch++) {
    train(model, trainLoader, optimizer, epoch);
    test(model, testLoader);
    scheduler.step();
  }
  if (saveModel) await torch.save(model.stateDict(), 'mnist_mlp.safetensors');
}
// #endregion readme

/** The lines between the region markers, as written in this file. */
function regionSource(): string {
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const match = /\/\/ #region readme\n([\s\S]*?)\/\/ #endregion readme\n/.exec(source);
  if (!match?.[1]) throw new Error('readme region markers not found');
  return match[1];
}

/** The README's Kiln code block of the "MNIST next to PyTorch" section. */
function readmeKilnBlock(): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.split('## MNIST next to PyTorch')[1]?.split('\n## ')[0] ?? '';
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README: no ts block in the "MNIST next to PyTorch" section');
  return block;
}

describe('README: MNIST next to PyTorch', () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows exactly the code this test runs', () => {
    expect(readmeKilnBlock()).toBe(`${regionSource()}\nmain();\n`);
  });

  it('trains: one short epoch lowers the loss and beats chance on the test split', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    await main({ epochs: 1, trainSize: 1280, saveModel: false });

    const losses = lines.flatMap((l) => /Loss: ([\d.]+)/.exec(l)?.[1] ?? []).map(Number);
    expect(losses.length).toBe(2); // 20 batches of 64, logged every 10
    expect(losses[1]!).toBeLessThan(losses[0]! * 0.6);
    const accuracy = Number(/Accuracy: (\d+)\//.exec(lines.at(-1) ?? '')?.[1]) / 2000;
    expect(accuracy).toBeGreaterThan(0.6);
  });
});
