/**
 * @kiln/vision — torchvision for TypeScript: transforms, datasets (MNIST family, CIFAR,
 * ImageFolder, bundled MNIST digits) and image utilities (makeGrid, saveImage).
 * @packageDocumentation
 */
export * as transforms from './transforms/index.js';
export * as datasets from './datasets/index.js';
export * as utils from './utils/index.js';
export { isRawImage } from './image.js';
export type { RawImage, ImageInput } from './image.js';
export { decodeImage, readImage, encodePng, writePng } from './io.js';
export type { ImageMode } from './io.js';
