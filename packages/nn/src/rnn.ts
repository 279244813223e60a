/**
 * Recurrent layers: RNN, LSTM, GRU (multi-layer, bidirectional, batchFirst, dropout between
 * layers) and the single-step cells RNNCell, LSTMCell, GRUCell. Parameters use PyTorch's names
 * (`weight_ih_l0`, `bias_hh_l1_reverse`, …) and gate order (LSTM: i, f, g, o; GRU: r, z, n), so
 * PyTorch state dicts load unchanged. Every weight starts U(-1/√hiddenSize, 1/√hiddenSize).
 *
 * Results are tuples as in PyTorch: `const [output, hN] = gru.call(x)`,
 * `const [output, [hN, cN]] = lstm.call(x)`. A {@link PackedSequence} input gives a packed output;
 * each sequence stops at its own length (its final state is taken there).
 * @packageDocumentation
 */
import { ShapeError, ValueError, cat, fmtShape, stack, tensor, zeros, type Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import * as init from '@kiln/init';
import { newParam, type FactoryOptions } from './linear.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';
import { inputError, py, pyFloat } from './shape-check.js';
import { PackedSequence, packSorted, padPackedSequence } from './utils/rnn.js';

/** Recurrence type: PyTorch's `mode`. */
type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** Keyword options of RNN, LSTM and GRU. */
export interface RNNOptions extends FactoryOptions {
  numLayers?: number;
  bias?: boolean;
  /** Input and output as `[batch, seq, feature]` instead of `[seq, batch, feature]`. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last (training mode only). */
  dropout?: number;
  bidirectional?: boolean;
}

interface CellWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/** One time step of a recurrence; `c` is the LSTM cell state. */
function step(mode: Mode, xGates: Tensor, h: Tensor, c: Tensor | null, w: CellWeights): [Tensor, Tensor | null] {
  const hh = F.linear(h, w.wHh, w.bHh);
  if (mode === 'RNN_TANH') return [xGates.add(hh).tanh(), null];
  if (mode === 'RNN_RELU') return [xGates.add(hh).relu(), null];
  if (mode === 'LSTM') {
    const [i, f, g, o] = xGates.add(hh).chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
    const c2 = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
    return [o.sigmoid().mul(c2.tanh()), c2];
  }
  const [xr, xz, xn] = xGates.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = hh.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return [n.sub(n.mul(z)).add(z.mul(h)), null]; // (1 − z) · n + z · h
}

/** Shared machinery of RNN, LSTM and GRU (PyTorch's `RNNBase`). */
export abstract class RNNBase extends Module {
  readonly mode: Mode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  constructor(mode: Mode, inputSize: number, hiddenSize: number, o: RNNOptions) {
    super();
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = o.numLayers ?? 1;
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? false;
    this.dropout = o.dropout ?? 0;
    this.bidirectional = o.bidirectional ?? false;
    if (this.dropout < 0 || this.dropout > 1) throw new ValueError('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
    if (hiddenSize <= 0) throw new ValueError('hidden_size must be greater than zero');
    if (this.numLayers <= 0) throw new ValueError('num_layers must be greater than zero');
    const g = GATES[mode] * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const inSize = layer === 0 ? inputSize : hiddenSize * dirs;
        this.registerParameter(`weight_ih${sfx}`, newParam([g, inSize], o));
        this.registerParameter(`weight_hh${sfx}`, newParam([g, hiddenSize], o));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, newParam([g], o));
          this.registerParameter(`bias_hh${sfx}`, newParam([g], o));
        }
      }
    }
    this.resetParameters();
  }

  /** U(-1/√hiddenSize, 1/√hiddenSize) for every weight and bias, as PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  /** The parameters per layer and direction, `[weight_ih, weight_hh, bias_ih, bias_hh]` each (PyTorch's `all_weights`). */
  get allWeights(): Parameter[][] {
    const dirs = this.bidirectional ? 2 : 1;
    const out: Parameter[][] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < dirs; d++) {
        const w = this.weights(layer, d);
        out.push([w.wIh, w.wHh, w.bIh, w.bHh].filter((t): t is Parameter => t !== null) as Parameter[]);
      }
    }
    return out;
  }

  /** Parameters of one layer and direction, by PyTorch's names. */
  protected weights(layer: number, dir: number): CellWeights {
    const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
    const get = (k: string) => (this as unknown as Record<string, Parameter | undefined>)[k] ?? null;
    return { wIh: get(`weight_ih${sfx}`)!, wHh: get(`weight_hh${sfx}`)!, bIh: get(`bias_ih${sfx}`), bHh: get(`bias_hh${sfx}`) };
  }

  /** Runs on a padded tensor or a PackedSequence; packed input comes back packed. */
  protected runAny(input: Tensor | PackedSequence, h0: Tensor | null, c0: Tensor | null): [Tensor | PackedSequence, Tensor, Tensor | null] {
    if (!(input instanceof PackedSequence)) return this.run(input, h0, c0, null);
    // Unpack (in the caller's batch order), run with per-sequence lengths, repack in the same order.
    const [padded] = padPackedSequence(input);
    const lengths = input.lengths();
    const [out, h, c] = this.run(padded, h0, c0, lengths, true);
    const sorted = input.sortedIndices ? out.indexSelect(1, input.sortedIndices) : out;
    const packed = packSorted(sorted, input.batchSizeList(), input.sortedIndices, null);
    return [new PackedSequence(packed.data, packed.batchSizes, input.sortedIndices, input.unsortedIndices), h, c];
  }

  /**
   * Runs the recurrence; returns the output `[L, N, D·H]` and the final states `[D·layers, N, H]`.
   * With `lengths`, sequence b only advances for its first `lengths[b]` steps.
   */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null, lengths: number[] | null, seqFirst = false): [Tensor, Tensor, Tensor | null] {
    if (input.ndim !== 2 && input.ndim !== 3) inputError(this, '2D (unbatched) or 3D input', input);
    if (input.shape[input.ndim - 1] !== this.inputSize) inputError(this, `input with ${this.inputSize} features in the last dimension`, input);
    const unbatched = input.ndim === 2;
    const batchFirst = this.batchFirst && !seqFirst;
    let x = unbatched ? input.unsqueeze(1) : batchFirst ? input.transpose(0, 1) : input;
    const [L, N] = x.shape as [number, number];
    const dirs = this.bidirectional ? 2 : 1;
    const stateShape = [this.numLayers * dirs, N, this.hiddenSize];
    const state = (s: Tensor | null, what: string): Tensor => {
      if (!s) return zeros(stateShape, { dtype: input.dtype, device: input.device });
      const t = unbatched ? s.unsqueeze(1) : s;
      if (t.shape.join() !== stateShape.join()) {
        throw new ShapeError(`${this.toString()}: expected ${what} of shape ${fmtShape(unbatched ? [stateShape[0]!, this.hiddenSize] : stateShape)}, got ${fmtShape(s.shape)}`);
      }
      return t;
    };
    const h = state(h0, 'hidden state');
    const c = this.mode === 'LSTM' ? state(c0, 'cell state') : null;
    const masks = lengths ? Array.from({ length: L }, (_, t) => tensor(lengths.map((l) => l > t)).reshape([N, 1])) : null;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const w = this.weights(layer, d);
        const xg = F.linear(x, w.wIh, w.bIh); // input projection for all steps at once
        let ht = h.select(0, layer * dirs + d);
        let ct = c ? c.select(0, layer * dirs + d) : null;
        const ys: Tensor[] = new Array(L);
        for (let s = 0; s < L; s++) {
          const t = d === 0 ? s : L - 1 - s;
          const [hn, cn] = step(this.mode, xg.select(0, t), ht, ct, w);
          const live = masks?.[t];
          // Finished sequences keep their state (so the reverse direction starts at each one's last step).
          ht = live ? hn.where(live, ht) : hn;
          ct = cn && live ? cn.where(live, ct!) : cn;
          ys[t] = live ? hn.where(live, 0) : hn;
        }
        outs.push(stack(ys, 0));
        hN.push(ht);
        if (ct) cN.push(ct);
      }
      x = dirs === 2 ? cat(outs, 2) : outs[0]!;
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) x = F.dropout(x, { p: this.dropout, training: true });
    }
    let out = unbatched ? x.squeeze(1) : batchFirst ? x.transpose(0, 1) : x;
    let hs = stack(hN, 0);
    let cs = c ? stack(cN, 0) : null;
    if (unbatched) {
      hs = hs.squeeze(1);
      cs = cs ? cs.squeeze(1) : null;
    }
    out = out.contiguous();
    return [out, hs, cs];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/** Elman RNN with tanh or ReLU (torch.nn.RNN). */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';
  /** `new RNN(10, 20, { numLayers: 2, nonlinearity: 'relu' })`. */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(`Unknown nonlinearity '${nl}'. Select from 'tanh' or 'relu'.`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nl;
  }
  /** `[output, hN]` for `input` (`[L, N, Hin]`, batch-first, unbatched or packed) and optional `h0`. */
  override forward<I extends Tensor | PackedSequence>(input: I, hx?: Tensor | null): [I, Tensor] {
    const [out, h] = this.runAny(input, hx ?? null, null);
    return [out as I, h];
  }
}

