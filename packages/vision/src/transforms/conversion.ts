/**
 * Transform classes for conversions: ToTensor, PILToTensor, ToRawImage, ConvertImageDtype, Normalize.
 * @packageDocumentation
 */
import type { DType, Tensor } from '@kiln/tensor';
import type { RawImage } from '../image.js';
import { convertImageDtype, normalize, pilToTensor, toRawImage, toTensor } from './functional/convert.js';
import { Transform } from './transform.js';

/** torchvision.transforms.ToTensor: RawImage (HWC bytes) → float32 CHW tensor in [0, 1]. */
export class ToTensor extends Transform<RawImage, Tensor> {
  override forward(pic: RawImage): Tensor {
    return toTensor(pic);
  }
}

/** torchvision.transforms.PILToTensor: RawImage → int32 CHW tensor of bytes (uint8 in PyTorch). */
export class PILToTensor extends Transform<RawImage, Tensor> {
  override forward(pic: RawImage): Tensor {
    return pilToTensor(pic);
  }
}

/** torchvision.transforms.ToPILImage's analogue: CHW tensor → RawImage. */
export class ToRawImage extends Transform<Tensor, RawImage> {
  override forward(pic: Tensor): RawImage {
    return toRawImage(pic);
  }
}

/** torchvision.transforms.ConvertImageDtype (int32 tensors are taken as uint8 images). */
export class ConvertImageDtype extends Transform<Tensor, Tensor> {
  constructor(readonly dtype: DType) {
    super();
  }
  override forward(image: Tensor): Tensor {
    return convertImageDtype(image, this.dtype);
  }
}

/** torchvision.transforms.Normalize(mean, std, {inplace}). */
export class Normalize extends Transform<Tensor, Tensor> {
  constructor(readonly mean: readonly number[] | number, readonly std: readonly number[] | number, readonly options: { inplace?: boolean } = {}) {
    super();
  }
  override forward(tensor: Tensor): Tensor {
    return normalize(tensor, this.mean, this.std, this.options);
  }
}
