/**
 * MultiheadAttention, the transformer encoder and decoder layers and stacks, and Transformer,
 * following PyTorch 1.13's
 * `multi_head_attention_forward` step by step (same parameter names: `in_proj_weight`,
 * `q_proj_weight`, `out_proj.weight`, …, same masks and initialisation).
 * @packageDocumentation
 */
import { ValueError, cat, ones, zeros, type Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import * as init from '@kiln/init';
import { Dropout } from './dropout.js';
import { Linear, newParam, type FactoryOptions } from './linear.js';
import { Module, deepcopy } from './module.js';
import { ModuleList } from './containers.js';
import { LayerNorm } from './normalization.js';
import type { Parameter } from './parameter.js';
import { inputError } from './shape-check.js';

/**
 * PyTorch's output projection class of MultiheadAttention: a Linear under another name (it exists
 * there for quantization); kept so `toString()` matches PyTorch's repr.
 */
export class NonDynamicallyQuantizableLinear extends Linear {}

/** Keyword options of MultiheadAttention. */
export interface MultiheadAttentionOptions extends FactoryOptions {
  dropout?: number;
  bias?: boolean;
  addBiasKv?: boolean;
  addZeroAttn?: boolean;
  kdim?: number;
  vdim?: number;
  batchFirst?: boolean;
}

/** Keyword arguments of MultiheadAttention's forward. */
export interface AttentionCallOptions {
  /** `[N, S]`: true (or a float added to the scores) marks keys to ignore. */
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  /** `[L, S]` or `[N·numHeads, L, S]`: bool (true = masked) or float added to the scores. */
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
}

// A bool mask (true = masked) as the float mask PyTorch adds to the scores.
function floatMask(m: Tensor, like: Tensor): Tensor {
  return m.dtype === 'bool' ? zeros(m.shape, { dtype: like.dtype, device: like.device }).maskedFill(m, -Infinity) : m;
}

/** Attention over `numHeads` heads (torch.nn.MultiheadAttention). */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  readonly addZeroAttn: boolean;
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: NonDynamicallyQuantizableLinear;
  bias_k: Parameter | null = null;
  bias_v: Parameter | null = null;

  /** `new MultiheadAttention(512, 8, { batchFirst: true })`. */
  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    this.embedDim = embedDim;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.numHeads = numHeads;
    this.dropout = options.dropout ?? 0;
    this.batchFirst = options.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    this.addZeroAttn = options.addZeroAttn ?? false;
    if (this.headDim * numHeads !== embedDim) throw new ValueError('embed_dim must be divisible by num_heads');
    const E = embedDim;
    if (this.kdim === E && this.vdim === E) this.in_proj_weight = newParam([3 * E, E], options);
    else {
      this.q_proj_weight = newParam([E, E], options);
      this.k_proj_weight = newParam([E, this.kdim], options);
      this.v_proj_weight = newParam([E, this.vdim], options);
    }
    const bias = options.bias ?? true;
    if (bias) this.in_proj_bias = newParam([3 * E], options);
    this.out_proj = new NonDynamicallyQuantizableLinear(E, E, { ...options, bias });
    if (options.addBiasKv) {
      this.bias_k = newParam([1, 1, E], options);
      this.bias_v = newParam([1, 1, E], options);
    }
    this.resetParameters();
  }

  /** xavier-uniform projections, zero biases, xavier-normal bias_k/bias_v (as PyTorch). */
  resetParameters(): void {
    if (this.in_proj_weight) init.xavierUniform_(this.in_proj_weight);
    else for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) init.xavierUniform_(w!);
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      init.constant_(this.out_proj.bias!, 0);
    }
    if (this.bias_k) init.xavierNormal_(this.bias_k);
    if (this.bias_v) init.xavierNormal_(this.bias_v);
  }

  /**
   * `[attnOutput, attnWeights]` for query `[L, N, E]`, key `[S, N, kdim]`, value `[S, N, vdim]`
   * (batch first with `batchFirst`, or unbatched 2-D). Weights are `[N, L, S]` averaged over heads
   * (`[N, heads, L, S]` with `averageAttnWeights: false`) or null when `needWeights` is false.
   */
  override forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions = {}): [Tensor, Tensor | null] {
    const needWeights = options.needWeights ?? true;
    if (query.ndim !== 2 && query.ndim !== 3) inputError(this, '2D (unbatched) or 3D query', query);
    if (query.shape[query.ndim - 1] !== this.embedDim) inputError(this, `query with embed_dim ${this.embedDim} in the last dimension`, query);
    if (key.shape[key.ndim - 1] !== this.kdim) inputError(this, `key with ${this.kdim} features in the last dimension`, key);
    if (value.shape[value.ndim - 1] !== this.vdim) inputError(this, `value with ${this.vdim} features in the last dimension`, value);
    const unbatched = query.ndim === 2;
    let q = query, k = key, v = value;
    let kpm = options.keyPaddingMask ?? null;
    if (unbatched) {
      [q, k, v] = [q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1)];
      if (kpm) kpm = kpm.unsqueeze(0);
    } else if (this.batchFirst) [q, k, v] = [q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)];
    const [L, N, E] = q.shape as [number, number, number];
    const H = this.numHeads, hd = this.headDim;
    // input projections
    const b = this.in_proj_bias ? (this.in_proj_bias.chunk(3) as [Tensor, Tensor, Tensor]) : [null, null, null];
    if (this.in_proj_weight) {
      const [wq, wk, wv] = this.in_proj_weight.chunk(3) as [Tensor, Tensor, Tensor];
      [q, k, v] = [F.linear(q, wq, b[0]), F.linear(k, wk, b[1]), F.linear(v, wv, b[2])];
    } else {
      [q, k, v] = [F.linear(q, this.q_proj_weight!, b[0]), F.linear(k, this.k_proj_weight!, b[1]), F.linear(v, this.v_proj_weight!, b[2])];
    }
    let mask = options.attnMask ?? null;
    if (mask && mask.ndim === 2) mask = mask.unsqueeze(0);
    if (this.bias_k && this.bias_v) {
      k = cat([k, this.bias_k.expand(1, N, E)]);
      v = cat([v, this.bias_v.expand(1, N, E)]);
      if (mask) mask = F.pad(mask, [0, 1]);
      if (kpm) kpm = F.pad(kpm, [0, 1]);
    }
    // [seq, N, E] → [N·H, seq, hd]
    const heads = (t: Tensor) => t.reshape([t.shape[0]!, N * H, hd]).transpose(0, 1);
    q = heads(q);
    k = heads(k);
    v = heads(v);
    if (this.addZeroAttn) {
      k = cat([k, zeros([N * H, 1, hd], { dtype: k.dtype, device: k.device })], 1);
      v = cat([v, zeros([N * H, 1, hd], { dtype: v.dtype, device: v.device })], 1);
      if (mask) mask = F.pad(mask, [0, 1]);
      if (kpm) kpm = F.pad(kpm, [0, 1]);
    }
    const S = k.shape[1]!;
    let add: Tensor | null = mask ? floatMask(mask, q) : null;
    if (kpm) {
      const m = floatMask(kpm, q).reshape([N, 1, 1, S]).expand(N, H, 1, S).reshape([N * H, 1, S]);
      add = add ? add.add(m) : m;
    }
    // PyTorch 1.13's _scaled_dot_product_attention: scale q, add the mask, softmax, dropout.
    let scores = q.div(Math.sqrt(hd)).matmul(k.transpose(-2, -1));
    if (add) scores = scores.add(add);
    let attn = F.softmax(scores, -1);
    if (this.training && this.dropout > 0) attn = F.dropout(attn, { p: this.dropout, training: true });
    let out = attn.matmul(v).transpose(0, 1).reshape([L * N, E]);
    out = this.out_proj.forward(out).reshape([L, N, E]);
    if (unbatched) out = out.squeeze(1);
    else if (this.batchFirst) out = out.transpose(0, 1);
    if (!needWeights) return [out, null];
    let w = attn.reshape([N, H, L, S]);
    if (options.averageAttnWeights ?? true) w = w.mean(1);
    return [out, unbatched ? w.squeeze(0) : w];
  }
}