/** Long short-term memory (torch.nn.LSTM). */
export class LSTM extends RNNBase {
  /** `new LSTM(10, 20, { bidirectional: true })`. */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }
  /** `[output, [hN, cN]]` for `input` (tensor or packed) and optional `[h0, c0]`. */
  override forward<I extends Tensor | PackedSequence>(input: I, hx?: [Tensor, Tensor] | null): [I, [Tensor, Tensor]] {
    const [out, h, c] = this.runAny(input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [out as I, [h, c!]];
  }
}

/** Gated recurrent unit (torch.nn.GRU). */
export class GRU extends RNNBase {
  /** `new GRU(10, 20, { batchFirst: true })`. */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }
  /** `[output, hN]` for `input` (tensor or packed) and optional `h0`. */
  override forward<I extends Tensor | PackedSequence>(input: I, hx?: Tensor | null): [I, Tensor] {
    const [out, h] = this.runAny(input, hx ?? null, null);
    return [out as I, h];
  }
}

/** Shared part of the cells (PyTorch's `RNNCellBase`): weight_ih, weight_hh, bias_ih, bias_hh. */
export abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null = null;
  bias_hh: Parameter | null = null;

  constructor(inputSize: number, hiddenSize: number, bias: boolean, gates: number, o: FactoryOptions) {
    super();
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = bias;
    this.weight_ih = newParam([gates * hiddenSize, inputSize], o);
    this.weight_hh = newParam([gates * hiddenSize, hiddenSize], o);
    if (bias) {
      this.bias_ih = newParam([gates * hiddenSize], o);
      this.bias_hh = newParam([gates * hiddenSize], o);
    }
    this.resetParameters();
  }

  /** U(-1/√hiddenSize, 1/√hiddenSize) for every parameter. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  /** Validates `input` (`[N, Hin]` or `[Hin]`) and returns it batched, plus whether it was unbatched. */
  protected batched(input: Tensor): [Tensor, boolean] {
    if (input.ndim !== 1 && input.ndim !== 2) inputError(this, '1D or 2D input', input);
    if (input.shape[input.ndim - 1] !== this.inputSize) inputError(this, `input with ${this.inputSize} features in the last dimension`, input);
    return input.ndim === 1 ? [input.unsqueeze(0), true] : [input, false];
  }

  /** A given state (batched like the input) or zeros. */
  protected stateOr(s: Tensor | null | undefined, x: Tensor, unbatched: boolean): Tensor {
    if (!s) return zeros([x.shape[0]!, this.hiddenSize], { dtype: x.dtype, device: x.device });
    return unbatched ? s.unsqueeze(0) : s;
  }

  protected cellWeights(): CellWeights {
    return { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh };
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += `, bias=${py(this.bias)}`;
    const nl = (this as { nonlinearity?: string }).nonlinearity;
    if (nl !== undefined && nl !== 'tanh') s += `, nonlinearity=${nl}`;
    return s;
  }
}

