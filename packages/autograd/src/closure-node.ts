/**
 * A node whose backward is a closure (the nodes autograd makes for in-place writes and
 * regenerated views, which have no op rule).
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import { Node, type Edge } from './node.js';
import { infoOf } from './op-node.js';

/** A node with a fixed backward closure. */
export class ClosureNode extends Node {
  constructor(
    private readonly label: string,
    edges: Edge[],
    out: Tensor,
    private readonly fn: (g: Tensor) => (Tensor | null)[],
  ) {
    super(edges, [infoOf(out)]);
  }
  override name(): string {
    return this.label;
  }
  override apply([g]: (Tensor | null)[]): (Tensor | null)[] {
    return this.fn(g!);
  }
}

