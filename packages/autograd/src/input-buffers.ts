/**
 * Per-node input buffers of the engine: gradients arriving for a node's outputs are summed here
 * until the node runs. The buffers also count who holds each gradient tensor so intermediate
 * gradients can be disposed as soon as nothing needs them (PyTorch frees them by refcount).
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import type { Node } from './node.js';

/** Gradient buffers for one backward pass. */
export class InputBuffers {
  private readonly buffers = new Map<Node, (Tensor | null)[]>();
  private readonly refs = new Map<Tensor, number>();
  private readonly pinned = new Set<Tensor>();

  /** `disposeGrads` is false with createGraph, where gradients are part of a new graph. */
  constructor(private readonly disposeGrads: boolean) {}

  /** Never dispose `t` (user code has seen it: hooks, custom functions, results, given gradients). */
  pin(t: Tensor | null | undefined): void {
    if (t) this.pinned.add(t);
  }

  /** Adds `g` into slot `slot` of `node`'s buffer (summing with what is there). */
  add(node: Node, slot: number, g: Tensor): void {
    let buf = this.buffers.get(node);
    if (!buf) this.buffers.set(node, (buf = []));
    this.hold(g);
    const old = buf[slot];
    if (!old) {
      buf[slot] = g;
      return;
    }
    const sum = old.add(g);
    this.hold(sum);
    buf[slot] = sum;
    this.drop(old);
    this.drop(g);
  }

  /** Removes and returns `node`'s buffer; the caller owns the tensors and must `drop` them. */
  take(node: Node): (Tensor | null)[] {
    const buf = this.buffers.get(node) ?? [];
    this.buffers.delete(node);
    return buf;
  }

  /** Takes a reference to `t` (a gradient stored somewhere the engine tracks). */
  hold(t: Tensor): void {
    this.refs.set(t, (this.refs.get(t) ?? 0) + 1);
  }

  /** Releases a reference; the last one disposes an unpinned gradient. */
  drop(t: Tensor | null | undefined): void {
    if (!t) return;
    const n = (this.refs.get(t) ?? 1) - 1;
    if (n > 0) {
      this.refs.set(t, n);
      return;
    }
    this.refs.delete(t);
    if (this.disposeGrads && !this.pinned.has(t)) t.dispose();
  }
}
