/**
 * Convolutions: conv1d/2d/3d and convTranspose1d/2d/3d.
 *
 * `conv{N}d` is an op of its own (`defineOp`) so a backend can replace it with a fused kernel.
 * The default decomposition is im2col through an overlapping `asStrided` view of the padded
 * input followed by one batched matmul per group. Its gradient rule is explicit:
 * - grad input  = the transposed convolution of the output gradient (`convTranspose{N}d` op),
 * - grad weight = output gradient × im2col columns (`conv{N}dWeightGrad` op),
 * - grad bias   = the output gradient summed over batch and space.
 * A transposed convolution is the adjoint of a convolution: columns Wᵀ·x summed back into the
 * image by col2im (one scatter-add). Its gradients are a convolution (input) and the same
 * weight-grad op with the roles of input and output swapped (weight).
 * @packageDocumentation
 */
import { DTypeError, ShapeError, ValueError, defineOp, dispatch1, fmtShape, type Tensor } from '@kiln/tensor';
import { checkOutput, col2imRaw, im2colRaw, padSpatial, slidingOut, type WindowAttrs } from './im2col.js';
import { checkFloat, ntuple, type IntOrTuple, tidyImpl } from './util.js';

/** Keyword arguments of conv{N}d. */
export interface ConvOptions {
  /** Step of the sliding window (default 1). */
  stride?: IntOrTuple;
  /** Zero padding per side, or 'valid' (none) / 'same' (output size = input size; stride 1 only). Default 0. */
  padding?: IntOrTuple | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: IntOrTuple;
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
}

/** Keyword arguments of convTranspose{N}d. */
export interface ConvTransposeOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  /** Extra size added to one side of the output (must be smaller than stride or dilation). */
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}

interface ConvAttrs {
  stride: number[];
  padding: number[];
  dilation: number[];
  groups: number;
}

const prod = (a: readonly number[]) => a.reduce((p, c) => p * c, 1);

function geometry(a: ConvAttrs, kernel: number[], blocks: number[]): WindowAttrs {
  return { kernel, dilation: a.dilation, padding: a.padding, stride: a.stride, blocks };
}

function convRaw(x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvAttrs): Tensor {
  const n = x.ndim - 2;
  const B = x.shape[0]!;
  const Cout = w.shape[0]!;
  const G = a.groups;
  const kernel = w.shape.slice(2);
  const out = x.shape.slice(2).map((s, i) => slidingOut(s + 2 * a.padding[i]!, kernel[i]!, a.stride[i]!, a.dilation[i]!));
  const cols = im2colRaw(x, geometry(a, kernel, out)).reshape([B, G, -1, prod(out)]); // [B, G, Cg·K, L]
  // [G, Cout/G, Cg·K] @ [B, G, Cg·K, L] → [B, G, Cout/G, L], already in output order
  let y = w.reshape([G, Cout / G, -1]).matmul(cols).reshape([B, Cout, ...out]);
  if (b) y = y.add(b.reshape([Cout, ...Array<number>(n).fill(1)]));
  return y;
}

/** dW = dY × colsᵀ, summed over the batch: [Cout, Cin/G, *K]. */
function convWeightGrad(x: Tensor, gy: Tensor, wShape: number[], a: ConvAttrs): Tensor {
  const G = a.groups;
  const B = x.shape[0]!;
  const Cout = wShape[0]!;
  const kernel = wShape.slice(2);
  const out = gy.shape.slice(2);
  const L = prod(out);
  const cols = im2colRaw(x, geometry(a, kernel, out)).reshape([B, G, -1, L]); // [B, G, CK, L]
  const CK = cols.shape[2]!;
  // fold the batch into the contraction: [G, Cog, B·L] @ [G, B·L, CK]
  const g2 = gy.reshape([B, G, Cout / G, L]).permute([1, 2, 0, 3]).reshape([G, Cout / G, B * L]);
  const c2 = cols.permute([1, 0, 3, 2]).reshape([G, B * L, CK]);
  return g2.matmul(c2).reshape(wShape);
}