/** One Elman RNN step (torch.nn.RNNCell). */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: 'tanh' | 'relu';
  /** `new RNNCell(10, 20, { nonlinearity: 'relu' })`. */
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } & FactoryOptions = {}) {
    super(inputSize, hiddenSize, options.bias ?? true, 1, options);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
  }
  /** The next hidden state. */
  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, u] = this.batched(input);
    const w = this.cellWeights();
    const [h] = step(this.nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', F.linear(x, w.wIh, w.bIh), this.stateOr(hx, x, u), null, w);
    return u ? h.squeeze(0) : h;
  }
}

/** One LSTM step (torch.nn.LSTMCell). */
export class LSTMCell extends RNNCellBase {
  /** `new LSTMCell(10, 20)`. */
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } & FactoryOptions = {}) {
    super(inputSize, hiddenSize, options.bias ?? true, 4, options);
  }
  /** `[h1, c1]` from `input` and optional `[h0, c0]`. */
  override forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    const [x, u] = this.batched(input);
    const w = this.cellWeights();
    const [h, c] = step('LSTM', F.linear(x, w.wIh, w.bIh), this.stateOr(hx?.[0], x, u), this.stateOr(hx?.[1], x, u), w);
    return u ? [h.squeeze(0), c!.squeeze(0)] : [h, c!];
  }
}

/** One GRU step (torch.nn.GRUCell). */
export class GRUCell extends RNNCellBase {
  /** `new GRUCell(10, 20)`. */
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } & FactoryOptions = {}) {
    super(inputSize, hiddenSize, options.bias ?? true, 3, options);
  }
  /** The next hidden state. */
  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, u] = this.batched(input);
    const w = this.cellWeights();
    const [h] = step('GRU', F.linear(x, w.wIh, w.bIh), this.stateOr(hx, x, u), null, w);
    return u ? h.squeeze(0) : h;
  }
}
