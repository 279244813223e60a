/**
 * torchvision.transforms.functional: the deterministic ops behind the transform classes.
 * @packageDocumentation
 */
export { crop, hflip, vflip, pad, centerCrop, parsePadding } from './geometry.js';
export type { PaddingMode } from './geometry.js';
export { resize, resizedCrop, resizedOutputSize, InterpolationMode } from './resize.js';
export type { ResizeOptions } from './resize.js';
export { toTensor, pilToTensor, toRawImage, convertImageDtype, normalize } from './convert.js';
export { rgbToGrayscale, adjustBrightness, adjustContrast, adjustSaturation, adjustHue } from './color.js';
export { rotate, affine, inverseAffineMatrix } from './affine.js';
export type { AffineOptions } from './affine.js';
export { getDimensions } from '../../image.js';
