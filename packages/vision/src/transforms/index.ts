/**
 * torchvision.transforms: transform classes, plus the functional ops as `F`.
 * @packageDocumentation
 */
export { Transform, ImageTransform, applyTransform } from './transform.js';
export type { TransformLike } from './transform.js';
export { Compose, Lambda, RandomApply, RandomChoice, RandomOrder } from './compose.js';
export { ToTensor, PILToTensor, ToRawImage, ConvertImageDtype, Normalize } from './conversion.js';
export { Resize, CenterCrop, RandomCrop, Pad, RandomHorizontalFlip, RandomVerticalFlip, RandomResizedCrop } from './geometry.js';
export type { RandomCropOptions, RandomResizedCropOptions } from './geometry.js';
export { RandomRotation, RandomAffine } from './affine.js';
export type { RandomAffineOptions } from './affine.js';
export { Grayscale, RandomGrayscale, ColorJitter } from './color.js';
export { InterpolationMode } from './functional/resize.js';
export * as F from './functional/index.js';
