/**
 * nn.utils.rnn packing and RNN/LSTM/GRU on packed input against PyTorch
 * (fixtures/packed.json from tools/fixtures/nn_packed.py).
 */
import '@kiln/autograd';
import { tensor, type Tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import cases from './fixtures/packed.json' with { type: 'json' };
import { expectClose, fromSpec, type Spec } from './helpers.js';

const { packPaddedSequence, padPackedSequence, packSequence } = nn.utils.rnn;

interface Case {
  id: string;
  lengths: number[];
  batchFirst: boolean;
  state: Record<string, Spec>;
  x: Spec;
  out: Spec;
  outLengths: number[];
  states: Spec[];
  gradOut: Spec;
  gradStates: Spec[];
  gradX: Spec;
  gradParams: Record<string, Spec>;
}

const make: Record<string, () => nn.RNNBase> = {
  gru_bi: () => new nn.GRU(3, 4, { bidirectional: true }),
  lstm_2l_bf: () => new nn.LSTM(3, 4, { numLayers: 2, batchFirst: true }),
  rnn: () => new nn.RNN(2, 3),
};

describe('packing utilities', () => {
  it('packPaddedSequence / padPackedSequence round-trip and match PyTorch\'s layout', () => {
    const x = tensor([[1, 2, 3], [4, 5, 0], [6, 0, 0]], { dtype: 'float32' }); // [T=3, B=3], lengths 3, 2, 1
    const p = packPaddedSequence(x, [3, 2, 1]);
    expect(p.data.tolist()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(p.batchSizes.tolist()).toEqual([3, 2, 1]);
    const [padded, lengths] = padPackedSequence(p, { totalLength: 4 });
    expect(padded.shape).toEqual([4, 3]);
    expect(padded.narrow(0, 0, 3).tolist()).toEqual(x.tolist());
    expect(lengths.tolist()).toEqual([3, 2, 1]);
    expect(() => packPaddedSequence(x, [1, 3, 2])).toThrow('`lengths` array must be sorted in decreasing order when `enforce_sorted` is True');
    const u = packPaddedSequence(x.indexSelect(1, tensor([2, 0, 1], { dtype: 'int32' })), [1, 3, 2], { enforceSorted: false });
    expect(u.data.tolist()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(u.sortedIndices!.tolist()).toEqual([1, 2, 0]);
    expect(u.unsortedIndices!.tolist()).toEqual([2, 0, 1]);
    expect(padPackedSequence(u)[1].tolist()).toEqual([1, 3, 2]);
    const s = packSequence([tensor([1.5, 2, 3]), tensor([4.5])]);
    expect(s.batchSizes.tolist()).toEqual([2, 1, 1]);
  });
});

describe('recurrent layers on packed sequences match PyTorch', () => {
  for (const c of cases as unknown as Case[]) {
    it(c.id, () => {
      const m = make[c.id]!();
      m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromSpec(v)])));
      const x = fromSpec(c.x, true);
      const packed = packPaddedSequence(x, c.lengths, { batchFirst: c.batchFirst, enforceSorted: false });
      const [out, hn] = m.call(packed) as [nn.utils.PackedSequence, Tensor | [Tensor, Tensor]];
      expect(out).toBeInstanceOf(nn.utils.PackedSequence);
      const [padded, lens] = padPackedSequence(out, { batchFirst: c.batchFirst });
      expect(lens.tolist()).toEqual(c.outLengths);
      expectClose(padded, c.out, `${c.id} output`);
      const states = Array.isArray(hn) ? hn : [hn];
      states.forEach((s, i) => expectClose(s, c.states[i]!, `${c.id} state ${i}`));
      states
        .map((s, i) => s.mul(fromSpec(c.gradStates[i]!)).sum())
        .reduce((a, b) => a.add(b), padded.mul(fromSpec(c.gradOut)).sum())
        .backward();
      expectClose(x.grad, c.gradX, `${c.id} grad of input`);
      const params = Object.fromEntries(m.namedParameters());
      for (const [k, g] of Object.entries(c.gradParams)) expectClose(params[k]!.grad, g, `${c.id} grad of ${k}`, 1e-4);
    });
  }
});
