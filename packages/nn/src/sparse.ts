/**
 * Embedding: a lookup table of `numEmbeddings` vectors of size `embeddingDim`.
 * @packageDocumentation
 */
import { ValueError, isFloating, noGrad, type Tensor } from '@kiln/tensor';
import * as F from '@kiln/functional';
import * as init from '@kiln/init';
import { newParam, type FactoryOptions } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { inputError, py, pyFloat } from './shape-check.js';

/** Keyword options of Embedding. */
export interface EmbeddingOptions extends FactoryOptions {
  /** This row gets no gradient and is initialised to zeros (negative counts from the end). */
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  sparse?: boolean;
  /** Use this tensor as the weight instead of N(0, 1) samples. */
  _weight?: Tensor | null;
  /** With `_weight`: whether the weight requires grad. */
  _freeze?: boolean;
}

/** A lookup table of embeddings indexed by int32 tensors (torch.nn.Embedding). */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly sparse: boolean;
  weight: Parameter;

  /** `new Embedding(10, 3, { paddingIdx: 0 })`; weight ~ N(0, 1), padding row zero. */
  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (pad >= numEmbeddings || pad < -numEmbeddings) throw new ValueError('Padding_idx must be within num_embeddings');
      if (pad < 0) pad += numEmbeddings;
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = pad;
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType ?? 2;
    this.scaleGradByFreq = options.scaleGradByFreq ?? false;
    this.sparse = options.sparse ?? false;
    if (options._weight) {
      const w = options._weight;
      if (w.shape.join() !== `${numEmbeddings},${embeddingDim}`) throw new ValueError('Shape of weight does not match num_embeddings and embedding_dim');
      this.weight = new Parameter(w, !(options._freeze ?? false));
    } else {
      this.weight = newParam([numEmbeddings, embeddingDim], options);
      this.resetParameters();
    }
  }

  /** Samples N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    init.normal_(this.weight);
    this.fillPaddingIdxWithZero();
  }

  private fillPaddingIdxWithZero(): void {
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  /** Looks up rows of `weight` for each index in `input` (any shape, int32). */
  override forward(input: Tensor): Tensor {
    if (isFloating(input.dtype)) inputError(this, `an int32 index tensor (got ${input.dtype})`, input);
    if (this.scaleGradByFreq) throw new ValueError('Embedding: scaleGradByFreq is not supported yet by @kiln/functional.embedding');
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType, sparse: this.sparse });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += `, scale_grad_by_freq=${py(this.scaleGradByFreq)}`;
    if (this.sparse) s += ', sparse=True';
    return s;
  }

  /** An Embedding using `embeddings` (2-D) as its weight; `freeze` (default true) stops its gradient. */
  static fromPretrained(embeddings: Tensor, options: Omit<EmbeddingOptions, '_weight' | '_freeze'> & { freeze?: boolean } = {}): Embedding {
    if (embeddings.ndim !== 2) throw new ValueError('Embeddings parameter is expected to be 2-dimensional');
    const [rows, cols] = embeddings.shape as [number, number];
    return new Embedding(rows, cols, { ...options, _weight: embeddings, _freeze: options.freeze ?? true });
  }
}