/** Activation of a TransformerEncoderLayer: a name, a function or a module. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

/** Keyword options of TransformerEncoderLayer. */
export interface TransformerEncoderLayerOptions extends FactoryOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: TransformerActivation;
  layerNormEps?: number;
  batchFirst?: boolean;
  /** Pre-norm (LayerNorm before attention/feed-forward) instead of post-norm. */
  normFirst?: boolean;
}

/** Keyword arguments of the encoder layers' forward. */
export interface EncoderCallOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

// The activation as a function; a module activation is called through `call` (hooks run).
function activationFn(act: TransformerActivation): (x: Tensor) => Tensor {
  if (act instanceof Module) return (x) => act.call(x) as Tensor;
  if (act === 'relu') return (x) => F.relu(x);
  if (act === 'gelu') return (x) => F.gelu(x);
  if (typeof act === 'function') return act;
  throw new ValueError(`activation should be relu/gelu, not ${String(act)}`);
}

/** Self-attention + feed-forward block (torch.nn.TransformerEncoderLayer). */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  // A module activation is a registered child (and prints); a named or plain function is not.
  activation?: Module;
  declare private readonly _activation: 'relu' | 'gelu' | ((x: Tensor) => Tensor) | null; // null: use `activation`

  /** `new TransformerEncoderLayer(512, 8, { dimFeedforward: 2048, batchFirst: true })`. */
  constructor(dModel: number, nhead: number, options: TransformerEncoderLayerOptions = {}) {
    super();
    const p = options.dropout ?? 0.1;
    const ff = options.dimFeedforward ?? 2048;
    const eps = options.layerNormEps ?? 1e-5;
    const f: FactoryOptions = { dtype: options.dtype, device: options.device };
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: options.batchFirst ?? false, ...f });
    this.linear1 = new Linear(dModel, ff, f);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, f);
    this.normFirst = options.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps, ...f });
    this.norm2 = new LayerNorm(dModel, { eps, ...f });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    const act = options.activation ?? 'relu';
    if (act instanceof Module) this.activation = act;
    Object.defineProperty(this, '_activation', { value: act instanceof Module ? null : act, enumerable: false, writable: true });
  }

  /** Encodes `src` (`[S, N, E]`, or `[N, S, E]` with `batchFirst`). */
  override forward(src: Tensor, options: EncoderCallOptions = {}): Tensor {
    const sa = (x: Tensor) =>
      this.dropout1.call(this.self_attn.call(x, x, x, { attnMask: options.srcMask ?? null, keyPaddingMask: options.srcKeyPaddingMask ?? null, needWeights: false })[0]);
    const ffn = (x: Tensor) => this.dropout2.call(this.linear2.call(this.dropout.call(activationFn(this._activation ?? this.activation!)(this.linear1.call(x)))));
    let x = src;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.call(x)));
      x = x.add(ffn(this.norm2.call(x)));
    } else {
      x = this.norm1.call(x.add(sa(x)));
      x = this.norm2.call(x.add(ffn(x)));
    }
    return x;
  }

}

