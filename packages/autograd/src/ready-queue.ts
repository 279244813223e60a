/**
 * The engine's ready queue: a max-heap on `sequenceNr`, so among the nodes whose inputs are all
 * complete the most recently created runs first (PyTorch's ordering; AccumulateGrad first).
 * @packageDocumentation
 */
import type { Node } from './node.js';

/** Max-heap of nodes keyed by sequence number. */
export class ReadyQueue {
  private readonly heap: Node[] = [];

  /** Number of queued nodes. */
  get size(): number {
    return this.heap.length;
  }

  /** Queues a node whose dependencies are all done. */
  push(n: Node): void {
    const h = this.heap;
    h.push(n);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.sequenceNr >= h[i]!.sequenceNr) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  /** Removes and returns the queued node with the highest sequence number. */
  pop(): Node {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.sequenceNr > h[m]!.sequenceNr) m = l;
        if (r < h.length && h[r]!.sequenceNr > h[m]!.sequenceNr) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}
