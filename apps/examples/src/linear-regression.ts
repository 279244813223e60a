/**
 * Linear regression (seed 002, "2 线性回归"): fit y = w·x + b to 20 noisy points of y = 2x + 5
 * with gradient descent on loss = mean(0.5·(y − ŷ)²), stopping when the loss drops below 1 —
 * first with hand-written updates (`b.data.sub_(lr * b.grad)`), then with `optim.SGD`, which takes
 * exactly the same steps. Then it keeps going without the early stop until the fit reaches the
 * least-squares line (w ≈ 2, b ≈ 5 within the noise), and writes `linear-regression.png`: the
 * data points, the fitted line (grey: the fits every 5 iterations, as the tutorial's animation
 * shows them) and the loss curve.
 *
 *   pnpm linear-regression [--out out] [--lr 0.04] [--iterations 100] [--stop-loss 1]
 *
 * Kiln's random generator is not PyTorch's, so `manualSeed(10)` draws other points than
 * `torch.manual_seed(10)`. For Kiln's 20 points the tutorial's lr 0.05 is just above the stability
 * limit of gradient descent (2 / largest eigenvalue of the loss's Hessian = 0.048; PyTorch's points
 * happen to allow 0.05), so it diverges — try `--lr 0.05` to watch — and the default here is 0.04.
 */
import '@kiln/autograd';
import { SGD } from '@kiln/optim';
import { manualSeed, noGrad, rand, randn, tidy, zeros, type Tensor } from '@kiln/tensor';
import { join } from 'node:path';
import { flag, isMain } from './cli.js';
import { Axes, BLUE, Canvas, GREY, RED } from './plot.js';

export interface RegressionOptions {
  /** Maximum number of iterations (the tutorial's `range(100)`). */
  iterations?: number;
  /** Stop once the loss is below this (the tutorial's `if loss < 1: break`); 0 never stops early. */
  stopLoss?: number;
  /** Learning rate (0.04; the tutorial's 0.05 diverges on Kiln's points, see above). */
  lr?: number;
  /** Seed of the data and of w's initial value (10). */
  seed?: number;
  /** 'manual' updates w and b by hand, 'sgd' uses optim.SGD. */
  method?: 'manual' | 'sgd';
  /** Called every 5 iterations like the tutorial's plotting block. */
  log?: (iteration: number, loss: number, w: number, b: number) => void;
}

export interface RegressionResult {
  x: number[];
  y: number[];
  w: number;
  b: number;
  losses: number[];
  /** (w, b) every 5 iterations, for the picture. */
  snapshots: { iteration: number; w: number; b: number }[];
}

/** The 20 data points: torch.manual_seed(10); x = torch.rand(20, 1) * 10; y = 2*x + (5 + torch.randn(20, 1)). */
export function makeData(seed = 10): { x: Tensor; y: Tensor } {
  manualSeed(seed); //                           torch.manual_seed(10)
  const x = rand(20, 1).mul(10); //            x = torch.rand(20, 1) * 10
  const y = x.mul(2).add(randn(20, 1).add(5)); // y = 2*x + (5 + torch.randn(20, 1))
  return { x, y };
}

export function fit(options: RegressionOptions = {}): RegressionResult {
  const { iterations = 100, stopLoss = 1, lr = 0.04, method = 'manual', seed = 10 } = options;
  const { x, y } = makeData(seed);
  const w = randn([1], { requiresGrad: true }); //  w = torch.randn((1), requires_grad=True)
  const b = zeros([1], { requiresGrad: true }); //  b = torch.zeros((1), requires_grad=True)
  const optimizer = method === 'sgd' ? new SGD([w, b], { lr }) : null; // optimizer = torch.optim.SGD([w, b], lr=lr)
  const losses: number[] = [];
  const snapshots: RegressionResult['snapshots'] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    const value = tidy(() => {
      const wx = w.mul(x); //                               wx = torch.mul(w, x)
      const yPred = wx.add(b); //                           y_pred = torch.add(wx, b)
      const loss = y.sub(yPred).pow(2).mul(0.5).mean(); //  loss = (0.5 * (y - y_pred) ** 2).mean()
      optimizer?.zeroGrad(); //                             optimizer.zero_grad()  (SGD version)
      loss.backward(); //                                   loss.backward()
      if (optimizer) {
        optimizer.step(); //                                optimizer.step()
      } else {
        // b.data.sub_(lr * b.grad); w.data.sub_(lr * w.grad) — Kiln has no .data: update under noGrad
        noGrad(() => {
          b.sub_(b.grad!.mul(lr));
          w.sub_(w.grad!.mul(lr));
        });
        w.grad!.zero_(); //                                 w.grad.zero_()
        b.grad!.zero_(); //                                 b.grad.zero_()
      }
      return loss.item() as number;
    });
    losses.push(value);
    if (iteration % 5 === 0) {
      //                                                    if iteration % 5 == 0: plt.scatter(...); plt.plot(...)
      snapshots.push({ iteration, w: w.item() as number, b: b.item() as number });
      options.log?.(iteration, value, w.item() as number, b.item() as number);
    }
    if (value < stopLoss) break; //                         if loss.data.numpy() < 1: break
  }
  return { x: x.flatten().tolist() as number[], y: y.flatten().tolist() as number[], w: w.item() as number, b: b.item() as number, losses, snapshots };
}

