/**
 * calculateGain and fan computation (torch.nn.init.calculate_gain and
 * `_calculate_fan_in_and_fan_out`), shared by the scaled initialisers.
 * @packageDocumentation
 */
import { ShapeError, ValueError, fmtShape, type Tensor } from '@kiln/tensor';

/**
 * A nonlinearity name as PyTorch spells it ('relu', 'leaky_relu', 'conv_transpose2d' …);
 * the camelCase spellings ('leakyRelu', 'convTranspose2d' …) are accepted too.
 */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';

const LINEAR = new Set(['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'convTranspose1d', 'convTranspose2d', 'convTranspose3d']);

/**
 * The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
 * √(2 / (1 + slope²)) for leaky_relu (slope `param`, default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR.has(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5 / 3;
  if (nonlinearity === 'relu') return Math.SQRT2;
  if (nonlinearity === 'leaky_relu' || nonlinearity === 'leakyRelu') {
    if (param === undefined || param === null) param = 0.01;
    else if (typeof param !== 'number' || Number.isNaN(param)) throw new ValueError(`calculateGain: negative_slope ${String(param)} not a valid number`);
    return Math.sqrt(2 / (1 + param * param));
  }
  if (nonlinearity === 'selu') return 3 / 4;
  throw new ValueError(`calculateGain: Unsupported nonlinearity ${String(nonlinearity)}`);
}

/** fan_in = size(1) · receptive field, fan_out = size(0) · receptive field (needs ≥ 2 dims). */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  if (tensor.ndim < 2) {
    throw new ShapeError(`Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape ${fmtShape(tensor.shape)})`);
  }
  const receptive = tensor.shape.slice(2).reduce((p, c) => p * c, 1);
  return { fanIn: tensor.shape[1]! * receptive, fanOut: tensor.shape[0]! * receptive };
}

/** The fan used by kaiming init: 'fan_in' (default, preserves forward variance) or 'fan_out' (backward). */
export type FanMode = 'fan_in' | 'fan_out' | 'fanIn' | 'fanOut';

/** fan_in or fan_out of `tensor`. @internal */
export function correctFan(tensor: Tensor, mode: FanMode): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  if (mode === 'fan_in' || mode === 'fanIn') return fanIn;
  if (mode === 'fan_out' || mode === 'fanOut') return fanOut;
  throw new ValueError(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
}