/** Transposed convolution with an explicit output size: columns Wᵀ·x, summed back into the image by col2im. */
function convTransposeRaw(x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvAttrs, outSize: number[]): Tensor {
  const n = x.ndim - 2;
  const G = a.groups;
  const B = x.shape[0]!;
  const Cin = w.shape[0]!;
  const Cog = w.shape[1]!;
  const kernel = w.shape.slice(2);
  const S = x.shape.slice(2);
  // [G, Cog·K, Cin/G] @ [B, G, Cin/G, L] → [B, G, Cog·K, L] = [B, Cout·K, L]
  const wt = w.reshape([G, Cin / G, -1]).transpose(1, 2);
  const cols = wt.matmul(x.reshape([B, G, Cin / G, prod(S)])).reshape([B, G * Cog * prod(kernel), prod(S)]);
  let y = col2imRaw(cols, outSize, geometry(a, kernel, S));
  if (b) y = y.add(b.reshape([G * Cog, ...Array<number>(n).fill(1)]));
  return y;
}

for (const n of [1, 2, 3]) {
  defineOp({
    name: `conv${n}d`,
    impl: tidyImpl(([x, w, b], a) => [convRaw(x!, w!, b, a as unknown as ConvAttrs)]),
    vjp: ({ inputs, gradOutputs, attrs, needsInputGrad }) => {
      const [x, w] = inputs as [Tensor, Tensor];
      const g = gradOutputs[0]!;
      const a = attrs as unknown as ConvAttrs;
      const kernel = w.shape.slice(2);
      const outputPadding = x.shape.slice(2).map((s, i) => s - ((g.shape[2 + i]! - 1) * a.stride[i]! - 2 * a.padding[i]! + a.dilation[i]! * (kernel[i]! - 1) + 1));
      const gx = needsInputGrad[0] ? dispatch1(`convTranspose${n}d`, [g, w], { ...a, outputPadding }) : null;
      const gw = needsInputGrad[1] ? dispatch1(`conv${n}dWeightGrad`, [x, g], { ...a, weightShape: w.shape }) : null;
      const grads = [gx, gw];
      if (inputs.length > 2) grads.push(needsInputGrad[2] ? g.sum([0, ...kernel.map((_, i) => 2 + i)]) : null);
      return grads;
    },
  });
  defineOp({
    name: `conv${n}dWeightGrad`,
    impl: tidyImpl(([x, g], a) => [convWeightGrad(x!, g!, a.weightShape as number[], a as unknown as ConvAttrs)]),
  });
  defineOp({
    name: `convTranspose${n}d`,
    impl: tidyImpl(([x, w, b], a) => {
      const at = a as unknown as ConvAttrs & { outputPadding: number[] };
      const kernel = w!.shape.slice(2);
      const outSize = x!.shape.slice(2).map((s, i) => (s - 1) * at.stride[i]! - 2 * at.padding[i]! + at.dilation[i]! * (kernel[i]! - 1) + at.outputPadding[i]! + 1);
      return [convTransposeRaw(x!, w!, b, at, outSize)];
    }),
    vjp: ({ inputs, gradOutputs, attrs, needsInputGrad }) => {
      const [x, w] = inputs as [Tensor, Tensor];
      const g = gradOutputs[0]!;
      const { stride, padding, dilation, groups } = attrs as unknown as ConvAttrs;
      const a = { stride, padding, dilation, groups };
      const gx = needsInputGrad[0] ? dispatch1(`conv${n}d`, [g, w], a) : null;
      // y = convT(x, w) ⇔ x-grad = conv(y-grad, w); the weight gradient is conv's with input and output swapped
      const gw = needsInputGrad[1] ? dispatch1(`conv${n}dWeightGrad`, [g, x], { ...a, weightShape: w.shape }) : null;
      const grads = [gx, gw];
      if (inputs.length > 2) grads.push(needsInputGrad[2] ? g.sum([0, ...w.shape.slice(2).map((_, i) => 2 + i)]) : null);
      return grads;
    },
  });
}

