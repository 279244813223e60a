/**
 * The 60-minute blitz's image classifier (seed 004, 五、图像分类器): load and normalise CIFAR-10,
 * define a convolutional network, a cross-entropy loss and SGD with momentum, train for 2 epochs
 * printing the running loss, save and reload the weights, and report the accuracy overall and
 * per class, plus a picture of test images with their predicted classes.
 *
 * CIFAR-10 is read from `--root` (the binary version: `<root>/cifar-10-batches-bin/data_batch_1.bin`
 * … `data_batch_5.bin`, `test_batch.bin`, from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz).
 * Without it the script says so and trains on a synthetic stand-in through the same code path:
 * random 32×32 colour images whose class decides their colour scheme, so accuracy can rise.
 *
 *   pnpm cifar10 [--root data] [--epochs 2] [--batch-size 4] [--lr 0.001] [--limit N] [--out out]
 */
import '@kiln/autograd';
import { DataLoader, Dataset, Subset } from '@kiln/data';
import * as F from '@kiln/functional';
import * as nn from '@kiln/nn';
import { SGD } from '@kiln/optim';
import { Generator, load, manualSeed, noGrad, save, stack, tidy, type Tensor } from '@kiln/tensor';
import { datasets, transforms as T, type RawImage } from '@kiln/vision';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { flag, isMain } from './cli.js';
import { drawLabelledGrid } from './plot.js';

// classes = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')
export const classes = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/** The network of the tutorial: LeNet with 3 input channels. */
export class Net extends nn.Module {
  conv1 = new nn.Conv2d(3, 6, 5); //              self.conv1 = nn.Conv2d(3, 6, 5)
  pool = new nn.MaxPool2d(2, { stride: 2 }); //   self.pool = nn.MaxPool2d(2, 2)
  conv2 = new nn.Conv2d(6, 16, 5); //             self.conv2 = nn.Conv2d(6, 16, 5)
  fc1 = new nn.Linear(16 * 5 * 5, 120); //        self.fc1 = nn.Linear(16 * 5 * 5, 120)
  fc2 = new nn.Linear(120, 84); //                self.fc2 = nn.Linear(120, 84)
  fc3 = new nn.Linear(84, 10); //                 self.fc3 = nn.Linear(84, 10)

  override forward(x: Tensor): Tensor {
    x = this.pool.call(F.relu(this.conv1.call(x))); //  x = self.pool(F.relu(self.conv1(x)))
    x = this.pool.call(F.relu(this.conv2.call(x))); //  x = self.pool(F.relu(self.conv2(x)))
    x = x.view(-1, 16 * 5 * 5); //                      x = x.view(-1, 16 * 5 * 5)
    x = F.relu(this.fc1.call(x)); //                    x = F.relu(self.fc1(x))
    x = F.relu(this.fc2.call(x)); //                    x = F.relu(self.fc2(x))
    return this.fc3.call(x); //                         x = self.fc3(x)
  }
}

/**
 * A stand-in for CIFAR-10 when the files are not there: `[RawImage, label]` pairs like
 * datasets.CIFAR10's, so the transforms and the rest of the script are the same. Each class has
 * a two-colour scheme (top half, bottom half); every image adds strong per-pixel noise and a random
 * brightness shift, so the network has something to learn but it is not trivial.
 */
export class SyntheticCIFAR10 extends Dataset<[RawImage, number]> {
  readonly data: Uint8Array;
  readonly targets: Int32Array;
  constructor(readonly size: number, seed: number, private readonly transform?: T.Compose) {
    super();
    const g = new Generator(seed);
    const palette = Array.from({ length: 20 }, (_, i) => [(i * 97) % 256, (i * 57 + 80) % 256, (i * 151 + 30) % 256]);
    this.data = new Uint8Array(size * 32 * 32 * 3);
    this.targets = new Int32Array(size);
    const noise = g.normal(size * 32 * 32 * 3);
    const shift = g.normal(size);
    for (let n = 0; n < size; n++) {
      const label = n % 10;
      this.targets[n] = label;
      for (let y = 0; y < 32; y++) {
        const colour = palette[y < 16 ? label : 10 + label]!;
        for (let x = 0; x < 32; x++) {
          for (let c = 0; c < 3; c++) {
            const i = ((n * 32 + y) * 32 + x) * 3 + c;
            this.data[i] = Math.max(0, Math.min(255, Math.round(colour[c]! + 60 * noise[i]! + 30 * shift[n]!)));
          }
        }
      }
    }
  }
  get length(): number {
    return this.size;
  }
  getItem(i: number): [RawImage, number] {
    const img: RawImage = { data: this.data.subarray(i * 3072, (i + 1) * 3072), width: 32, height: 32, channels: 3 };
    return [this.transform ? (this.transform.call(img) as unknown as RawImage) : img, this.targets[i]!];
  }
}

