/**
 * Step 2: the same network with Kiln tensors and manual gradients (the tutorial's torch version
 * before autograd). numpy → Kiln: `dot` → `mm`, `W.T` → `W.t()`, `np.square` → `pow(2)`,
 * `copy` → `clone`, `grad_h[h < 0] = 0` → `gradH.maskedFill_(h.lt(0), 0)`, `.item()` to read.
 *
 *   node --conditions=@kiln/source --import tsx src/two-layer-net/02-tensors.ts
 */
import { fromTypedArray, tidy } from '@kiln/tensor';
import { isMain } from '../cli.js';
import { TUTORIAL, initialData, type TwoLayerConfig } from './config.js';

/** Trains for `c.steps` steps and returns the loss after each. */
export function run(c: TwoLayerConfig = TUTORIAL): number[] {
  const d = initialData(c);
  const x = fromTypedArray(d.x, [c.N, c.Din]);
  const y = fromTypedArray(d.y, [c.N, c.Dout]);
  let w1 = fromTypedArray(d.w1, [c.Din, c.H]);
  let w2 = fromTypedArray(d.w2, [c.H, c.Dout]);
  const losses: number[] = [];
  for (let t = 0; t < c.steps; t++) {
    // tidy() frees this step's intermediates; the new weights are returned and kept
    [w1, w2] = tidy(() => {
      const h = x.mm(w1);
      const hRelu = h.clamp({ min: 0 });
      const yPred = hRelu.mm(w2);
      const loss = yPred.sub(y).pow(2).sum().item() as number;
      losses.push(loss);
      c.log?.(t, loss);
      const gradYPred = yPred.sub(y).mul(2.0);
      const gradW2 = hRelu.t().mm(gradYPred);
      const gradHRelu = gradYPred.mm(w2.t());
      const gradH = gradHRelu.clone();
      gradH.maskedFill_(h.lt(0), 0);
      const gradW1 = x.t().mm(gradH);
      // w1 = w1 - learning_rate * grad_w1 (rebinding is fine here: nothing tracks gradients)
      return [w1.sub(gradW1.mul(c.learningRate)), w2.sub(gradW2.mul(c.learningRate))];
    });
  }
  return losses;
}

if (isMain(import.meta.url)) run({ ...TUTORIAL, log: (t, loss) => console.log(t, loss) });