/** A stack of `numLayers` copies of an encoder layer (torch.nn.TransformerEncoder). */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  /** `new TransformerEncoder(new TransformerEncoderLayer(512, 8), 6)`; every layer starts as a copy of `encoderLayer`. */
  constructor(encoderLayer: Module, numLayers: number, options: { norm?: Module | null } = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepcopy(encoderLayer)));
    this.numLayers = numLayers;
    this.norm = options.norm ?? null;
  }

  /** Runs `src` through every layer (and the final norm, if any). */
  override forward(src: Tensor, options: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null } = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).call(x, { srcMask: options.mask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null });
    return this.norm ? (this.norm.call(x) as Tensor) : x;
  }
}

/** Keyword arguments of the decoder layers' forward. */
export interface DecoderCallOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}

/** Self-attention, attention over the encoder memory, and feed-forward (torch.nn.TransformerDecoderLayer). */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  // A module activation is a registered child (and prints); a named or plain function is not.
  activation?: Module;
  declare private readonly _activation: 'relu' | 'gelu' | ((x: Tensor) => Tensor) | null; // null: use `activation`

  /** `new TransformerDecoderLayer(512, 8, { batchFirst: true })`. */
  constructor(dModel: number, nhead: number, options: TransformerEncoderLayerOptions = {}) {
    super();
    const p = options.dropout ?? 0.1;
    const ff = options.dimFeedforward ?? 2048;
    const eps = options.layerNormEps ?? 1e-5;
    const f: FactoryOptions = { dtype: options.dtype, device: options.device };
    const bf = options.batchFirst ?? false;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: bf, ...f });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: bf, ...f });
    this.linear1 = new Linear(dModel, ff, f);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, f);
    this.normFirst = options.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps, ...f });
    this.norm2 = new LayerNorm(dModel, { eps, ...f });
    this.norm3 = new LayerNorm(dModel, { eps, ...f });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    const act = options.activation ?? 'relu';
    if (act instanceof Module) this.activation = act;
    Object.defineProperty(this, '_activation', { value: act instanceof Module ? null : act, enumerable: false, writable: true });
  }

  /** Decodes `tgt` attending to `memory` (the encoder output). */
  override forward(tgt: Tensor, memory: Tensor, options: DecoderCallOptions = {}): Tensor {
    const sa = (x: Tensor) =>
      this.dropout1.call(this.self_attn.call(x, x, x, { attnMask: options.tgtMask ?? null, keyPaddingMask: options.tgtKeyPaddingMask ?? null, needWeights: false })[0]);
    const mha = (x: Tensor) =>
      this.dropout2.call(this.multihead_attn.call(x, memory, memory, { attnMask: options.memoryMask ?? null, keyPaddingMask: options.memoryKeyPaddingMask ?? null, needWeights: false })[0]);
    const ffn = (x: Tensor) => this.dropout3.call(this.linear2.call(this.dropout.call(activationFn(this._activation ?? this.activation!)(this.linear1.call(x)))));
    let x = tgt;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.call(x)));
      x = x.add(mha(this.norm2.call(x)));
      x = x.add(ffn(this.norm3.call(x)));
    } else {
      x = this.norm1.call(x.add(sa(x)));
      x = this.norm2.call(x.add(mha(x)));
      x = this.norm3.call(x.add(ffn(x)));
    }
    return x;
  }

}

