/**
 * @kiln/init — torch.nn.init for Kiln: in-place parameter initialisers, usually imported as
 * `import * as init from '@kiln/init'`. Every function fills its tensor under `noGrad` from the
 * global generator (`manualSeed` makes it reproducible) and returns it.
 * @packageDocumentation
 */
export { calculateGain, calculateFanInAndFanOut } from './gain.js';
export type { Nonlinearity, FanMode } from './gain.js';
export { uniform_, normal_, truncNormal_, constant_, ones_, zeros_, eye_, dirac_, sparse_ } from './basic.js';
export type { GeneratorOptions } from './basic.js';
export { xavierUniform_, xavierNormal_, kaimingUniform_, kaimingNormal_ } from './scaled.js';
export type { KaimingOptions } from './scaled.js';
export { orthogonal_ } from './orthogonal.js';
