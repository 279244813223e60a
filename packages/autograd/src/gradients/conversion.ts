/**
 * Gradients of dtype/device conversion and copies: the gradient goes back unchanged, converted
 * to the input's dtype/device. (`copy_`/`fill_` are in-place: see ../inplace.ts.)
 * @packageDocumentation
 */
import { defineGrad } from './registry.js';

defineGrad('cast', { name: 'ToCopyBackward0', backward: (g, c) => [g.to(c.inputs[0]!.dtype)] });
defineGrad('toDevice', { name: 'ToCopyBackward0', backward: (g, c) => [g.to(c.inputs[0]!.device)] });
defineGrad('contiguous', { name: 'CloneBackward0', backward: (g) => [g] });