export interface CifarOptions {
  root: string;
  epochs: number;
  batchSize: number;
  lr: number;
  /** Use only the first `limit` training images (and limit/4 test images); 0 = all. */
  limit: number;
  out: string;
  print?: (line: string) => void;
}

export interface CifarResult {
  synthetic: boolean;
  runningLosses: number[];
  accuracy: number;
  reloadedAccuracy: number;
  perClass: number[];
  checkpointPath: string;
  gridPath: string;
}

/** Loads CIFAR-10 from `root`, or says what is missing and returns the synthetic stand-in. */
function loadData(root: string, transform: T.Compose, print: (s: string) => void): { train: Dataset<unknown>; test: Dataset<unknown>; synthetic: boolean } {
  try {
    // trainset = torchvision.datasets.CIFAR10(root='./data', train=True, download=True, transform=transform)
    const train = new datasets.CIFAR10({ root, train: true, transform });
    const test = new datasets.CIFAR10({ root, train: false, transform });
    return { train: train as unknown as Dataset<unknown>, test: test as unknown as Dataset<unknown>, synthetic: false };
  } catch (e) {
    if (!(e instanceof datasets.DatasetNotFoundError)) throw e;
    print(
      `CIFAR-10 was not found: ${join(root, 'cifar-10-batches-bin', 'data_batch_1.bin')} is missing.\n` +
        `To train on the real data, download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, extract it so that\n` +
        `  ${join(root, 'cifar-10-batches-bin')}/data_batch_1.bin … data_batch_5.bin and test_batch.bin\n` +
        `exist, and run again with --root ${root}.\nTraining on a synthetic stand-in instead: 2,000 + 500 noisy images whose two-colour scheme gives their class.\n`,
    );
    return { train: new SyntheticCIFAR10(2000, 1, transform), test: new SyntheticCIFAR10(500, 2, transform), synthetic: true };
  }
}

function head(ds: Dataset<unknown>, n: number): Dataset<unknown> {
  return n > 0 && n < ds.length ? (new Subset(ds, Array.from({ length: n }, (_, i) => i)) as unknown as Dataset<unknown>) : ds;
}

/** Accuracy overall and per class. */
function evaluate(net: Net, loader: DataLoader<any, any>): { accuracy: number; perClass: number[] } {
  const classCorrect = new Array<number>(10).fill(0), classTotal = new Array<number>(10).fill(0);
  noGrad(() => {
    //                                                                        with torch.no_grad():
    for (const [images, labels] of loader as Iterable<[Tensor, Tensor]>) {
      //                                                                      for data in testloader: images, labels = data
      const predicted = tidy(() => net.call(images).max(1).indices); //       _, predicted = torch.max(outputs, 1)
      const p = predicted.tolist() as number[], l = labels.tolist() as number[];
      l.forEach((label, i) => {
        classTotal[label]!++;
        if (p[i] === label) classCorrect[label]!++;
      });
      predicted.dispose();
    }
  });
  const total = classTotal.reduce((a, b) => a + b, 0), correct = classCorrect.reduce((a, b) => a + b, 0);
  return { accuracy: correct / total, perClass: classCorrect.map((c, i) => c / Math.max(classTotal[i]!, 1)) };
}

