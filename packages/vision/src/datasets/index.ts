/**
 * torchvision.datasets: MNIST family, CIFAR, ImageFolder.
 * @packageDocumentation
 */
export { VisionDataset } from './vision-dataset.js';
export type { VisionDatasetOptions } from './vision-dataset.js';
export { MNIST, FashionMNIST, KMNIST, EMNIST, EMNIST_SPLITS } from './mnist.js';
export type { MNISTOptions, EMNISTSplit } from './mnist.js';
export { loadBundledMnist, BUNDLED_TRAIN_SIZE } from './bundled-mnist.js';
export { CIFAR10, CIFAR100 } from './cifar.js';
export type { CIFAROptions } from './cifar.js';
export { DatasetFolder, ImageFolder, findClasses, IMG_EXTENSIONS } from './image-folder.js';
export type { DatasetFolderOptions } from './image-folder.js';
export { parseIdx, readIdx } from './idx.js';
export { DatasetNotFoundError, DatasetFormatError } from './files.js';
