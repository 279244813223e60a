import { describe, expect, it } from 'vitest';
import { manualSeed, memory, noGrad, randn, tidy, type Tensor } from '@kiln/tensor';
import '@kiln/autograd';

describe('memory', () => {
  it('backward releases saved tensors and intermediate gradients', () => {
    const x = randn([64], { requiresGrad: true });
    const before = memory().storages;
    const loss = tidy(() => x.exp().mul(x.sin()).div(x.cos().add(2)).sum());
    // the user's tidy disposed every intermediate tensor object, but the graph still holds the saved ones
    expect(memory().storages).toBeGreaterThan(before + 3);
    loss.backward();
    // left: loss and x.grad
    expect(memory().storages).toBe(before + 2);
    expect(x.grad!.shape).toEqual([64]);
  });

  it('retainGraph keeps saved tensors until a backward without it', () => {
    const x = randn([16], { requiresGrad: true });
    const before = memory().storages;
    const loss = tidy(() => x.exp().mul(x).sum());
    const held = memory().storages;
    loss.backward(undefined, { retainGraph: true });
    expect(memory().storages).toBe(held + 1); // + x.grad
    loss.backward();
    expect(memory().storages).toBe(before + 2);
  });

  it('a training loop does not leak', () => {
    const w = randn([8, 8], { requiresGrad: true });
    const step = () => {
      tidy(() => w.matmul(w).relu().sum().backward());
      tidy(() =>
        noGrad(() => {
          w.sub_(w.grad!.mul(1e-3));
          w.grad!.zero_();
        }),
      );
    };
    step();
    const start = memory().storages;
    for (let i = 0; i < 20; i++) step();
    expect(memory().storages).toBe(start);
  });
});

describe('two-layer net (Learning PyTorch with Examples)', () => {
  // the tutorial's N, D_in, H, D_out = 64, 1000, 100, 10, shrunk to keep the suite fast
  const [N, Din, H, Dout] = [16, 64, 24, 5];
  const lr = 1e-4;

  function init(): { x: Tensor; y: Tensor; w1: Tensor; w2: Tensor } {
    manualSeed(0);
    return { x: randn([N, Din]), y: randn([N, Dout]), w1: randn([Din, H]), w2: randn([H, Dout]) };
  }

  it('autograd reproduces the loss curve of manual gradients over 500 steps', () => {
    const manual: number[] = [];
    {
      const { x, y, w1, w2 } = init();
      for (let t = 0; t < 500; t++) {
        tidy(() => {
          const h = x.mm(w1);
          const hRelu = h.clamp({ min: 0 });
          const yPred = hRelu.mm(w2);
          manual.push(yPred.sub(y).pow(2).sum().item() as number);
          const gradYPred = yPred.sub(y).mul(2);
          const gradW2 = hRelu.t().mm(gradYPred);
          const gradH = gradYPred.mm(w2.t()).clone();
          gradH.maskedFill_(h.lt(0), 0);
          const gradW1 = x.t().mm(gradH);
          w1.sub_(gradW1.mul(lr));
          w2.sub_(gradW2.mul(lr));
        });
      }
    }
    const auto: number[] = [];
    {
      const { x, y, w1, w2 } = init();
      w1.requiresGrad_();
      w2.requiresGrad_();
      for (let t = 0; t < 500; t++) {
        tidy(() => {
          const loss = x.mm(w1).clamp({ min: 0 }).mm(w2).sub(y).pow(2).sum();
          auto.push(loss.item() as number);
          loss.backward();
          noGrad(() => {
            w1.sub_(w1.grad!.mul(lr));
            w2.sub_(w2.grad!.mul(lr));
            w1.grad!.zero_();
            w2.grad!.zero_();
          });
        });
      }
    }
    expect(auto[499]!).toBeLessThan(auto[0]! / 10);
    for (let t = 0; t < 500; t++) expect(Math.abs(auto[t]! - manual[t]!)).toBeLessThanOrEqual(1e-4 * manual[t]! + 1e-4);
  });
});
