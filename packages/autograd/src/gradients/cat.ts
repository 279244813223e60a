/**
 * Gradient of `cat`: each input gets its slice of the output gradient.
 * @packageDocumentation
 */
import { defineGrad } from './registry.js';

defineGrad('cat', {
  name: 'CatBackward0',
  backward: (g, c) => {
    const d = c.attrs.dim as number;
    let offset = 0;
    return c.inputs.map((info, i) => {
      const len = info.shape[d]!;
      const r = c.needs[i] ? g.narrow(d, offset, len) : null;
      offset += len;
      return r;
    });
  },
});
