/**
 * Plain in-place initialisers: uniform_, normal_, truncNormal_, constant_, ones_, zeros_, eye_,
 * dirac_, sparse_. Every one runs under `noGrad` (so it may fill a Parameter that requires grad),
 * draws from the global generator unless given one, and returns the tensor.
 * @packageDocumentation
 */
import { ShapeError, ValueError, defaultGenerator, eye, fmtShape, noGrad, randperm, tensor as makeTensor, type Generator, type Tensor } from '@kiln/tensor';

/** The optional generator of the random initialisers (PyTorch 2.x `generator=`). */
export interface GeneratorOptions {
  generator?: Generator;
}

/** Reads hyper-parameters passed positionally (`uniform_(w, -1, 1)`) or as one options object (`uniform_(w, { a: -1, b: 1 })`). @internal */
export function params<O extends object>(first: number | O | undefined, rest: (number | undefined)[], keys: (keyof O)[], defaults: number[]): { values: [number, number, number, number]; options: O } {
  const pad = (v: number[]) => [...v, 0, 0, 0, 0].slice(0, 4) as [number, number, number, number];
  if (typeof first === 'object' && first !== null) {
    const o = first;
    return { values: pad(keys.map((k, i) => (typeof o[k] === 'number' ? (o[k] as number) : defaults[i]!))), options: o };
  }
  const given = [first, ...rest];
  return { values: pad(defaults.map((d, i) => (typeof given[i] === 'number' ? (given[i] as number) : d))), options: {} as O };
}

/** Fills with U(a, b) samples (defaults 0, 1). */
export function uniform_(tensor: Tensor, a?: number | ({ a?: number; b?: number } & GeneratorOptions), b?: number, options: GeneratorOptions = {}): Tensor {
  const { values: [lo, hi], options: o } = params(a, [b], ['a', 'b'], [0, 1]);
  return noGrad(() => tensor.uniform_(lo, hi, { generator: o.generator ?? options.generator ?? defaultGenerator }));
}

/** Fills with N(mean, std²) samples (defaults 0, 1). */
export function normal_(tensor: Tensor, mean?: number | ({ mean?: number; std?: number } & GeneratorOptions), std?: number, options: GeneratorOptions = {}): Tensor {
  const { values: [m, s], options: o } = params(mean, [std], ['mean', 'std'], [0, 1]);
  return noGrad(() => tensor.normal_(m, s, { generator: o.generator ?? options.generator ?? defaultGenerator }));
}

/** Φ(x), the standard normal CDF, through the float64 erf op (exact to double precision). */
const normCdf = (x: number) => (1 + (makeTensor(x / Math.SQRT2, { dtype: 'float64' }).erf().item() as number)) / 2;

/**
 * Fills with N(mean, std²) samples truncated to [a, b] (defaults 0, 1, -2, 2), by PyTorch's
 * inverse-CDF method: uniform in [2Φ(α) - 1, 2Φ(β) - 1], then erfinv.
 */
export function truncNormal_(
  tensor: Tensor,
  mean?: number | ({ mean?: number; std?: number; a?: number; b?: number } & GeneratorOptions),
  std?: number,
  a?: number,
  b?: number,
  options: GeneratorOptions = {},
): Tensor {
  const { values: [m, s, lo, hi], options: o } = params(mean, [std, a, b], ['mean', 'std', 'a', 'b'], [0, 1, -2, 2]);
  if (m < lo - 2 * s || m > hi + 2 * s) {
    console.warn('truncNormal_: mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.');
  }
  const l = normCdf((lo - m) / s), u = normCdf((hi - m) / s);
  return noGrad(() => {
    tensor.uniform_(2 * l - 1, 2 * u - 1, { generator: o.generator ?? options.generator ?? defaultGenerator });
    return tensor.copy_(tensor.erfinv().mul(s * Math.SQRT2).add(m).clamp(lo, hi));
  });
}

/** Fills with `val`. */
export function constant_(tensor: Tensor, val: number): Tensor {
  return noGrad(() => tensor.fill_(val));
}

/** Fills with ones. */
export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

/** Fills with zeros. */
export function zeros_(tensor: Tensor): Tensor {
  return constant_(tensor, 0);
}

/** Fills a 2-D tensor with the identity (ones on the main diagonal). */
export function eye_(tensor: Tensor): Tensor {
  if (tensor.ndim !== 2) throw new ShapeError(`eye_: Only tensors with 2 dimensions are supported, got shape ${fmtShape(tensor.shape)}`);
  return noGrad(() => tensor.copy_(eye(tensor.shape[0]!, tensor.shape[1]!, { dtype: tensor.dtype, device: tensor.device })));
}

/**
 * Fills a 3-, 4- or 5-D conv weight with the Dirac delta: the convolution then passes the first
 * channels of each group through unchanged.
 */
export function dirac_(tensor: Tensor, groups = 1): Tensor {
  const nd = tensor.ndim;
  if (nd < 3 || nd > 5) throw new ShapeError(`dirac_: Only tensors with 3, 4, or 5 dimensions are supported, got shape ${fmtShape(tensor.shape)}`);
  const s = tensor.shape;
  if (s[0]! % groups !== 0) throw new ValueError(`dirac_: dim 0 (${s[0]}) must be divisible by groups (${groups})`);
  const outPerGroup = s[0]! / groups;
  const minDim = Math.min(outPerGroup, s[1]!);
  const data = new Array<number>(tensor.numel()).fill(0);
  const strides = s.map((_, i) => s.slice(i + 1).reduce((p, c) => p * c, 1));
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) {
      let off = (g * outPerGroup + d) * strides[0]! + d * strides[1]!;
      for (let k = 2; k < nd; k++) off += Math.floor(s[k]! / 2) * strides[k]!;
      data[off] = 1;
    }
  }
  return noGrad(() => tensor.copy_(makeTensor(data, { dtype: tensor.dtype, device: tensor.device }).reshape(s)));
}

/**
 * Fills a 2-D tensor as a sparse matrix: N(0, std²) entries (std 0.01) with a fraction
 * `sparsity` of each column set to zero (Martens 2010).
 */
export function sparse_(tensor: Tensor, sparsity: number, options: { std?: number } & GeneratorOptions = {}): Tensor {
  if (tensor.ndim !== 2) throw new ShapeError(`sparse_: Only tensors with 2 dimensions are supported, got shape ${fmtShape(tensor.shape)}`);
  const [rows, cols] = tensor.shape as [number, number];
  const numZeros = Math.ceil(sparsity * rows);
  const generator = options.generator ?? defaultGenerator;
  return noGrad(() => {
    tensor.normal_(0, options.std ?? 0.01, { generator });
    for (let c = 0; c < cols; c++) {
      const zeroRows = randperm(rows, { generator }).narrow(0, 0, numZeros);
      if (numZeros > 0) tensor.indexPut_([zeroRows, c], 0);
    }
    return tensor;
  });
}
