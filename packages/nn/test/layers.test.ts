/**
 * Forward outputs and gradients of every layer and loss against PyTorch
 * (fixtures/layers.json from tools/fixtures/nn_layers.py). Each case loads PyTorch's state dict,
 * so initial values do not matter here.
 */
import '@kiln/autograd';
import { tensor, type Tensor } from '@kiln/tensor';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import cases from './fixtures/layers.json' with { type: 'json' };
import { expectClose, fromSpec, type Spec } from './helpers.js';


interface Case {
  id: string;
  train: boolean;
  state: Record<string, Spec>;
  inputs: (Spec & { grad: boolean })[];
  out: Spec;
  gradOut?: Spec;
  gradInputs?: (Spec | null)[];
  gradParams?: Record<string, Spec>;
  buffersAfter: Record<string, Spec>;
}

const make: Record<string, () => nn.Module> = {
  linear: () => new nn.Linear(4, 3),
  linear_nobias: () => new nn.Linear(4, 3, { bias: false }),
  linear_3d: () => new nn.Linear(4, 3),
  bilinear: () => new nn.Bilinear(3, 2, 4),
  identity: () => new nn.Identity(),
  flatten: () => new nn.Flatten(),
  unflatten: () => new nn.Unflatten(1, [2, 3]),
  conv1d: () => new nn.Conv1d(2, 4, 3, { stride: 2, padding: 1 }),
  conv2d: () => new nn.Conv2d(3, 4, 3),
  conv2d_odd: () => new nn.Conv2d(4, 6, [3, 2], { stride: [2, 1], padding: [1, 2], dilation: [2, 1], groups: 2 }),
  conv2d_same: () => new nn.Conv2d(2, 3, 3, { padding: 'same', dilation: 2 }),
  conv2d_reflect: () => new nn.Conv2d(2, 2, 3, { padding: 1, paddingMode: 'reflect' }),
  conv2d_unbatched: () => new nn.Conv2d(2, 3, 3, { bias: false }),
  conv3d: () => new nn.Conv3d(2, 2, 2, { stride: 2 }),
  convT1d: () => new nn.ConvTranspose1d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }),
  convT2d: () => new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, groups: 2 }),
  maxpool1d: () => new nn.MaxPool1d(3, { stride: 2 }),
  maxpool2d: () => new nn.MaxPool2d(2),
  maxpool2d_ceil: () => new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
  maxpool2d_dil: () => new nn.MaxPool2d(2, { stride: 1, dilation: 2 }),
  maxpool3d: () => new nn.MaxPool3d(2),
  avgpool1d: () => new nn.AvgPool1d(2),
  avgpool2d: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
  avgpool2d_ceil: () => new nn.AvgPool2d(2, { ceilMode: true }),
  avgpool3d: () => new nn.AvgPool3d(2),
  adaptiveavg1d: () => new nn.AdaptiveAvgPool1d(3),
  adaptiveavg2d: () => new nn.AdaptiveAvgPool2d([2, 3]),
  adaptivemax2d: () => new nn.AdaptiveMaxPool2d(2),
  batchnorm1d: () => new nn.BatchNorm1d(3),
  batchnorm1d_3d: () => new nn.BatchNorm1d(2, { momentum: null }),
  batchnorm2d: () => new nn.BatchNorm2d(3),
  batchnorm2d_eval: () => new nn.BatchNorm2d(3),
  batchnorm3d: () => new nn.BatchNorm3d(2, { affine: false }),
  layernorm: () => new nn.LayerNorm(4),
  layernorm_2d: () => new nn.LayerNorm([3, 4], { eps: 1e-3 }),
  groupnorm: () => new nn.GroupNorm(2, 4),
  instancenorm2d: () => new nn.InstanceNorm2d(3, { affine: true }),
  embedding: () => new nn.Embedding(5, 3, { paddingIdx: 0 }),
  dropout_eval: () => new nn.Dropout(0.3),
  relu: () => new nn.ReLU(),
  relu6: () => new nn.ReLU6(),
  leakyrelu: () => new nn.LeakyReLU(0.2),
  elu: () => new nn.ELU({ alpha: 0.5 }),
  celu: () => new nn.CELU(),
  selu: () => new nn.SELU(),
  gelu: () => new nn.GELU(),
  gelu_tanh: () => new nn.GELU({ approximate: 'tanh' }),
  silu: () => new nn.SiLU(),
  mish: () => new nn.Mish(),
  sigmoid: () => new nn.Sigmoid(),
  logsigmoid: () => new nn.LogSigmoid(),
  tanh: () => new nn.Tanh(),
  tanhshrink: () => new nn.Tanhshrink(),
  softsign: () => new nn.Softsign(),
  hardtanh: () => new nn.Hardtanh(-2, 2),
  hardsigmoid: () => new nn.Hardsigmoid(),
  hardswish: () => new nn.Hardswish(),
  softplus: () => new nn.Softplus({ beta: 2 }),
  softshrink: () => new nn.Softshrink(0.5),
  hardshrink: () => new nn.Hardshrink(0.5),
  threshold: () => new nn.Threshold(0.1, 20),
  softmax: () => new nn.Softmax(1),
  softmin: () => new nn.Softmin(1),
  logsoftmax: () => new nn.LogSoftmax(1),
  glu: () => new nn.GLU(0),
  prelu: () => new nn.PReLU(),
  softmax2d: () => new nn.Softmax2d(),
  prelu3: () => new nn.PReLU({ numParameters: 3 }),
  mse: () => new nn.MSELoss(),
  mse_sum: () => new nn.MSELoss({ reduction: 'sum' }),
  l1: () => new nn.L1Loss(),
  smoothl1: () => new nn.SmoothL1Loss({ beta: 0.5 }),
  huber: () => new nn.HuberLoss({ delta: 0.5 }),
  ce: () => new nn.CrossEntropyLoss(),
  ce_weight_ls: () => new nn.CrossEntropyLoss({ weight: tensor([1, 2, 0.5, 1.5]), labelSmoothing: 0.1 }),
  ce_ignore_none: () => new nn.CrossEntropyLoss({ ignoreIndex: 0, reduction: 'none' }),
  ce_probs: () => new nn.CrossEntropyLoss(),
  nll: () => new nn.NLLLoss(),
  bce: () => new nn.BCELoss(),
  bce_logits: () => new nn.BCEWithLogitsLoss({ posWeight: tensor([1, 2, 3, 0.5]) }),
  kldiv: () => new nn.KLDivLoss({ reduction: 'batchmean' }),
  margin_ranking: () => new nn.MarginRankingLoss({ margin: 0.1 }),
  hinge_embedding: () => new nn.HingeEmbeddingLoss(),
  cosine_embedding: () => new nn.CosineEmbeddingLoss({ margin: 0.2 }),
  triplet: () => new nn.TripletMarginLoss({ margin: 1 }),
  soft_margin: () => new nn.SoftMarginLoss(),
  multilabel_soft_margin: () => new nn.MultiLabelSoftMarginLoss(),
  poisson_nll: () => new nn.PoissonNLLLoss(),
  gaussian_nll: () => new nn.GaussianNLLLoss(),
  zeropad2d: () => new nn.ZeroPad2d(1),
  constantpad2d: () => new nn.ConstantPad2d([1, 0, 2, 1], 0.5),
  reflectionpad2d: () => new nn.ReflectionPad2d(1),
  pixelshuffle: () => new nn.PixelShuffle(2),
  pixelunshuffle: () => new nn.PixelUnshuffle(2),
  upsample_nearest: () => new nn.Upsample({ scaleFactor: 2 }),
  upsample_bilinear: () => new nn.Upsample({ size: [3, 5], mode: 'bilinear', alignCorners: false }),
  convT3d: () => new nn.ConvTranspose3d(2, 2, 2, { stride: 2, padding: 1, outputPadding: 1 }),
  adaptiveavg3d: () => new nn.AdaptiveAvgPool3d([2, 1, 3]),
  adaptivemax1d: () => new nn.AdaptiveMaxPool1d(3),
  lppool1d: () => new nn.LPPool1d(2, 3, { stride: 2 }),
  lppool2d: () => new nn.LPPool2d(3, [2, 3], { stride: 1, ceilMode: true }),
  unfold: () => new nn.Unfold(2, { padding: 1, stride: 2 }),
  fold: () => new nn.Fold([4, 5], [2, 2]),
  replicationpad3d: () => new nn.ReplicationPad3d([1, 0, 0, 1, 1, 0]),
  dropout1d_eval: () => new nn.Dropout1d(0.3),
  rrelu_eval: () => new nn.RReLU(0.1, 0.3),
  ctc: () => new nn.CTCLoss(),
  ctc_sum_blank: () => new nn.CTCLoss({ blank: 3, reduction: 'sum' }),
};

describe('layers and losses match PyTorch (forward, input and parameter gradients)', () => {
  const all = cases as unknown as Case[];
  it('covers every fixture case', () => {
    expect(Object.keys(make).sort()).toEqual(all.map((c) => c.id).sort());
  });
  for (const c of all) {
    it(c.id, () => {
      const m = make[c.id]!();
      m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromSpec(v)])));
      m.train(c.train);
      const xs = c.inputs.map((s) => fromSpec(s, s.grad));
      const out = m.call(...xs) as Tensor;
      expectClose(out, c.out, `${c.id} output`);
      if (c.gradInputs) {
        if (c.gradOut) out.backward(fromSpec(c.gradOut));
        else out.backward();
        c.gradInputs.forEach((g, i) => g && expectClose(xs[i]!.grad, g, `${c.id} grad of input ${i}`));
        const params = Object.fromEntries(m.namedParameters());
        for (const [k, g] of Object.entries(c.gradParams ?? {})) expectClose(params[k]!.grad, g, `${c.id} grad of ${k}`);
      }
      const bufs = Object.fromEntries(m.namedBuffers());
      for (const [k, b] of Object.entries(c.buffersAfter)) expectClose(bufs[k], b, `${c.id} buffer ${k} after forward`);
    });
  }
});
