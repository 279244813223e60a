/**
 * The LeNet of PyTorch's 60-minute blitz: repr, 10 parameter tensors, forward + MSELoss +
 * backward against PyTorch (fixtures/lenet.json from tools/fixtures/nn_lenet.py).
 */
import '@kiln/autograd';
import * as F from '@kiln/functional';
import { noGrad, tensor, type Tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import fx from './fixtures/lenet.json' with { type: 'json' };


class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  override forward(x: Tensor): Tensor {
    x = F.maxPool2d(F.relu(this.conv1.call(x)), [2, 2]);
    x = F.maxPool2d(F.relu(this.conv2.call(x)), 2);
    x = x.flatten(1);
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    return this.fc3.call(x);
  }
}

// The fixture's deterministic weights: integer arithmetic, identical in Python and here.
function pattern(n: number, k: number, fanIn: number): number[] {
  return Array.from({ length: n }, (_, i) => ((((i * 7919 + k * 104729) % 2001) - 1000) / 1000) / Math.sqrt(fanIn));
}
const FAN_IN: Record<string, number> = { conv1: 25, conv2: 150, fc1: 400, fc2: 120, fc3: 84 };

function close(a: number, b: number, what: string, tol = 1e-5): void {
  if (Math.abs(a - b) > tol + 1e-4 * Math.abs(b)) throw new Error(`${what}: Kiln ${a}, PyTorch ${b}`);
}

describe('LeNet (60-minute blitz)', () => {
  it('prints like PyTorch and has 10 parameter tensors with PyTorch\'s names and shapes', () => {
    const net = new Net();
    expect(net.toString()).toBe(fx.repr);
    expect(net.parameters()).toHaveLength(10);
    expect(net.namedParameters().map(([k, p]) => [k, p.shape])).toEqual(fx.paramShapes);
    expect(Object.keys(net.stateDict())).toEqual(fx.stateDictKeys);
    expect(net.parameters()[0]!.shape).toEqual([6, 1, 5, 5]);
  });

  it('forward, MSELoss and backward match PyTorch', () => {
    const net = new Net();
    noGrad(() => {
      net.namedParameters().forEach(([name, p], k) => {
        p.copy_(tensor(pattern(p.numel(), k, FAN_IN[name.split('.')[0]!]!)).reshape(p.shape));
      });
    });
    const input = tensor(Array.from({ length: 32 * 32 }, (_, i) => Math.sin(i * 0.1))).reshape([1, 1, 32, 32]);
    const target = tensor(Array.from({ length: 10 }, (_, i) => Math.cos(i))).view(1, -1);
    const out = net.call(input);
    expect(out.shape).toEqual([1, 10]);
    (out.dataSync() as Float32Array).forEach((v, i) => close(v, fx.out[i]!, `out[${i}]`));
    const loss = new nn.MSELoss().call(out, target);
    close(loss.item() as number, fx.loss, 'loss');
    net.zeroGrad();
    expect(net.conv1.bias!.grad).toBeNull();
    loss.backward();
    const grads = fx.grads as Record<string, { full?: number[]; sum?: number; sumsq?: number; every37?: number[] }>;
    for (const [name, p] of net.namedParameters()) {
      const g = Array.from(p.grad!.dataSync() as Float32Array);
      const e = grads[name]!;
      if (e.full) e.full.forEach((v, i) => close(g[i]!, v, `${name}.grad[${i}]`));
      else {
        close(g.reduce((a, b) => a + b, 0), e.sum!, `${name}.grad sum`, 1e-4);
        close(g.reduce((a, b) => a + b * b, 0), e.sumsq!, `${name}.grad sum of squares`, 1e-4);
        e.every37!.forEach((v, i) => close(g[i * 37]!, v, `${name}.grad[${i * 37}]`));
      }
    }
  });

  it('rejects a wrong input with the layer, the expected and the actual shape', () => {
    const net = new Net();
    expect(() => net.call(tensor(0).expand(1, 3, 32, 32).contiguous().float())).toThrow(
      'Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1)): expected input with 1 channels, got input of shape [1, 3, 32, 32]',
    );
  });
});
