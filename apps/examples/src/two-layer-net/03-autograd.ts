/**
 * Step 3 (seed 001, "PyTorch 的自动求导"): the same network, but autograd computes the gradients.
 * The weights are created with `requiresGrad: true`, `loss.backward()` fills `w1.grad` and
 * `w2.grad`, and the update runs inside `noGrad` as an in-place `sub_` — PyTorch's `w1 -= lr * w1.grad`.
 *
 * `demonstrateRebindingPitfall()` shows the tutorial's "补充说明": writing `w1 = w1 - lr * w1.grad`
 * instead makes a *new* tensor with no gradient, so the next `w1.grad.zero_()` fails.
 *
 *   pnpm two-layer-net:autograd   (node --conditions=@kiln/source --import tsx src/two-layer-net/03-autograd.ts)
 */
import '@kiln/autograd'; // enables loss.backward()
import { fromTypedArray, noGrad, tidy, type Tensor } from '@kiln/tensor';
import { isMain } from '../cli.js';
import { TUTORIAL, initialData, type TwoLayerConfig } from './config.js';

/** Trains for `c.steps` steps and returns the loss after each. */
export function run(c: TwoLayerConfig = TUTORIAL): number[] {
  const d = initialData(c); // the same x, y, w1, w2 as steps 1 and 2
  const x = fromTypedArray(d.x, [c.N, c.Din]); //                      x = torch.randn(N, D_in)
  const y = fromTypedArray(d.y, [c.N, c.Dout]); //                     y = torch.randn(N, D_out)
  const w1 = fromTypedArray(d.w1, [c.Din, c.H]).requiresGrad_(); //     w1 = torch.randn(D_in, H, requires_grad=True)
  const w2 = fromTypedArray(d.w2, [c.H, c.Dout]).requiresGrad_(); //    w2 = torch.randn(H, D_out, requires_grad=True)
  const losses: number[] = [];
  for (let t = 0; t < c.steps; t++) {
    // tidy() frees this step's graph and intermediates (Python's garbage collector does it there)
    tidy(() => {
      const yPred = x.mm(w1).clamp({ min: 0 }).mm(w2); //                y_pred = x.mm(w1).clamp(min=0).mm(w2)
      const loss = yPred.sub(y).pow(2).sum(); //                         loss = (y_pred - y).pow(2).sum()
      const value = loss.item() as number; //                            print(t, loss.item())
      losses.push(value);
      c.log?.(t, value);
      loss.backward(); //                                                loss.backward()
      noGrad(() => {
        //                                                               with torch.no_grad():
        w1.sub_(w1.grad!.mul(c.learningRate)); //                            w1 -= learning_rate * w1.grad
        w2.sub_(w2.grad!.mul(c.learningRate)); //                            w2 -= learning_rate * w2.grad
        w1.grad!.zero_(); //                                                 w1.grad.zero_()
        w2.grad!.zero_(); //                                                 w2.grad.zero_()
      });
    });
  }
  return losses;
}

/** What the pitfall left behind, for the test. */
export interface PitfallReport {
  sameObjectAfterSub_: boolean;
  sameObjectAfterRebind: boolean;
  requiresGradAfterRebind: boolean;
  gradAfterRebind: Tensor | null;
  zeroError: string;
}

/**
 * The tutorial's "-=" pitfall: `w1 = w1 - lr * w1.grad` rebinds the name to a brand-new tensor
 * (Python's `id(w1)` changes), which has `requires_grad=False` and `grad=None`, so
 * `w1.grad.zero_()` fails. `w1 -= …` (Kiln: `w1.sub_(…)`) updates the same tensor in place.
 */
export function demonstrateRebindingPitfall(c: TwoLayerConfig = TUTORIAL, print: (line: string) => void = console.log): PitfallReport {
  const d = initialData(c);
  const x = fromTypedArray(d.x, [c.N, c.Din]);
  const y = fromTypedArray(d.y, [c.N, c.Dout]);
  let w1 = fromTypedArray(d.w1, [c.Din, c.H]).requiresGrad_();
  const w2 = fromTypedArray(d.w2, [c.H, c.Dout]).requiresGrad_();
  const backward = () => x.mm(w1).clamp({ min: 0 }).mm(w2).sub(y).pow(2).sum().backward();

  // The right way: an in-place update keeps the same tensor (same id), its grad and requiresGrad.
  backward();
  const before = w1;
  noGrad(() => w1.sub_(w1.grad!.mul(c.learningRate))); //   w1 -= learning_rate * w1.grad
  const sameObjectAfterSub_ = before === w1;
  print(`w1.sub_(…):      same tensor: ${sameObjectAfterSub_}, requiresGrad: ${w1.requiresGrad}, grad: ${w1.grad ? 'a tensor' : null}`);
  w1.grad!.zero_();

  // The pitfall: rebinding makes a new tensor (Python: print(id(w1)) shows a new id).
  backward();
  const old = w1;
  noGrad(() => {
    w1 = w1.sub(w1.grad!.mul(c.learningRate)); //            w1 = w1 - learning_rate * w1.grad
  });
  const report: PitfallReport = {
    sameObjectAfterSub_,
    sameObjectAfterRebind: old === w1,
    requiresGradAfterRebind: w1.requiresGrad,
    gradAfterRebind: w1.grad,
    zeroError: '',
  };
  print(`w1 = w1.sub(…):  same tensor: ${report.sameObjectAfterRebind}, requiresGrad: ${w1.requiresGrad}, grad: ${w1.grad}`);
  try {
    w1.grad!.zero_(); //                                     w1.grad.zero_()  → AttributeError: 'NoneType' object has no attribute 'zero_'
  } catch (e) {
    report.zeroError = (e as Error).message;
    print(`w1.grad.zero_() then fails: ${(e as Error).constructor.name}: ${(e as Error).message}`);
  }
  return report;
}

if (isMain(import.meta.url)) {
  run({ ...TUTORIAL, log: (t, loss) => console.log(t, loss) });
  console.log('\nThe "-=" pitfall (seed 001, 补充说明):');
  demonstrateRebindingPitfall();
}