export async function run(o: CifarOptions): Promise<CifarResult> {
  const print = o.print ?? console.log;
  manualSeed(0);
  // transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
  const transform = new T.Compose([new T.ToTensor(), new T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]);
  const data = loadData(o.root, transform, print);
  const trainset = head(data.train, o.limit);
  const testset = head(data.test, o.limit > 0 ? Math.max(100, Math.floor(o.limit / 4)) : 0);
  const trainloader = new DataLoader(trainset, { batchSize: o.batchSize, shuffle: true }); // torch.utils.data.DataLoader(trainset, batch_size=4, shuffle=True)
  const testloader = new DataLoader(testset, { batchSize: o.batchSize, shuffle: false });
  print(`${data.synthetic ? 'synthetic stand-in' : 'CIFAR-10'}: ${trainset.length} training and ${testset.length} test images`);

  const net = new Net(); //                                                   net = Net()
  const criterion = new nn.CrossEntropyLoss(); //                             criterion = nn.CrossEntropyLoss()
  const optimizer = new SGD(net.parameters(), { lr: o.lr, momentum: 0.9 }); // optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

  const every = Math.max(1, Math.min(2000, Math.floor(trainloader.length / 4))); // the tutorial prints every 2000 mini-batches
  const runningLosses: number[] = [];
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    //                                                                        for epoch in range(2):  # loop over the dataset multiple times
    let runningLoss = 0.0; //                                                 running_loss = 0.0
    let i = 0;
    for (const [inputs, labels] of trainloader as Iterable<[Tensor, Tensor]>) {
      //                                                                      for i, data in enumerate(trainloader, 0): inputs, labels = data
      runningLoss += tidy(() => {
        optimizer.zeroGrad(); //                                              optimizer.zero_grad()  # zero the parameter gradients
        const outputs = net.call(inputs); //                                  outputs = net(inputs)  # forward + backward + optimize
        const loss = criterion.call(outputs, labels); //                      loss = criterion(outputs, labels)
        loss.backward(); //                                                   loss.backward()
        optimizer.step(); //                                                  optimizer.step()
        return loss.item() as number; //                                      running_loss += loss.item()
      });
      inputs.dispose();
      labels.dispose();
      if (i % every === every - 1) {
        //                                                                    if i % 2000 == 1999:  # print every 2000 mini-batches
        print(`[${epoch + 1}, ${String(i + 1).padStart(5)}] loss: ${(runningLoss / every).toFixed(3)}`);
        runningLosses.push(runningLoss / every);
        runningLoss = 0.0;
      }
      i++;
    }
  }
  print('Finished Training');

  mkdirSync(o.out, { recursive: true });
  const checkpointPath = join(o.out, 'cifar_net.safetensors'); //              PATH = './cifar_net.pth'
  await save(net.stateDict(), checkpointPath); //                             torch.save(net.state_dict(), PATH)

  const { accuracy } = evaluate(net, testloader);
  const reloaded = new Net(); //                                              net = Net()
  reloaded.loadStateDict(await load(checkpointPath)); //                      net.load_state_dict(torch.load(PATH))
  const { accuracy: reloadedAccuracy, perClass } = evaluate(reloaded, testloader);
  print(`Accuracy of the network on the ${testset.length} test images: ${Math.round(100 * reloadedAccuracy)} %`);
  perClass.forEach((a, k) => print(`Accuracy of ${classes[k]!.padEnd(5)} : ${Math.round(100 * a)} %`));

  // dataiter = iter(testloader); images, labels = dataiter.next(); imshow(torchvision.utils.make_grid(images))
  const raw = data.synthetic ? new SyntheticCIFAR10(500, 2) : new datasets.CIFAR10({ root: o.root, train: false });
  const shown = Array.from({ length: 16 }, (_, i) => raw.getItem(i) as [RawImage, number]);
  const outputs = noGrad(() => reloaded.call(stack(shown.map(([img]) => transform.call(img) as Tensor))));
  const predicted = outputs.max(1).indices.tolist() as number[]; //          _, predicted = torch.max(outputs, 1)
  print(`GroundTruth: ${shown.slice(0, 4).map(([, l]) => classes[l]).join(' ')}`);
  print(`Predicted:   ${predicted.slice(0, 4).map((p) => classes[p]).join(' ')}`);
  const gridPath = join(o.out, 'cifar10-predictions.png');
  drawLabelledGrid(shown.map(([img]) => img), predicted.map((p) => classes[p]!), predicted.map((p, i) => p === shown[i]![1]), gridPath, { nrow: 8, scale: 3 });
  print(`wrote ${gridPath}`);
  return { synthetic: data.synthetic, runningLosses, accuracy, reloadedAccuracy, perClass, checkpointPath, gridPath };
}

if (isMain(import.meta.url)) {
  await run({
    root: flag('root', 'data'),
    epochs: Number(flag('epochs', '2')),
    batchSize: Number(flag('batch-size', '4')),
    lr: Number(flag('lr', '0.001')),
    limit: Number(flag('limit', '0')),
    out: flag('out', 'out'),
  });
}
