/**
 * Fan-scaled initialisers: Xavier/Glorot (Glorot & Bengio 2010) and Kaiming/He (He et al. 2015).
 * Bounds and standard deviations are PyTorch's; the samples come from Kiln's global generator.
 * @packageDocumentation
 */
import { defaultGenerator, noGrad, type Tensor } from '@kiln/tensor';
import { params, type GeneratorOptions } from './basic.js';
import { calculateFanInAndFanOut, calculateGain, correctFan, type FanMode, type Nonlinearity } from './gain.js';

/** Options of the kaiming initialisers. */
export interface KaimingOptions extends GeneratorOptions {
  /** Negative slope of the rectifier after this layer (only for 'leaky_relu'). Default 0. */
  a?: number;
  /** 'fan_in' (default) keeps the forward activations' variance, 'fan_out' the gradients'. */
  mode?: FanMode;
  /** The nonlinearity after this layer (default 'leaky_relu', PyTorch's default). */
  nonlinearity?: Nonlinearity;
}

/** U(-b, b) with b = gain · √(6 / (fan_in + fan_out)). */
export function xavierUniform_(tensor: Tensor, gain?: number | ({ gain?: number } & GeneratorOptions)): Tensor {
  const { values: [g], options } = params(gain, [], ['gain'], [1]);
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const bound = g * Math.sqrt(6 / (fanIn + fanOut));
  return noGrad(() => tensor.uniform_(-bound, bound, { generator: options.generator ?? defaultGenerator }));
}

/** N(0, std²) with std = gain · √(2 / (fan_in + fan_out)). */
export function xavierNormal_(tensor: Tensor, gain?: number | ({ gain?: number } & GeneratorOptions)): Tensor {
  const { values: [g], options } = params(gain, [], ['gain'], [1]);
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  const std = g * Math.sqrt(2 / (fanIn + fanOut));
  return noGrad(() => tensor.normal_(0, std, { generator: options.generator ?? defaultGenerator }));
}

function kaimingStd(tensor: Tensor, o: KaimingOptions): number {
  const fan = correctFan(tensor, o.mode ?? 'fan_in');
  return calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
}

/** U(-b, b) with b = gain · √(3 / fan); nn.Linear/Conv use `{ a: Math.sqrt(5) }` for their weights. */
export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  if (tensor.numel() === 0) {
    console.warn('kaimingUniform_: Initializing zero-element tensors is a no-op');
    return tensor;
  }
  const bound = Math.sqrt(3) * kaimingStd(tensor, options);
  return noGrad(() => tensor.uniform_(-bound, bound, { generator: options.generator ?? defaultGenerator }));
}

/** N(0, std²) with std = gain / √fan. */
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  if (tensor.numel() === 0) {
    console.warn('kaimingNormal_: Initializing zero-element tensors is a no-op');
    return tensor;
  }
  const std = kaimingStd(tensor, options);
  return noGrad(() => tensor.normal_(0, std, { generator: options.generator ?? defaultGenerator }));
}
