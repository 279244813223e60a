/**
 * torch.nn.utils.rnn: PackedSequence, packPaddedSequence, padPackedSequence, packSequence,
 * padSequence. A PackedSequence stores the time steps of a batch of variable-length sequences
 * back to back (longest first), so RNN/LSTM/GRU skip the padding.
 * @packageDocumentation
 */
import { ValueError, cat, padConstant, stack, tensor, type Tensor } from '@kiln/tensor';

/**
 * Variable-length sequences packed time step by time step (torch.nn.utils.rnn.PackedSequence):
 * `data` is `[sum(lengths), *]`; `batchSizes[t]` is how many sequences are longer than `t`;
 * `sortedIndices`/`unsortedIndices` map between the caller's batch order and the length-sorted
 * order (null when the batch was already sorted).
 */
export class PackedSequence {
  /** Use packPaddedSequence or packSequence rather than the constructor. */
  constructor(
    readonly data: Tensor,
    readonly batchSizes: Tensor,
    readonly sortedIndices: Tensor | null = null,
    readonly unsortedIndices: Tensor | null = null,
  ) {}

  /** The batch sizes as numbers. */
  batchSizeList(): number[] {
    return Array.from(this.batchSizes.dataSync() as Int32Array);
  }

  /** The sequence lengths in the caller's batch order. */
  lengths(): number[] {
    const bs = this.batchSizeList();
    const sorted = Array.from({ length: bs[0] ?? 0 }, (_, b) => bs.filter((n) => n > b).length);
    if (!this.sortedIndices) return sorted;
    const order = Array.from(this.sortedIndices.dataSync() as Int32Array);
    const out = new Array<number>(sorted.length);
    order.forEach((orig, i) => (out[orig] = sorted[i]!));
    return out;
  }
}

function toList(lengths: Tensor | readonly number[]): number[] {
  return Array.isArray(lengths) ? [...lengths] : Array.from((lengths as Tensor).dataSync() as ArrayLike<number>, Number);
}

/**
 * Packs a padded batch `[T, B, *]` (`[B, T, *]` with `batchFirst`) with per-sequence `lengths`.
 * With `enforceSorted` (default true) lengths must be decreasing, as in PyTorch.
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | readonly number[], options: { batchFirst?: boolean; enforceSorted?: boolean } = {}): PackedSequence {
  const lens = toList(lengths);
  const batchDim = options.batchFirst ? 0 : 1;
  if (lens.length !== input.shape[batchDim]) {
    throw new ValueError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${input.shape[batchDim]})`);
  }
  if (lens.some((l) => l <= 0)) throw new ValueError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  let order: number[] | null = null;
  if (options.enforceSorted ?? true) {
    if (lens.some((l, i) => i > 0 && l > lens[i - 1]!)) {
      throw new ValueError(
        '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` ' +
          'to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.',
      );
    }
  } else order = lens.map((l, i) => [l, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i);
  let x = options.batchFirst ? input.transpose(0, 1) : input;
  const sortedIdx = order ? tensor(order, { dtype: 'int32' }) : null;
  if (sortedIdx) x = x.indexSelect(1, sortedIdx);
  const sortedLens = order ? order.map((i) => lens[i]!) : lens;
  const batchSizes = Array.from({ length: sortedLens[0]! }, (_, t) => sortedLens.filter((l) => l > t).length);
  if (sortedLens[0]! > x.shape[0]!) throw new ValueError(`a length (${sortedLens[0]}) exceeds the padded sequence length ${x.shape[0]}`);
  return packSorted(x, batchSizes, sortedIdx, order);
}

/** Packs an already length-sorted `[T, B, *]` tensor with the given batch sizes. @internal */
export function packSorted(x: Tensor, batchSizes: number[], sortedIdx: Tensor | null, order: number[] | null): PackedSequence {
  const data = cat(batchSizes.map((n, t) => x.select(0, t).narrow(0, 0, n)));
  let unsorted: Tensor | null = null;
  if (order) {
    const inv = new Array<number>(order.length);
    order.forEach((orig, i) => (inv[orig] = i));
    unsorted = tensor(inv, { dtype: 'int32' });
  }
  return new PackedSequence(data, tensor(batchSizes, { dtype: 'int32' }), sortedIdx, unsorted);
}

/**
 * Unpacks to `[padded, lengths]`: padded `[T, B, *]` (`[B, T, *]` with `batchFirst`) in the caller's
 * batch order, filled with `paddingValue`, at least `totalLength` steps long.
 */
export function padPackedSequence(sequence: PackedSequence, options: { batchFirst?: boolean; paddingValue?: number; totalLength?: number | null } = {}): [Tensor, Tensor] {
  const bs = sequence.batchSizeList();
  const B = bs[0] ?? 0;
  const T = bs.length;
  const total = options.totalLength ?? T;
  if (total < T) {
    throw new ValueError(`Expected total_length to be at least the length of the longest sequence in input, but got total_length=${total} and max sequence length being ${T}`);
  }
  const value = options.paddingValue ?? 0;
  const feat = sequence.data.ndim - 1;
  const rows: Tensor[] = [];
  let offset = 0;
  for (const n of bs) {
    const step = sequence.data.narrow(0, offset, n);
    offset += n;
    const pad = Array<number>(2 * (feat + 1)).fill(0);
    pad[pad.length - 1] = B - n; // F.pad order is last dim first; dim 0's right side comes last
    rows.push(n < B ? padConstant(step, pad, value) : step);
  }
  let padded = stack(rows, 0);
  if (total > T) {
    const pad = Array<number>(2 * (feat + 2)).fill(0);
    pad[pad.length - 1] = total - T;
    padded = padConstant(padded, pad, value);
  }
  if (sequence.unsortedIndices) padded = padded.indexSelect(1, sequence.unsortedIndices);
  if (options.batchFirst) padded = padded.transpose(0, 1);
  return [padded, tensor(sequence.lengths(), { dtype: 'int32' })];
}

/**
 * Pads variable-length sequences `[Li, *]` to the longest and stacks them: `[Lmax, B, *]`, or
 * `[B, Lmax, *]` with `batchFirst`.
 */
export function padSequence(sequences: readonly Tensor[], options: { batchFirst?: boolean; paddingValue?: number } = {}): Tensor {
  if (sequences.length === 0) throw new ValueError('received an empty list of sequences');
  const maxLen = Math.max(...sequences.map((s) => s.shape[0]!));
  const padded = sequences.map((s) => {
    const pad = Array<number>(2 * s.ndim).fill(0);
    pad[pad.length - 1] = maxLen - s.shape[0]!;
    return padConstant(s, pad, options.paddingValue ?? 0);
  });
  return stack(padded, options.batchFirst ? 0 : 1);
}

/** Packs a list of sequences `[Li, *]` (packPaddedSequence of padSequence). */
export function packSequence(sequences: readonly Tensor[], options: { enforceSorted?: boolean } = {}): PackedSequence {
  return packPaddedSequence(padSequence(sequences), sequences.map((s) => s.shape[0]!), { enforceSorted: options.enforceSorted ?? true });
}
