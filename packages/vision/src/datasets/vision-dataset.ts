/**
 * VisionDataset: the base of every dataset here (torchvision.datasets.VisionDataset): a root,
 * a transform for the image and a targetTransform for the label.
 * @packageDocumentation
 */
import { Dataset } from '@kiln/data';
import { IndexError } from '@kiln/tensor';
import { applyTransform, type TransformLike } from '../transforms/transform.js';

/** Options every vision dataset takes. */
export interface VisionDatasetOptions {
  /** Applied to the image (a RawImage) in `getItem`, e.g. `new Compose([new ToTensor(), …])`. */
  transform?: TransformLike;
  /** Applied to the target (a class index). */
  targetTransform?: TransformLike;
}

/** A dataset of `[image, target]` pairs whose images and targets go through the transforms. */
export abstract class VisionDataset<Img = any, Target = any> extends Dataset<[Img, Target]> {
  readonly transform: TransformLike | undefined;
  readonly targetTransform: TransformLike | undefined;

  constructor(options: VisionDatasetOptions) {
    super();
    this.transform = options.transform;
    this.targetTransform = options.targetTransform;
  }

  /** Subclasses return the raw image and target of sample `index`. */
  protected abstract rawItem(index: number): [unknown, unknown];

  override getItem(index: number): [Img, Target] {
    if (!Number.isInteger(index) || index < -this.length || index >= this.length) {
      throw new IndexError(`${this.constructor.name}.getItem: index ${index} is out of range for ${this.length} samples`);
    }
    const [img, target] = this.rawItem(index < 0 ? index + this.length : index);
    return [
      (this.transform ? applyTransform(this.transform, img) : img) as Img,
      (this.targetTransform ? applyTransform(this.targetTransform, target) : target) as Target,
    ];
  }
}
