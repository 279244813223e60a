/**
 * Step 1 of the seed tutorial: the two-layer net with plain typed arrays and hand-written
 * backpropagation — what the tutorial does with numpy. No Kiln tensors at all.
 *
 *   node --conditions=@kiln/source --import tsx src/two-layer-net/01-typed-arrays.ts
 */
import { isMain } from '../cli.js';
import { TUTORIAL, initialData, type TwoLayerConfig } from './config.js';

/** out[m×n] = a[m×k] · b[k×n] (numpy's a.dot(b)); `ta`/`tb` read a or b transposed (a.T.dot(b)). */
function dot(a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta = false, tb = false): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = ta ? a[p * m + i]! : a[i * k + p]!;
      if (av === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += av * (tb ? b[j * k + p]! : b[p * n + j]!);
    }
  }
  return out;
}

/** Trains for `c.steps` steps and returns the loss after each. */
export function run(c: TwoLayerConfig = TUTORIAL): number[] {
  const { N, Din, H, Dout, learningRate } = c;
  const { x, y, w1, w2 } = initialData(c);
  const losses: number[] = [];
  for (let t = 0; t < c.steps; t++) {
    // forward: h = x.dot(w1); h_relu = max(h, 0); y_pred = h_relu.dot(w2)
    const h = dot(x, w1, N, Din, H);
    const hRelu = h.map((v) => Math.max(v, 0));
    const yPred = dot(hRelu, w2, N, H, Dout);
    // loss = sum((y_pred - y)^2)
    let loss = 0;
    const gradYPred = new Float32Array(N * Dout);
    for (let i = 0; i < N * Dout; i++) {
      const d = yPred[i]! - y[i]!;
      loss += d * d;
      gradYPred[i] = 2 * d;
    }
    losses.push(loss);
    c.log?.(t, loss);
    // backward
    const gradW2 = dot(hRelu, gradYPred, H, N, Dout, true); // h_relu.T.dot(grad_y_pred)
    const gradH = dot(gradYPred, w2, N, Dout, H, false, true); // grad_y_pred.dot(w2.T)
    for (let i = 0; i < N * H; i++) if (h[i]! < 0) gradH[i] = 0; // grad_h[h < 0] = 0
    const gradW1 = dot(x, gradH, Din, N, H, true); // x.T.dot(grad_h)
    // update: w -= learning_rate * grad
    for (let i = 0; i < w1.length; i++) w1[i]! -= learningRate * gradW1[i]!;
    for (let i = 0; i < w2.length; i++) w2[i]! -= learningRate * gradW2[i]!;
  }
  return losses;
}

if (isMain(import.meta.url)) run({ ...TUTORIAL, log: (t, loss) => console.log(t, loss) });