/** Draws the data, the fits and the loss curve into a 960×400 PNG. */
export function drawPlot(r: RegressionResult, path: string): { width: number; height: number } {
  const cv = new Canvas(960, 400);
  // left: plt.scatter(x, y); plt.plot(x, y_pred, 'r-', lw=5) with the tutorial's xlim(1.5, 10)/ylim(8, 28) widened to the data
  const ys = [...r.y, 5, 2 * 10 + 5];
  const left = new Axes(cv, { x: 60, y: 40, w: 400, h: 300 }, [0, 10], [Math.min(0, ...ys), Math.ceil(Math.max(...ys) / 5) * 5]);
  left.frame(`ITERATION ${r.losses.length - 1}  W=${r.w.toFixed(3)} B=${r.b.toFixed(3)}`, 'X', 'Y');
  for (const s of r.snapshots.slice(0, 20)) left.plot([0, 10], [s.b, 10 * s.w + s.b], GREY, 1); // earlier fits
  left.scatter(r.x, r.y, BLUE, 4);
  left.plot([0, 10], [r.b, 10 * r.w + r.b], RED, 4);
  // right: the loss curve, on a log scale (it falls from ~100 to ~0.5)
  const n = r.losses.length;
  const logLoss = r.losses.map((l) => Math.log10(l));
  const yr: [number, number] = [Math.floor(Math.min(...logLoss)), Math.ceil(Math.max(...logLoss))];
  const right = new Axes(cv, { x: 540, y: 40, w: 390, h: 300 }, [0, Math.max(n - 1, 1)], yr);
  right.frame(`LOSS=${r.losses[n - 1]!.toFixed(4)}`, 'ITERATION', 'LOG10 LOSS');
  right.plot(r.losses.map((_, i) => i), logLoss, RED, 2);
  cv.save(path);
  return { width: cv.width, height: cv.height };
}

/** The closed-form least-squares line through the points (what gradient descent converges to). */
export function leastSquares(x: readonly number[], y: readonly number[]): { w: number; b: number } {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0;
  x.forEach((v, i) => ((sxy += (v - mx) * (y[i]! - my)), (sxx += (v - mx) ** 2)));
  return { w: sxy / sxx, b: my - (sxy / sxx) * mx };
}

if (isMain(import.meta.url)) {
  const out = flag('out', 'out');
  const lr = Number(flag('lr', '0.04'));
  const iterations = Number(flag('iterations', '100'));
  const stopLoss = Number(flag('stop-loss', '1'));
  const log = (it: number, loss: number, w: number, b: number) =>
    console.log(`Iteration: ${it}  Loss=${loss.toFixed(4)}  w: ${w.toFixed(4)} b: ${b.toFixed(4)}`);
  console.log('== manual updates (w.data.sub_(lr * w.grad))');
  const manual = fit({ iterations, stopLoss, lr, log });
  console.log(`stopped after ${manual.losses.length} iterations: w = ${manual.w.toFixed(4)}, b = ${manual.b.toFixed(4)}`);
  console.log(`\n== the same with optim.SGD([w, b], { lr: ${lr} })`);
  const sgd = fit({ iterations, stopLoss, lr, method: 'sgd' });
  console.log(`stopped after ${sgd.losses.length} iterations: w = ${sgd.w.toFixed(4)}, b = ${sgd.b.toFixed(4)}`);
  console.log(`same losses as the manual updates: ${sgd.losses.every((l, i) => l === manual.losses[i])}`);
  console.log('\n== without the early stop: 2000 iterations');
  const full = fit({ iterations: 2000, stopLoss: 0, lr });
  const ls = leastSquares(full.x, full.y);
  console.log(`w = ${full.w.toFixed(4)}, b = ${full.b.toFixed(4)}, loss = ${full.losses.at(-1)!.toFixed(4)}`);
  console.log(`closed-form least squares: w = ${ls.w.toFixed(4)}, b = ${ls.b.toFixed(4)}  (the data were made with w = 2, b = 5 plus noise)`);
  const path = join(out, 'linear-regression.png');
  drawPlot(full, path);
  console.log(`\nwrote ${path}`);
}
