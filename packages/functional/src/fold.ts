/**
 * unfold (im2col) and fold (col2im) over [N, C, H, W], through the `im2col` / `col2im` ops
 * defined in im2col.ts (whose gradients are each other).
 * @packageDocumentation
 */
import { ShapeError, dispatch1, fmtShape, type Tensor } from '@kiln/tensor';
import { checkOutput, slidingOut, type WindowAttrs } from './im2col.js';
import { checkFloat, ntuple, type IntOrTuple } from './util.js';

/** Keyword arguments of unfold / fold. */
export interface FoldOptions {
  dilation?: IntOrTuple;
  padding?: IntOrTuple;
  stride?: IntOrTuple;
}

function attrsOf(fn: string, kernelSize: IntOrTuple, o: FoldOptions, size: number[]): WindowAttrs {
  const a = {
    kernel: ntuple(fn, 'kernelSize', kernelSize, 2),
    dilation: ntuple(fn, 'dilation', o.dilation ?? 1, 2),
    padding: ntuple(fn, 'padding', o.padding ?? 0, 2),
    stride: ntuple(fn, 'stride', o.stride ?? 1, 2),
  };
  return { ...a, blocks: size.map((s, i) => slidingOut(s + 2 * a.padding[i]!, a.kernel[i]!, a.stride[i]!, a.dilation[i]!)) };
}

/** Extracts sliding blocks: [N, C, H, W] → [N, C·kh·kw, L] (torch.nn.functional.unfold). */
export function unfold(input: Tensor, kernelSize: IntOrTuple, options: FoldOptions = {}): Tensor {
  checkFloat('unfold', input);
  if (input.ndim !== 3 && input.ndim !== 4) throw new ShapeError(`unfold: Input Error: Only 3D or 4D input Tensors are supported (got ${input.ndim}D, shape ${fmtShape(input.shape)})`);
  const x = input.ndim === 3 ? input.unsqueeze(0) : input;
  const a = attrsOf('unfold', kernelSize, options, x.shape.slice(2));
  checkOutput('unfold', input, x.shape.slice(2).map((s, i) => s + 2 * a.padding[i]!), a.kernel, a.dilation, a.blocks);
  const y = dispatch1('im2col', [x], { ...a });
  return input.ndim === 3 ? y.squeeze(0) : y;
}

/** Sums sliding blocks back into an image: [N, C·kh·kw, L] → [N, C, *outputSize] (torch.nn.functional.fold). */
export function fold(input: Tensor, outputSize: IntOrTuple, kernelSize: IntOrTuple, options: FoldOptions = {}): Tensor {
  checkFloat('fold', input);
  if (input.ndim !== 2 && input.ndim !== 3) throw new ShapeError(`fold: Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got ${input.ndim}D, shape ${fmtShape(input.shape)})`);
  const x = input.ndim === 2 ? input.unsqueeze(0) : input;
  const size = ntuple('fold', 'outputSize', outputSize, 2);
  const a = attrsOf('fold', kernelSize, options, size);
  const K = a.kernel[0]! * a.kernel[1]!;
  const blocks = a.blocks;
  if (x.shape[1]! % K !== 0) throw new ShapeError(`fold: Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${x.shape[1]} and kernel_size=${fmtShape(a.kernel)}`);
  if (x.shape[2] !== blocks[0]! * blocks[1]!) {
    throw new ShapeError(`fold: Given output_size=${fmtShape(size)}, kernel_size=${fmtShape(a.kernel)}, dilation=${fmtShape(a.dilation)}, padding=${fmtShape(a.padding)}, stride=${fmtShape(a.stride)}, expected size of input's dimension 2 to match the calculated number of sliding blocks ${blocks.join(' * ')} = ${blocks[0]! * blocks[1]!}, but got input.size(2)=${x.shape[2]}.`);
  }
  const y = dispatch1('col2im', [x], { ...a, outputSize: size });
  return input.ndim === 2 ? y.squeeze(0) : y;
}