/** A stack of `numLayers` copies of a decoder layer (torch.nn.TransformerDecoder). */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  /** `new TransformerDecoder(new TransformerDecoderLayer(512, 8), 6)`; every layer starts as a copy of `decoderLayer`. */
  constructor(decoderLayer: Module, numLayers: number, options: { norm?: Module | null } = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepcopy(decoderLayer)));
    this.numLayers = numLayers;
    this.norm = options.norm ?? null;
  }

  /** Runs `tgt` through every layer against `memory` (and the final norm, if any). */
  override forward(tgt: Tensor, memory: Tensor, options: DecoderCallOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).call(x, memory, options);
    return this.norm ? (this.norm.call(x) as Tensor) : x;
  }
}

/** Keyword options of Transformer (every PyTorch argument has a default). */
export interface TransformerOptions extends TransformerEncoderLayerOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  customEncoder?: Module | null;
  customDecoder?: Module | null;
}

/** Encoder–decoder transformer of "Attention Is All You Need" (torch.nn.Transformer). */
export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  /** `new Transformer({ dModel: 512, nhead: 8 })`; weights with more than one dim are xavier-uniform. */
  constructor(options: TransformerOptions = {}) {
    super();
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder, customDecoder, ...layer } = options;
    const eps = layer.layerNormEps ?? 1e-5;
    const f: FactoryOptions = { dtype: layer.dtype, device: layer.device };
    this.encoder = customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layer), numEncoderLayers, { norm: new LayerNorm(dModel, { eps, ...f }) });
    this.decoder = customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layer), numDecoderLayers, { norm: new LayerNorm(dModel, { eps, ...f }) });
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layer.batchFirst ?? false;
    for (const p of this.parameters()) if (p.ndim > 1) init.xavierUniform_(p);
  }

  /** Encodes `src`, then decodes `tgt` against it. */
  override forward(
    src: Tensor,
    tgt: Tensor,
    options: { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null } & DecoderCallOptions = {},
  ): Tensor {
    const batchDim = this.batchFirst ? 0 : 1;
    if (src.ndim === 3 && tgt.ndim === 3 && src.shape[batchDim] !== tgt.shape[batchDim]) {
      throw new ValueError('the batch number of src and tgt must be equal');
    }
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new ValueError('the feature number of src and tgt must be equal to d_model');
    }
    const memory = this.encoder.call(src, { mask: options.srcMask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null }) as Tensor;
    return this.decoder.call(tgt, memory, {
      tgtMask: options.tgtMask, memoryMask: options.memoryMask, tgtKeyPaddingMask: options.tgtKeyPaddingMask, memoryKeyPaddingMask: options.memoryKeyPaddingMask,
    }) as Tensor;
  }

  /** A float causal mask `[sz, sz]`: 0 on and below the diagonal, -inf above (PyTorch's generate_square_subsequent_mask). */
  static generateSquareSubsequentMask(sz: number): Tensor {
    return zeros([sz, sz]).maskedFill(ones([sz, sz], { dtype: 'bool' }).triu(1), -Infinity);
  }
}
