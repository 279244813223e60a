/**
 * summary(model, inputSize): a layer table in the format of the `torchsummary` package (PyTorch has
 * no built-in one): each leaf layer with its output shape (batch shown as -1) and parameter count.
 * @packageDocumentation
 */
import { noGrad, rand, isTensor, type DType, type DeviceLike, type Tensor } from '@kiln/tensor';
import type { Module } from '../module.js';

const fmt = (n: number): string => n.toLocaleString('en-US');
const row = (a: string, b: string, c: string): string => `${a.padStart(20)}  ${b.padStart(25)} ${c.padStart(15)}`;
const mb = (bytes: number): number => Math.abs(bytes) / 1024 ** 2;
const pyList = (s: number[]): string => `[${s.join(', ')}]`;

/**
 * Runs `model` on random input of `[batchSize, ...inputSize]` (batch 2, as torchsummary) without
 * recording gradients and returns the table as text: `console.log(summary(model, [1, 28, 28]))`.
 * Containers (Sequential, ModuleList, ModuleDict) and the model itself are not listed; a layer's
 * parameter count is its own parameters.
 */
export function summary(model: Module, inputSize: number[], options: { batchSize?: number; dtype?: DType; device?: DeviceLike } = {}): string {
  const batch = options.batchSize ?? 2;
  const rows: [string, number[], number][] = [];
  const handles = model.modules()
    .filter((m) => m !== model && !['Sequential', 'ModuleList', 'ModuleDict'].includes(m._getName()))
    .map((m) =>
      m.registerForwardHook((mod, _args, out) => {
        const name = mod._getName();
        const idx = rows.length + 1; // torchsummary numbers layers globally: Conv2d-1, ReLU-2, …
        const t = isTensor(out) ? out : Array.isArray(out) ? (out.find(isTensor) as Tensor | undefined) : undefined;
        const shape = t ? [-1, ...t.shape.slice(1)] : [];
        rows.push([`${name}-${idx}`, shape, mod.parameters({ recurse: false }).reduce((n, p) => n + p.numel(), 0)]);
      }),
    );
  try {
    noGrad(() => model.call(rand([batch, ...inputSize], { dtype: options.dtype ?? 'float32', device: options.device ?? 'cpu' })));
  } finally {
    for (const h of handles) h.remove();
  }
  const params = model.parameters();
  const total = params.reduce((n, p) => n + p.numel(), 0);
  const trainable = params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
  const outElems = rows.reduce((n, [, s]) => n + s.slice(1).reduce((a, b) => a * b, 1), 0);
  const inputMb = mb(inputSize.reduce((a, b) => a * b, 1) * batch * 4);
  const fwdMb = mb(2 * outElems * 4);
  const paramMb = mb(total * 4);
  const totalMb = inputMb + fwdMb + paramMb;
  const line = '-'.repeat(64);
  return [
    line,
    row('Layer (type)', 'Output Shape', 'Param #'),
    '='.repeat(64),
    ...rows.map(([n, s, p]) => row(n, pyList(s), fmt(p))),
    '='.repeat(64),
    `Total params: ${fmt(total)}`,
    `Trainable params: ${fmt(trainable)}`,
    `Non-trainable params: ${fmt(total - trainable)}`,
    line,
    `Input size (MB): ${inputMb.toFixed(2)}`,
    `Forward/backward pass size (MB): ${fwdMb.toFixed(2)}`,
    `Params size (MB): ${paramMb.toFixed(2)}`,
    `Estimated Total Size (MB): ${totalMb.toFixed(2)}`,
    line,
  ].join('\n');
}
