/**
 * CIFAR10 and CIFAR100 from the binary distributions (cifar-10-binary.tar.gz,
 * cifar-100-binary.tar.gz). torchvision reads the Python-pickle version; the binary files hold
 * the same images in the same order, in fixed-size records that JavaScript can read directly.
 * @packageDocumentation
 */
import { join } from 'node:path';
import type { RawImage } from '../image.js';
import { DatasetFormatError, DatasetNotFoundError, downloadError, findFile, readMaybeGzip } from './files.js';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset.js';

/** Options of CIFAR10 / CIFAR100. */
export interface CIFAROptions extends VisionDatasetOptions {
  /** Directory containing `cifar-10-batches-bin/` (or `cifar-100-binary/`). */
  root: string;
  /** Training split (default true) or test split. */
  train?: boolean;
  /** Not supported here: throws an error listing the files to place under root. */
  download?: boolean;
}

const PIXELS = 32 * 32 * 3;

/** torchvision.datasets.CIFAR10: `[image, target]` with a 32×32 RGB RawImage. */
export class CIFAR10 extends VisionDataset {
  static readonly classes: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  /** N×32×32×3 bytes (HWC, like torchvision's `data` numpy array). */
  readonly data: Uint8Array;
  readonly targets: Int32Array;
  readonly train: boolean;
  protected static readonly folder: string = 'cifar-10-batches-bin';
  protected static readonly trainFiles: readonly string[] = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
  protected static readonly testFiles: readonly string[] = ['test_batch.bin'];
  /** Label bytes before each image (CIFAR-100 has coarse and fine labels). */
  protected static readonly labelBytes: number = 1;
  protected static readonly url: string = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';

  constructor(options: CIFAROptions) {
    super(options);
    const cls = this.constructor as typeof CIFAR10;
    this.train = options.train ?? true;
    const files = this.train ? cls.trainFiles : cls.testFiles;
    const dir = join(options.root, cls.folder);
    if (options.download) throw downloadError(cls.name, dir, files, `${cls.url} (extract it in ${options.root})`);
    const records: Uint8Array[] = [];
    const labels: number[] = [];
    const record = cls.labelBytes + PIXELS;
    for (const f of files) {
      const path = findFile([dir], f);
      if (!path) throw new DatasetNotFoundError(`${cls.name}: Dataset not found or corrupted: ${join(dir, f)} is missing. Extract ${cls.url} into ${options.root} (download: true cannot fetch it here).`);
      const buf = readMaybeGzip(path);
      if (buf.length === 0 || buf.length % record !== 0) {
        throw new DatasetFormatError(`${path}: ${buf.length} bytes is not a whole number of ${record}-byte records (${cls.labelBytes} label byte(s) + 3072 pixels); the file is truncated or not a ${cls.name} binary batch`);
      }
      for (let off = 0; off < buf.length; off += record) {
        const label = buf[off + cls.labelBytes - 1]!; // CIFAR-100: the fine label is the second byte
        if (label >= cls.classes.length) throw new DatasetFormatError(`${path}: record ${off / record} has label ${label} but ${cls.name} has ${cls.classes.length} classes; is this the right dataset's file?`);
        labels.push(label);
        records.push(buf.subarray(off + cls.labelBytes, off + record));
      }
    }
    // Records store planes (R, G, B, each 32×32); torchvision transposes to HWC.
    this.data = new Uint8Array(records.length * PIXELS);
    records.forEach((r, i) => {
      const base = i * PIXELS;
      for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) this.data[base + p * 3 + c] = r[c * 1024 + p]!;
    });
    this.targets = Int32Array.from(labels);
  }

  get classes(): readonly string[] {
    return (this.constructor as typeof CIFAR10).classes;
  }

  /** torchvision's class_to_idx. */
  get classToIdx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  override get length(): number {
    return this.targets.length;
  }

  protected rawItem(index: number): [RawImage, number] {
    return [{ data: this.data.slice(index * PIXELS, (index + 1) * PIXELS), width: 32, height: 32, channels: 3 }, this.targets[index]!];
  }
}

/** torchvision.datasets.CIFAR100: targets are the 100 fine labels. */
export class CIFAR100 extends CIFAR10 {
  static override readonly classes: readonly string[] = (
    'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can castle caterpillar cattle ' +
    'chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant flatfish forest fox girl hamster house kangaroo keyboard ' +
    'lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree ' +
    'plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper snail snake spider ' +
    'squirrel streetcar sunflower sweet_pepper table tank telephone television tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm'
  ).split(' ');
  protected static override readonly folder = 'cifar-100-binary';
  protected static override readonly trainFiles = ['train.bin'];
  protected static override readonly testFiles = ['test.bin'];
  protected static override readonly labelBytes = 2;
  protected static override readonly url = 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz';
}
