/**
 * The {@link AutogradHooks} this package installs into tensor: `requiresGrad`, `.grad`, `.gradFn`,
 * `.isLeaf`, `backward()`, `retainGrad()`, `registerHook()`, `detach_()`.
 * @packageDocumentation
 */
import { AutogradError, DTypeError, ShapeError, DeviceError, isInferenceModeEnabled, type AutogradHooks } from '@kiln/tensor';
import { backward } from './backward.js';
import { ensureMeta, gradFnOf, metaOf, requiresGrad } from './meta.js';

/** PyTorch's UserWarning for `.grad` of a non-leaf, camelCased. */
export const NON_LEAF_GRAD_WARNING =
  'The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won\'t be populated during autograd.backward(). ' +
  'If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retainGrad() on the non-leaf Tensor. ' +
  'If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.';

let warned = false;

/** Resets the once-only warning (tests). @internal */
export function resetNonLeafGradWarning(): void {
  warned = false;
}

/** The hooks `import '@kiln/autograd'` installs into tensor (see @kiln/tensor autograd-hooks.ts). */
export const hooks: AutogradHooks = {
  requiresGrad,
  setRequiresGrad(t, value) {
    const m = ensureMeta(t);
    if (m.gradFn) {
      if (value) return;
      throw new AutogradError(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use varNoGrad = var.detach().",
      );
    }
    if (value && m.inference && !isInferenceModeEnabled()) {
      throw new AutogradError('Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.');
    }
    m.requiresGrad = value;
  },
  grad(t) {
    const m = metaOf(t);
    if (m?.gradFn && !m.retainsGrad && !warned) {
      warned = true;
      console.warn(`UserWarning: ${NON_LEAF_GRAD_WARNING}`);
    }
    return m?.grad ?? null;
  },
  setGrad(t, g) {
    if (g) {
      if (g.ndim !== t.ndim || g.shape.some((s, i) => s !== t.shape[i])) {
        throw new ShapeError(`assigned grad has data of a different size: grad [${g.shape.join(', ')}] for a tensor of shape [${t.shape.join(', ')}]`);
      }
      if (g.dtype !== t.dtype) throw new DTypeError(`assigned grad has data of a different type: ${g.dtype} for a ${t.dtype} tensor`);
      if (!g.device.equals(t.device)) throw new DeviceError(`assigned grad has data located on a different device: ${g.device} for a tensor on ${t.device}`);
    }
    ensureMeta(t).grad = g;
  },
  gradFn: gradFnOf,
  isLeaf: (t) => !gradFnOf(t),
  backward(t, gradient, options) {
    backward(t, gradient ?? null, options);
  },
  retainGrad(t) {
    if (!requiresGrad(t)) throw new AutogradError("can't retainGrad on Tensor that has requiresGrad=false");
    const m = ensureMeta(t);
    if (!m.gradFn) return; // leaves always keep .grad
    m.retainsGrad = true;
    m.gradFn.retainedGrads[m.outputNr ?? 0] = m;
  },
  retainsGrad: (t) => metaOf(t)?.retainsGrad === true,
  registerHook(t, hook) {
    if (!requiresGrad(t)) throw new AutogradError("cannot register a hook on a tensor that doesn't require gradient");
    const m = ensureMeta(t);
    const list = m.gradFn ? (m.gradFn.tensorPreHooks[m.outputNr ?? 0] ??= []) : (m.hooks ??= []);
    list.push(hook);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
  },
  detachInPlace(t) {
    const m = metaOf(t);
    if (!m) return;
    if (m.viewBase && m.gradFn) throw new AutogradError("Can't detach views in-place. Use detach() instead.");
    m.gradFn = null;
    m.outputNr = 0;
    m.requiresGrad = false;
  },
};
