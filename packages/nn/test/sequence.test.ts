/**
 * RNN/LSTM/GRU (+ cells), MultiheadAttention and the transformer encoder against PyTorch
 * (fixtures/sequence.json from tools/fixtures/nn_rnn.py): outputs, input and parameter gradients.
 */
import '@kiln/autograd';
import { manualSeed, randn, tensor, type Tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import cases from './fixtures/sequence.json' with { type: 'json' };
import { expectClose, fromSpec, type Spec } from './helpers.js';

type Nested = Spec | Nested[];
interface Case {
  id: string;
  train: boolean;
  state: Record<string, Spec>;
  inputs: Nested[];
  outs: Spec[];
  gradOuts: Spec[];
  gradInputs: (Spec | null)[];
  gradParams: Record<string, Spec>;
}

const mask = tensor([[false, false, true, false], [false, false, false, true]]);
const causal = tensor([[false, true, true], [false, false, true], [false, false, false]]);

// Each entry builds the Kiln module and calls it with the fixture's inputs.
const make: Record<string, [() => nn.Module, (m: nn.Module, xs: unknown[]) => unknown]> = {
  rnn: [() => new nn.RNN(3, 4), call],
  rnn_relu_2l_bi_bf: [() => new nn.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2, bidirectional: true, batchFirst: true }), call],
  rnn_unbatched: [() => new nn.RNN(3, 4, { bias: false }), call],
  lstm: [() => new nn.LSTM(3, 4), call],
  lstm_2l_bi_state: [() => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }), call],
  gru: [() => new nn.GRU(3, 4), call],
  gru_bi_bf: [() => new nn.GRU(3, 4, { batchFirst: true, bidirectional: true }), call],
  rnncell: [() => new nn.RNNCell(3, 4, { nonlinearity: 'relu' }), call],
  lstmcell: [() => new nn.LSTMCell(3, 4), call],
  grucell: [() => new nn.GRUCell(3, 4), call],
  mha: [() => new nn.MultiheadAttention(8, 2), call],
  mha_bf_kvdim: [() => new nn.MultiheadAttention(8, 2, { kdim: 5, vdim: 6, batchFirst: true }), call],
  mha_mask_noavg: [() => new nn.MultiheadAttention(4, 1, { bias: false }), (m, xs) => m.call(...xs, { keyPaddingMask: mask, averageAttnWeights: false })],
  mha_attn_mask: [() => new nn.MultiheadAttention(4, 2), (m, xs) => m.call(...xs, { attnMask: causal, needWeights: false })],
  encoder_layer: [() => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), call],
  encoder_layer_normfirst_gelu_bf: [() => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu', normFirst: true, batchFirst: true }), call],
  encoder: [() => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2, { norm: new nn.LayerNorm(8) }), call],
  decoder_layer: [
    () => new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }),
    (m, xs) => m.call(...xs, { tgtMask: nn.Transformer.generateSquareSubsequentMask(3), memoryKeyPaddingMask: tensor([[false, false, false, true], [false, false, false, false]]) }),
  ],
  decoder_normfirst_bf: [
    () => new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, normFirst: true, batchFirst: true }), 2, { norm: new nn.LayerNorm(8) }),
    call,
  ],
  transformer: [
    () => new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 16 }),
    (m, xs) => m.call(...xs, { tgtMask: nn.Transformer.generateSquareSubsequentMask(3) }),
  ],
};

function call(m: nn.Module, xs: unknown[]): unknown {
  return m.call(...xs);
}

function build(n: Nested, leaves: Tensor[]): unknown {
  if (Array.isArray(n)) return n.map((c) => build(c, leaves));
  const t = fromSpec(n, n.dtype.startsWith('float'));
  leaves.push(t);
  return t;
}

function flat(x: unknown): Tensor[] {
  if (Array.isArray(x)) return x.flatMap(flat);
  return x ? [x as Tensor] : [];
}

describe('recurrent and attention layers match PyTorch', () => {
  const all = cases as unknown as Case[];
  it('covers every fixture case', () => {
    expect(Object.keys(make).sort()).toEqual(all.map((c) => c.id).sort());
  });
  for (const c of all) {
    it(c.id, () => {
      const [factory, run] = make[c.id]!;
      const m = factory();
      m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromSpec(v)])));
      m.train(c.train);
      const leaves: Tensor[] = [];
      const xs = c.inputs.map((n) => build(n, leaves));
      const outs = flat(run(m, xs)).filter((t) => t.isFloatingPoint());
      expect(outs).toHaveLength(c.outs.length);
      outs.forEach((o, i) => expectClose(o, c.outs[i]!, `${c.id} output ${i}`));
      outs.map((o, i) => o.mul(fromSpec(c.gradOuts[i]!)).sum()).reduce((a, b) => a.add(b)).backward();
      c.gradInputs.forEach((g, i) => g && expectClose(leaves[i]!.grad, g, `${c.id} grad of input ${i}`));
      const params = Object.fromEntries(m.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.state).filter((k) => k in params).sort());
      for (const [k, g] of Object.entries(c.gradParams)) expectClose(params[k]!.grad, g, `${c.id} grad of ${k}`, 1e-4);
    });
  }

  it('applies dropout between layers only in training mode', () => {
    manualSeed(0);
    const a = new nn.GRU(3, 4, { numLayers: 2, dropout: 0.5 });
    const b = new nn.GRU(3, 4, { numLayers: 2 });
    b.loadStateDict(a.stateDict());
    const x = randn([5, 2, 3]);
    a.eval();
    expect(a.call(x)[0].tolist()).toEqual(b.call(x)[0].tolist());
    a.train();
    expect(a.call(x)[0].tolist()).not.toEqual(b.call(x)[0].tolist());
  });

  it('rejects wrong input sizes naming the layer', () => {
    expect(() => new nn.LSTM(3, 4).call(tensor([[[1.5, 2]]]))).toThrow('LSTM(3, 4): expected input with 3 features in the last dimension, got input of shape [1, 1, 2]');
    expect(() => new nn.GRU(2, 4, { numLayers: 2 }).call(tensor([[[1.5, 2]]]), tensor([[[0.5, 0, 0, 0]]]))).toThrow(
      'GRU(2, 4, num_layers=2): expected hidden state of shape [2, 1, 4], got [1, 1, 4]',
    );
    expect(() => new nn.MultiheadAttention(8, 3)).toThrow('embed_dim must be divisible by num_heads');
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, bias: false });
    expect(lstm.allWeights.map((ws) => ws.map((w) => w.shape))).toEqual([
      [[16, 3], [16, 4]], [[16, 3], [16, 4]], [[16, 8], [16, 4]], [[16, 8], [16, 4]],
    ]);
    expect(lstm.getParameter('weight_hh_l1_reverse')).toBe(lstm.allWeights[3]![1]);
  });
});
