/**
 * Random draws for transforms, all from @kiln/tensor's global generator (seed with `manualSeed`),
 * mirroring the torch calls torchvision makes (`torch.rand(1)`, `torch.randint`, `uniform_`).
 * @packageDocumentation
 */
import { defaultGenerator } from '@kiln/tensor';

/** torch.rand(1).item(). */
export function rand1(): number {
  return defaultGenerator.uniform(1)[0]!;
}

/** torch.empty(1).uniform_(low, high).item(). */
export function uniform(low: number, high: number): number {
  return low + (high - low) * rand1();
}

/** torch.randint(low, high, (1,)).item(), with the same mapping as Kiln's randint. */
export function randint(low: number, high: number): number {
  return low + Math.floor(rand1() * (high - low));
}
