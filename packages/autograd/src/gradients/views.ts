/**
 * Gradients of view ops. Shape-only views map the gradient back with the inverse view; views
 * that select or repeat elements (slice, select, diagonal, unfold, asStrided) scatter-add the
 * gradient into a zero tensor of the input's shape at the flat indices the view reads — found by
 * applying the same view to `0..n-1` — so overlapping windows accumulate correctly.
 * @packageDocumentation
 */
import { arange, dispatch1, noGrad, type Tensor } from '@kiln/tensor';
import { defineGrad, type GradContext } from './registry.js';
import { geometryOf, scatterToBase, sumToShape, viewIndex } from './util.js';

const shapeOf = (c: GradContext) => c.inputs[0]!.shape;

defineGrad('view', { name: 'ViewBackward0', backward: (g, c) => [g.reshape(shapeOf(c))] });
defineGrad('squeeze', { name: (a) => ((a.dims as number[]).length === 1 ? 'SqueezeBackward1' : 'SqueezeBackward0'), backward: (g, c) => [g.reshape(shapeOf(c))] });
defineGrad('unsqueeze', { name: 'UnsqueezeBackward0', backward: (g, c) => [g.reshape(shapeOf(c))] });
defineGrad('expand', { name: 'ExpandBackward0', backward: (g, c) => [sumToShape(g, shapeOf(c))] });
defineGrad('flip', { name: 'FlipBackward0', backward: (g, c) => [g.flip(c.attrs.dims as number[])] });
defineGrad('permute', {
  name: 'PermuteBackward0',
  backward: (g, c) => {
    const dims = c.attrs.dims as number[];
    const inverse = dims.map((_, i) => dims.indexOf(i));
    return [g.permute(inverse)];
  },
});

/** Index views: the same op applied to `0..n-1` says which input element each output element reads. */
function indexView(op: string, name: string): void {
  defineGrad(op, {
    name,
    backward: (g, c) => {
      const shape = shapeOf(c);
      const n = shape.reduce((p, q) => p * q, 1);
      const idx: Tensor = noGrad(() => dispatch1(op, [arange(n, { dtype: 'int32', device: g.device }).reshape(shape)], c.attrs));
      return [scatterToBase(g, idx, shape)];
    },
  });
}
indexView('slice', 'SliceBackward0');
indexView('select', 'SelectBackward0');
indexView('diagonal', 'DiagonalBackward0');
indexView('unfold', 'UnfoldBackward0');

/**
 * asStrided addresses the input's storage directly, so the index map is built from the input's
 * storage geometry (saved at record time through its attrs-independent layout). Limitation: an
 * input that itself overlaps in memory (an expanded view) is not supported, as its elements
 * share storage positions.
 */
defineGrad('asStrided', {
  name: 'AsStridedBackward0',
  saveInputs: () => [0],
  backward: (g, c) => {
    const x = c.input(0);
    const { size, stride, offset } = c.attrs as { size: number[]; stride: number[]; offset: number };
    const idx = viewIndex(geometryOf(x), { shape: size, strides: stride, offset });
    return [scatterToBase(g, idx, x.shape, true)];
  },
});
