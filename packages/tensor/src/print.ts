/**
 * PyTorch-style printing. Placeholder: being implemented.
 * @packageDocumentation
 */
import type { Tensor } from './tensor.js';

/** `tensor([...], requires_grad=True)` text for a tensor. */
export function formatTensor(t: Tensor): string {
  if (t.isDisposed) return `tensor(<disposed>, shape=[${t.shape.join(', ')}], dtype=${t.dtype})`;
  const body = t.device.type === 'cpu' || t.storage.backend.readSync ? JSON.stringify(t.tolist()) : '...';
  return `tensor(${body})`;
}