function checkCommon(fn: string, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, n: number): boolean {
  checkFloat(fn, input);
  if (input.ndim !== n + 1 && input.ndim !== n + 2) {
    throw new ShapeError(`${fn}: Expected ${n + 1}D (unbatched) or ${n + 2}D (batched) input to ${fn}, but got input of size: ${fmtShape(input.shape)}`);
  }
  if (weight.ndim !== n + 2) {
    throw new ShapeError(`${fn}: expected weight to be ${n + 2}-D [out_channels, in_channels/groups, ${Array<string>(n).fill('k').join(', ')}], but got weight of size ${fmtShape(weight.shape)}`);
  }
  if (weight.dtype !== input.dtype) {
    throw new DTypeError(`${fn}: Input type (${input.dtype}) and weight type (${weight.dtype}) should be the same; convert one with .to('${weight.dtype}')`);
  }
  if (bias && (bias.ndim !== 1 || bias.dtype !== input.dtype)) {
    throw new ShapeError(`${fn}: expected bias to be a 1-D ${input.dtype} tensor, but got ${bias.dtype} bias of size ${fmtShape(bias.shape)}`);
  }
  return input.ndim === n + 1;
}

function convN(fn: string, n: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvOptions): Tensor {
  const unbatched = checkCommon(fn, input, weight, bias, n);
  const x = unbatched ? input.unsqueeze(0) : input;
  const groups = options.groups ?? 1;
  const stride = ntuple(fn, 'stride', options.stride ?? 1, n);
  const dilation = ntuple(fn, 'dilation', options.dilation ?? 1, n);
  const C = x.shape[1]!, Cout = weight.shape[0]!;
  const kernel = weight.shape.slice(2);
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${fn}: non-positive groups is not supported, got groups=${groups}`);
  if (C !== weight.shape[1]! * groups) {
    throw new ShapeError(
      `${fn}: expected input${fmtShape(input.shape)} to have ${weight.shape[1]! * groups} channels (weight ${fmtShape(weight.shape)}, groups=${groups}), but got ${C} channels; ` +
        'check the in_channels of the layer against the channel dim (dim 1) of the input',
    );
  }
  if (Cout % groups !== 0) throw new ShapeError(`${fn}: expected weight ${fmtShape(weight.shape)} to have out_channels divisible by groups=${groups}`);
  if (bias && bias.shape[0] !== Cout) throw new ShapeError(`${fn}: expected bias of size [${Cout}] (out_channels of weight ${fmtShape(weight.shape)}), but got ${fmtShape(bias.shape)}`);
  if (stride.some((s) => s < 1)) throw new ValueError(`${fn}: non-positive stride is not supported, got ${fmtShape(stride)}`);
  if (dilation.some((d) => d < 1)) throw new ValueError(`${fn}: dilation should be greater than zero, got ${fmtShape(dilation)}`);
  let padding: number[];
  let xin = x;
  const pad = options.padding ?? 0;
  if (pad === 'valid') padding = Array<number>(n).fill(0);
  else if (pad === 'same') {
    if (stride.some((s) => s !== 1)) throw new ValueError(`${fn}: padding='same' is not supported for strided convolutions (stride ${fmtShape(stride)})`);
    // total padding dilation*(k-1); PyTorch pads the odd extra element on the right side
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    padding = total.map((t) => Math.floor(t / 2));
    const extra = total.map((t, i) => t - 2 * padding[i]!);
    if (extra.some((e) => e > 0)) xin = padSpatial(x, Array<number>(n).fill(0), extra);
  } else if (typeof pad === 'string') {
    throw new ValueError(`${fn}: Invalid padding string '${pad}', should be one of 'valid' or 'same'`);
  } else padding = ntuple(fn, 'padding', pad, n);
  if (padding.some((p) => p < 0)) throw new ValueError(`${fn}: negative padding is not supported, got ${fmtShape(padding)}`);
  const padded = xin.shape.slice(2).map((s, i) => s + 2 * padding[i]!);
  checkOutput(fn, input, padded, kernel, dilation, padded.map((p, i) => slidingOut(p, kernel[i]!, stride[i]!, dilation[i]!)));
  const inputs = bias ? [xin, weight, bias] : [xin, weight];
  const y = dispatch1(`conv${n}d`, inputs, { stride, padding, dilation, groups });
  return unbatched ? y.squeeze(0) : y;
}

/** 1-D convolution over [B, C, L] (or unbatched [C, L]) with weight [Cout, C/groups, K]. */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  return convN('conv1d', 1, input, weight, bias, options);
}

/** 2-D convolution over [B, C, H, W] (or unbatched [C, H, W]) with weight [Cout, C/groups, kH, kW]. */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  return convN('conv2d', 2, input, weight, bias, options);
}

/** 3-D convolution over [B, C, D, H, W] (or unbatched) with weight [Cout, C/groups, kD, kH, kW]. */
export function conv3d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  return convN('conv3d', 3, input, weight, bias, options);
}

function convTransposeN(fn: string, n: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvTransposeOptions): Tensor {
  const unbatched = checkCommon(fn, input, weight, bias, n);
  const x = unbatched ? input.unsqueeze(0) : input;
  const groups = options.groups ?? 1;
  const stride = ntuple(fn, 'stride', options.stride ?? 1, n);
  const padding = ntuple(fn, 'padding', options.padding ?? 0, n);
  const dilation = ntuple(fn, 'dilation', options.dilation ?? 1, n);
  const outputPadding = ntuple(fn, 'outputPadding', options.outputPadding ?? 0, n);
  const C = x.shape[1]!;
  if (C !== weight.shape[0]) {
    throw new ShapeError(
      `${fn}: expected input${fmtShape(input.shape)} to have ${weight.shape[0]} channels (weight ${fmtShape(weight.shape)} is [in_channels, out_channels/groups, …], groups=${groups}), but got ${C} channels`,
    );
  }
  if (C % groups !== 0) throw new ShapeError(`${fn}: in_channels ${C} must be divisible by groups=${groups}`);
  const Cout = weight.shape[1]! * groups;
  if (bias && bias.shape[0] !== Cout) throw new ShapeError(`${fn}: expected bias of size [${Cout}], but got ${fmtShape(bias.shape)}`);
  outputPadding.forEach((op, i) => {
    if (op >= stride[i]! && op >= dilation[i]!) {
      throw new ValueError(`${fn}: output padding must be smaller than either stride or dilation, but got outputPadding ${fmtShape(outputPadding)}, stride ${fmtShape(stride)}, dilation ${fmtShape(dilation)}`);
    }
  });
  const kernel = weight.shape.slice(2);
  const outSize = x.shape.slice(2).map((s, i) => (s - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (kernel[i]! - 1) + outputPadding[i]! + 1);
  if (outSize.some((o) => o < 1)) throw new ShapeError(`${fn}: the computed output size ${fmtShape(outSize)} is too small for input ${fmtShape(input.shape)}; reduce padding`);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const y = dispatch1(`convTranspose${n}d`, inputs, { stride, padding, dilation, groups, outputPadding });
  return unbatched ? y.squeeze(0) : y;
}

/** 1-D transposed convolution ("deconvolution"); weight [Cin, Cout/groups, K]. */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeN('convTranspose1d', 1, input, weight, bias, options);
}

/** 2-D transposed convolution; weight [Cin, Cout/groups, kH, kW]. */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeN('convTranspose2d', 2, input, weight, bias, options);
}

/** 3-D transposed convolution; weight [Cin, Cout/groups, kD, kH, kW]. */
export function convTranspose3d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposeN('convTranspose3d', 3, input, weight, bias, options);
}
