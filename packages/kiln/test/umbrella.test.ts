/**
 * The umbrella's promise: `import * as torch from 'kiln'` is enough to write PyTorch-shaped code.
 * This file deliberately imports nothing but 'kiln', so a passing `backward()` proves the package
 * loads autograd as a side effect.
 */
import { readFileSync } from 'node:fs';
import type * as autograd from '@kiln/autograd';
import type * as data from '@kiln/data';
import type * as nn from '@kiln/nn';
import type * as optim from '@kiln/optim';
import type * as lrScheduler from '@kiln/optim/lr-scheduler';
import type * as tensor from '@kiln/tensor';
import type * as vision from '@kiln/vision';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import * as torch from 'kiln';

class LeNet extends torch.nn.Module {
  conv1 = new torch.nn.Conv2d(1, 6, 5);
  conv2 = new torch.nn.Conv2d(6, 16, 5);
  fc1 = new torch.nn.Linear(16 * 5 * 5, 120);
  fc2 = new torch.nn.Linear(120, 84);
  fc3 = new torch.nn.Linear(84, 10);

  override forward(x: torch.Tensor): torch.Tensor {
    const F = torch.nn.functional;
    x = F.maxPool2d(F.relu(this.conv1.call(x)), 2);
    x = F.maxPool2d(F.relu(this.conv2.call(x)), 2);
    x = torch.flatten(x, 1);
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    return this.fc3.call(x);
  }
}

describe('kiln umbrella namespaces', () => {
  it('puts @kiln/tensor at the top level, like torch.*', () => {
    expect(torch.tensor([1, 2]).shape).toEqual([2]);
    expect(torch.zeros([2, 3]).shape).toEqual([2, 3]);
    expect(torch.cat([torch.ones([1]), torch.zeros([2])]).tolist()).toEqual([1, 0, 0]);
    expect(torch.DTYPES).toContain('float32');
    expect(torch.isGradEnabled()).toBe(true);
    torch.noGrad(() => expect(torch.isGradEnabled()).toBe(false));
    torch.manualSeed(1);
    const a = torch.randn([3]).tolist();
    torch.manualSeed(1);
    expect(torch.randn([3]).tolist()).toEqual(a);
  });

  it('follows PyTorch module paths for the other packages', () => {
    expect(typeof torch.nn.Linear).toBe('function');
    expect(typeof torch.nn.functional.crossEntropy).toBe('function');
    expect(typeof torch.nn.init.kaimingUniform_).toBe('function');
    expect(typeof torch.nn.utils.clipGradNorm_).toBe('function');
    expect(typeof torch.optim.SGD).toBe('function');
    expect(typeof torch.optim.lrScheduler.StepLR).toBe('function');
    expect(typeof torch.utils.data.DataLoader).toBe('function');
    expect(typeof torch.vision.transforms.Normalize).toBe('function');
    expect(typeof torch.vision.datasets.MNIST).toBe('function');
    expect(typeof torch.autograd.grad).toBe('function');
    expect(typeof torch.autograd.Function).toBe('function');
    expect(typeof torch.autograd.gradcheck).toBe('function');
  });
});

describe('kiln umbrella types', () => {
  it('re-exports the packages with their own types (no any)', () => {
    expectTypeOf(torch.tensor).toEqualTypeOf<typeof tensor.tensor>();
    expectTypeOf(torch.nn.Linear).toEqualTypeOf<typeof nn.Linear>();
    expectTypeOf(torch.nn.functional.relu).toEqualTypeOf<typeof nn.functional.relu>();
    expectTypeOf(torch.optim.SGD).toEqualTypeOf<typeof optim.SGD>();
    expectTypeOf(torch.optim.lrScheduler.StepLR).toEqualTypeOf<typeof lrScheduler.StepLR>();
    expectTypeOf(torch.utils.data.DataLoader).toEqualTypeOf<typeof data.DataLoader>();
    expectTypeOf(torch.vision.datasets.MNIST).toEqualTypeOf<typeof vision.datasets.MNIST>();
    expectTypeOf(torch.autograd.grad).toEqualTypeOf<typeof autograd.grad>();
    expectTypeOf(torch.nn).not.toBeAny();
    expectTypeOf(torch.optim).not.toBeAny();
    // Classes double as types through the namespaces.
    expectTypeOf<torch.nn.Module>().toEqualTypeOf<nn.Module>();
    expectTypeOf<torch.optim.Optimizer>().toEqualTypeOf<optim.Optimizer>();
  });
});

