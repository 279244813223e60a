/**
 * ImageFolder / DatasetFolder: one sub-directory per class.
 * @packageDocumentation
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ValueError } from '@kiln/tensor';
import { readImage } from '../io.js';
import { DatasetNotFoundError } from './files.js';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset.js';

/** Extensions ImageFolder can decode (PNG via pngjs, JPEG via jpeg-js). */
export const IMG_EXTENSIONS = ['.jpg', '.jpeg', '.png'] as const;

/** Options of DatasetFolder / ImageFolder. */
export interface DatasetFolderOptions<S = unknown> extends VisionDatasetOptions {
  /** Reads a file into a sample (ImageFolder: decode to an RGB RawImage). */
  loader?: (path: string) => S;
  /** Lower-case extensions to include (default IMG_EXTENSIONS for ImageFolder). */
  extensions?: readonly string[];
  /** Custom file filter; mutually exclusive with `extensions`. */
  isValidFile?: (path: string) => boolean;
}

/** torchvision's find_classes: sorted sub-directory names and their indices. */
export function findClasses(directory: string): { classes: string[]; classToIdx: Record<string, number> } {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch {
    throw new DatasetNotFoundError(`ImageFolder: root directory ${directory} does not exist; expected ${directory}/<class>/<image>.png`);
  }
  const classes = entries.filter((e) => statSync(join(directory, e)).isDirectory()).sort();
  if (classes.length === 0) throw new DatasetNotFoundError(`ImageFolder: Couldn't find any class folder in ${directory}.`);
  return { classes, classToIdx: Object.fromEntries(classes.map((c, i) => [c, i])) };
}

/** All files under `dir`, recursively, in sorted order (torchvision walks with sorted os.walk). */
function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** torchvision.datasets.DatasetFolder: `root/<class>/**\/<file>` → `[loader(file), classIndex]`. */
export class DatasetFolder<S = unknown> extends VisionDataset {
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  /** [path, classIndex] of every sample. */
  readonly samples: [string, number][];
  /** Class index of every sample. */
  readonly targets: number[];
  readonly loader: (path: string) => S;

  constructor(readonly root: string, options: DatasetFolderOptions<S> & { loader: (path: string) => S }) {
    super(options);
    if (options.extensions && options.isValidFile) throw new ValueError('DatasetFolder: Both extensions and is_valid_file cannot be not None at the same time');
    const exts = options.extensions?.map((e) => e.toLowerCase());
    const valid = options.isValidFile ?? ((p: string) => (exts ?? []).includes(extname(p).toLowerCase()));
    ({ classes: this.classes, classToIdx: this.classToIdx } = findClasses(root));
    this.samples = this.classes.flatMap((c) => walk(join(root, c)).filter(valid).map((p) => [p, this.classToIdx[c]!] as [string, number]));
    const empty = this.classes.filter((c) => !this.samples.some(([, t]) => t === this.classToIdx[c]));
    if (empty.length > 0) {
      throw new DatasetNotFoundError(`DatasetFolder: Found no valid file for the classes ${empty.join(', ')}. Supported extensions are: ${(exts ?? ['(custom isValidFile)']).join(', ')}`);
    }
    this.targets = this.samples.map(([, t]) => t);
    this.loader = options.loader;
  }

  override get length(): number {
    return this.samples.length;
  }

  protected rawItem(index: number): [S, number] {
    const [path, target] = this.samples[index]!;
    return [this.loader(path), target];
  }
}

/** torchvision.datasets.ImageFolder: PNG/JPEG files decoded to RGB RawImages. */
export class ImageFolder extends DatasetFolder {
  constructor(root: string, options: DatasetFolderOptions = {}) {
    super(root, {
      ...options,
      loader: options.loader ?? ((p: string) => readImage(p, 'RGB')),
      extensions: options.isValidFile ? undefined : (options.extensions ?? IMG_EXTENSIONS),
    });
  }
}
