/// <reference types="@webgpu/types" />
/**
 * The browser demo: trains the MNIST MLP (Flatten → Linear(784,128) → ReLU → Linear(128,10))
 * in the page, on WebGPU when the browser has an adapter, else on the CPU, drawing the loss
 * curve live and showing test accuracy and predicted test digits after each epoch.
 *
 * Progress is also published as `window.__kilnDemo` (read by test/browser-demo.test.ts).
 */
import '@kiln/autograd';
import * as nn from '@kiln/nn';
import { crossEntropy } from '@kiln/functional';
import { SGD } from '@kiln/optim';
import { fromTypedArray, manualSeed, memory, noGrad, randperm, tidy, type Device, type Tensor } from '@kiln/tensor';
import { initWebGPU } from '@kiln/backend-webgpu';
import { drawDigits, drawLossCurve } from './draw.js';
import { loadDigits, toImageTensor } from './mnist-data.js';

/** One finished epoch. */
export interface EpochResult {
  epoch: number;
  meanLoss: number;
  accuracy: number;
  seconds: number;
  /** Live tensors and bytes (all devices) after the epoch: constant from epoch to epoch when nothing leaks. */
  tensors: number;
  bytes: number;
}

/** What the page publishes as `window.__kilnDemo`. */
export interface DemoState {
  device: 'webgpu' | 'cpu' | null;
  /** Why WebGPU is not used, when the CPU is. */
  fallbackReason: string | null;
  adapter: string | null;
  trainSize: number;
  testSize: number;
  stepsPerEpoch: number;
  losses: number[];
  epochs: EpochResult[];
  done: boolean;
  error: string | null;
}

const params = new URLSearchParams(location.search);
const num = (name: string, fallback: number) => {
  const v = Number(params.get(name) ?? NaN);
  return Number.isFinite(v) ? v : fallback;
};
const EPOCHS = num('epochs', 5);
const LIMIT = num('limit', 2000);
const TEST = num('test', 1000);
const BATCH = num('batch', 64);
const LR = num('lr', 0.05);
const STEPS = num('steps', 0); // steps per epoch; 0 = one pass over the training digits
const WANT = params.get('device') ?? 'auto';
const GRID = 42;

const state: DemoState = {
  device: null, fallbackReason: null, adapter: null, trainSize: 0, testSize: 0, stepsPerEpoch: 0,
  losses: [], epochs: [], done: false, error: null,
};
(globalThis as { __kilnDemo?: DemoState }).__kilnDemo = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);
const nextFrame = () => new Promise<void>((ok) => setTimeout(ok, 0));

/** WebGPU when asked for or available, else the CPU (with the reason shown). */
async function pickDevice(): Promise<Device | 'cpu'> {
  const el = $('device');
  if (WANT !== 'cpu') {
    try {
      if (!navigator.gpu) throw new Error('this browser has no navigator.gpu');
      const device = await initWebGPU();
      const info = (await navigator.gpu.requestAdapter())?.info;
      state.adapter = info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' / ') : null;
      state.device = 'webgpu';
      el.textContent = `WebGPU${state.adapter ? ` (adapter: ${state.adapter})` : ''}`;
      el.className = 'webgpu';
      return device;
    } catch (e) {
      if (WANT === 'webgpu') throw e;
      state.fallbackReason = (e as Error).message;
    }
  }
  state.device = 'cpu';
  el.textContent = state.fallbackReason ? `CPU — WebGPU is not available: ${state.fallbackReason}` : 'CPU (asked for with ?device=cpu)';
  el.className = 'cpu';
  return 'cpu';
}

async function main(): Promise<void> {
  const device = await pickDevice();
  const { train, test } = await loadDigits(LIMIT, TEST);
  state.trainSize = train.count;
  state.testSize = test.count;
  const xTrain = toImageTensor(train); // CPU; batches are gathered here and uploaded
  const yTrain = fromTypedArray(train.labels);
  const xTest = toImageTensor(test).to(device);
  const yTest = fromTypedArray(test.labels).to(device);
  drawDigits($('digits'), test.bytes, test.labels, null, Math.min(GRID, test.count));

  manualSeed(0);
  const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10)).to(device);
  const optimizer = new SGD(model.parameters(), { lr: LR, momentum: 0.9 });
  const perPass = Math.ceil(train.count / BATCH);
  const steps = STEPS > 0 ? STEPS : perPass;
  state.stepsPerEpoch = steps;
  const epochStarts: number[] = [];
  const lossCanvas = $<HTMLCanvasElement>('loss');

  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const t0 = performance.now();
    epochStarts.push(state.losses.length);
    model.train();
    const shuffle = () => {
      const perm = randperm(train.count);
      const out = perm.dataSync() as Int32Array;
      perm.dispose();
      return out;
    };
    let order = shuffle();
    let sum = 0;
    for (let s = 0; s < steps; s++) {
      const b = s % perPass;
      if (b === 0 && s > 0) order = shuffle();
      const idx = fromTypedArray(order.slice(b * BATCH, Math.min((b + 1) * BATCH, train.count)));
      const loss: Tensor = tidy(() => {
        const xb = xTrain.indexSelect(0, idx).to(device);
        const yb = yTrain.indexSelect(0, idx).to(device);
        const out = crossEntropy(model.call(xb), yb); //   loss = F.cross_entropy(model(x), y)
        optimizer.zeroGrad(); //                           optimizer.zero_grad()
        out.backward(); //                                 loss.backward()
        optimizer.step(); //                               optimizer.step()
        return out.detach();
      });
      idx.dispose();
      const value = (await loss.itemAsync()) as number; // the one readback per step
      loss.dispose();
      state.losses.push(value);
      sum += value;
      if (s % 4 === 0 || s === steps - 1) {
        drawLossCurve(lossCanvas, state.losses, epochStarts, EPOCHS * steps);
        status(`epoch ${epoch}/${EPOCHS}, step ${s + 1}/${steps}, loss ${value.toFixed(4)}`);
        await nextFrame();
      }
    }
    // evaluation: accuracy and predictions on the test digits
    model.eval();
    const { pred, correct } = noGrad(() =>
      tidy(() => {
        const p = model.call(xTest).argmax(1);
        return { pred: p, correct: p.eq(yTest).sum() };
      }),
    );
    const [predicted, nCorrect] = await Promise.all([pred.data(), correct.itemAsync()]);
    pred.dispose();
    correct.dispose();
    const result: EpochResult = {
      epoch,
      meanLoss: sum / steps,
      accuracy: (nCorrect as number) / test.count,
      seconds: (performance.now() - t0) / 1000,
      tensors: memory().tensors,
      bytes: memory().bytes,
    };
    state.epochs.push(result);
    const row = document.createElement('tr');
    for (const cell of [String(epoch), result.meanLoss.toFixed(4), `${(100 * result.accuracy).toFixed(1)} %`, `${result.seconds.toFixed(1)} s`]) {
      const td = document.createElement('td');
      td.textContent = cell;
      row.append(td);
    }
    $('epochs').append(row);
    drawDigits($('digits'), test.bytes, test.labels, predicted, Math.min(GRID, test.count));
    await nextFrame();
  }
  status(`done: ${EPOCHS} epoch${EPOCHS === 1 ? '' : 's'} of ${steps} steps (batch ${BATCH}) on ${state.trainSize} training digits; test accuracy ${(100 * state.epochs.at(-1)!.accuracy).toFixed(1)} % on ${state.testSize} test digits`);
}

main()
  .catch((e: unknown) => {
    state.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    $('error').textContent = state.error;
    console.error(e);
  })
  .finally(() => {
    state.done = true;
  });
