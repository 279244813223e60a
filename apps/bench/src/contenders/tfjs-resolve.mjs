/**
 * Node module hook for the tfjs contender: tfjs-core's gradient definitions ship only as ES
 * modules with extensionless relative imports (`./gradients/Abs_grad`), which Node's ESM resolver
 * rejects. This retries such specifiers with `.js` (or `/index.js`). tfjs keeps its engine and
 * registries on `globalThis`, so gradients loaded this way register into the same engine as the
 * CommonJS build the backends use. Loaded with `node --import ./tfjs-resolve.mjs`.
 */
import { register } from 'node:module';

if (!globalThis.__kilnTfjsResolve) {
  globalThis.__kilnTfjsResolve = true;
  register('data:text/javascript,' + encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      try {
        return await next(specifier, context);
      } catch (e) {
        if (!specifier.startsWith('.') || !context.parentURL || !context.parentURL.includes('@tensorflow')) throw e;
        try { return await next(specifier + '.js', context); } catch { return next(specifier + '/index.js', context); }
      }
    }
  `));
}