describe('training through torch.*', () => {
  it('backward() works without importing @kiln/autograd', () => {
    const x = torch.tensor([2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(x.grad?.tolist()).toEqual([4, 6]);
    const [g] = torch.autograd.grad(x.pow(3).sum(), [x]);
    expect(g?.tolist()).toEqual([12, 27]);
  });

  it('runs a LeNet forward, backward and optimizer step', () => {
    torch.manualSeed(0);
    const net = new LeNet();
    const optimizer = new torch.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
    const scheduler = new torch.optim.lrScheduler.StepLR(optimizer, 1, { gamma: 0.5 });
    const input = torch.randn([4, 1, 32, 32]);
    const target = torch.tensor([0, 1, 2, 3]);
    const criterion = new torch.nn.CrossEntropyLoss();

    const before = net.fc3.weight.clone();
    optimizer.zeroGrad();
    const loss = criterion.call(net.call(input), target);
    loss.backward();
    expect(net.conv1.weight.grad?.shape).toEqual([6, 1, 5, 5]);
    optimizer.step();
    scheduler.step();
    expect(torch.equal(before, net.fc3.weight)).toBe(false);
    expect(optimizer.paramGroups[0]?.lr).toBeCloseTo(0.005);
  });

  it('trains an MLP from a DataLoader over a TensorDataset', () => {
    torch.manualSeed(0);
    // y = 1 when x0 + x1 > 0: linearly separable, so a few epochs must lower the loss.
    const x = torch.randn([64, 2]);
    const y = x.sum(1).gt(0).to({ dtype: 'int32' });
    const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(x, y), { batchSize: 16, shuffle: true });
    const model = new torch.nn.Sequential(new torch.nn.Linear(2, 16), new torch.nn.ReLU(), new torch.nn.Linear(16, 2));
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.05 });

    const epochLoss = (): number => {
      let total = 0;
      for (const batch of loader) {
        // TensorDataset samples are typed Tensor[] (any arity), so name the two columns.
        const [xb, yb] = batch as [torch.Tensor, torch.Tensor];
        optimizer.zeroGrad();
        const loss = torch.nn.functional.crossEntropy(model.call(xb), yb);
        loss.backward();
        optimizer.step();
        total += Number(loss.item()); // item() is number | boolean (bool tensors)
      }
      return total / loader.length;
    };
    const first = epochLoss();
    let last = first;
    for (let epoch = 0; epoch < 5; epoch++) last = epochLoss();
    expect(last).toBeLessThan(first * 0.7);
  });
});

/** The README example, verbatim after its import line (checked against packages/kiln/README.md). */
function readmeExample(): void {
  const { nn, optim } = torch;
  const { DataLoader, TensorDataset } = torch.utils.data;

  torch.manualSeed(0);
  // y = 2x + 5 plus a little noise, served in shuffled batches of 32.
  const x = torch.randn([256, 1]);
  const y = x.mul(2).add(5).add(torch.randn([256, 1]).mul(0.1));
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true });

  const model = new nn.Sequential(new nn.Linear(1, 16), new nn.ReLU(), new nn.Linear(16, 1));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
  const scheduler = new optim.lrScheduler.StepLR(optimizer, 10, { gamma: 0.5 });

  const losses: number[] = [];
  for (let epoch = 0; epoch < 30; epoch++) {
    let total = 0;
    for (const [xb, yb] of loader) {
      optimizer.zeroGrad();
      const loss = nn.functional.mseLoss(model.call(xb!), yb!);
      loss.backward(); // autograd is loaded by `kiln`
      optimizer.step();
      total += Number(loss.item());
    }
    scheduler.step();
    losses.push(total / loader.length);
  }
  const [first, last] = [losses[0]!, losses.at(-1)!];
  console.log(`loss fell: ${first.toFixed(3)} → ${last.toFixed(4)}`);
  console.log(torch.noGrad(() => model.call(torch.tensor([[1.5]])).item())); // ≈ 8 (= 2 · 1.5 + 5)
}

describe('packages/kiln/README.md', () => {
  it('holds the example this test runs', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const fn = /function readmeExample\(\): void \{\n([\s\S]*?)\n\}\n/.exec(source)?.[1] ?? '';
    const dedented = fn.split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n');
    expect(block).toBe(`import * as torch from 'kiln';\n\n${dedented}\n`);
  });

  it('runs: the loss falls and the fit is close to y = 2x + 5', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    readmeExample();
    vi.restoreAllMocks();
    const [, first, last] = /loss fell: ([\d.]+) → ([\d.]+)/.exec(lines[0] ?? '') ?? [];
    expect(Number(last)).toBeLessThan(Number(first) / 10);
    expect(Number(lines[1])).toBeCloseTo(8, 0);
  });
});
