/**
 * torchvision.utils: makeGrid, saveImage, plus drawSampleGrid for labelled dataset previews.
 * @packageDocumentation
 */
export { makeGrid } from './make-grid.js';
export type { MakeGridOptions } from './make-grid.js';
export { saveImage, tensorToImage } from './save-image.js';
export { drawSampleGrid } from './sample-grid.js';
export type { SampleGridOptions } from './sample-grid.js';
export { drawText, textWidth } from './bitmap-font.js';
