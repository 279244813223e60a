/**
 * The backward engine (PyTorch's engine.cpp, micrograd-sized). Given root tensors and their
 * gradients it walks the graph iteratively (no recursion, so a 100,000-node chain is fine):
 *
 * 1. collect every node reachable from the roots (and, when `inputs` are given, which of them
 *    lead to an input);
 * 2. count, for each node, how many edges point at it (its dependencies);
 * 3. run ready nodes (all dependencies done) latest-created first: sum the gradients in its
 *    input buffer, run tensor hooks, call the node, route each input gradient along its edge;
 * 4. free each node's saved tensors after it ran, unless `retainGraph`.
 * @packageDocumentation
 */
import { AutogradError, keep, setGradEnabled, tidy, zeros, type Tensor } from '@kiln/tensor';
import { isAnomalyEnabled } from './anomaly-mode.js';
import { gradientEdge } from './graph.js';
import { InputBuffers } from './input-buffers.js';
import { ensureMeta, metaOf, type TensorHook } from './meta.js';
import { sumToShape } from './gradients/util.js';
import { AccumulateGrad, Node, type Edge, type OutputInfo } from './node.js';
import { ReadyQueue } from './ready-queue.js';

/** Options of one engine run. */
export interface EngineOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** Only differentiate w.r.t. these tensors (grad(), backward({inputs})). */
  inputs?: readonly Tensor[];
  /** true: add into `.grad` (backward); false: return the inputs' gradients (grad()). */
  accumulate: boolean;
  /** Which root gradients came from the caller (never disposed); implicit ones are freed after use. */
  userGiven?: readonly boolean[];
}

/**
 * Runs backward from `roots` seeded with `rootGrads`; returns the captured gradient of each input.
 * Grad mode during backward is `createGraph` (PyTorch's rule), so summing and converting
 * gradients is recorded exactly when a differentiable result is wanted.
 */
export function runBackward(roots: readonly Tensor[], rootGrads: readonly Tensor[], opts: EngineOptions): (Tensor | null)[] {
  return setGradEnabled(opts.createGraph, () => run(roots, rootGrads, opts));
}

function run(roots: readonly Tensor[], rootGrads: readonly Tensor[], opts: EngineOptions): (Tensor | null)[] {
  const rootEdges = roots.map(gradientEdge);
  const targets = new Map<Node, { slot: number; index: number }[]>();
  (opts.inputs ?? []).forEach((t, index) => {
    const [node, slot] = gradientEdge(t);
    if (!node) throw new AutogradError('One of the differentiated Tensors does not require grad');
    targets.set(node, [...(targets.get(node) ?? []), { slot, index }]);
  });
  const filter = opts.inputs !== undefined;
  const { needed, dependencies } = analyse(rootEdges, targets, filter);

  const buffers = new InputBuffers(!opts.createGraph);
  const captured: (Tensor | null)[] = (opts.inputs ?? []).map(() => null);
  rootEdges.forEach(([node, slot], i) => {
    if (opts.userGiven?.[i] !== false) buffers.pin(rootGrads[i]);
    if (node) buffers.add(node, slot, validate(node, 0, rootGrads[i]!, node.outputs[slot]));
  });
  const ready = new ReadyQueue();
  const queued = new Set<Node>();
  for (const [node] of rootEdges) {
    if (!node || !needed.has(node) || dependencies.get(node) || queued.has(node)) continue;
    queued.add(node);
    ready.push(node);
  }

  while (ready.size > 0) {
    const node = ready.pop();
    const grads = buffers.take(node);
    runPreHooks(node, grads, buffers);
    retainGrads(node, grads, opts.createGraph);
    for (const { slot, index } of targets.get(node) ?? []) {
      const g = grads[slot] ?? null;
      if (!g) continue;
      buffers.pin(g);
      if (!opts.accumulate) captured[index] = captured[index] ? captured[index].add(g) : g;
      else if (!(node instanceof AccumulateGrad)) accumulateInto(opts.inputs![index]!, g, opts.createGraph);
    }
    const runs = node instanceof AccumulateGrad ? opts.accumulate && (!filter || targets.has(node)) : !filter || node.nextEdges.some(([n]) => n && needed.has(n));
    let out: (Tensor | null)[] = [];
    if (runs && grads.some((g) => g)) out = callNode(node, grads, opts.createGraph, buffers);
    if (!opts.retainGraph) node.release();
    node.nextEdges.forEach(([next, slot], i) => {
      if (!next || !needed.has(next)) return;
      const g = out[i];
      if (g) buffers.add(next, slot, validate(node, i, g, next.outputs[slot]));
      const left = dependencies.get(next)! - 1;
      dependencies.set(next, left);
      if (left === 0 && !queued.has(next)) {
        queued.add(next);
        ready.push(next);
      }
    });
    for (const g of grads) buffers.drop(g);
  }
  return captured;
}

/** Reachable nodes (iterative DFS), which of them lead to a target, and dependency counts. */
function analyse(rootEdges: Edge[], targets: Map<Node, unknown>, filter: boolean) {
  const order: Node[] = []; // post-order: children before parents
  const state = new Map<Node, number>(); // 1 = on stack, 2 = done
  const stack: [Node, number][] = [];
  for (const [root] of rootEdges) {
    if (!root || state.has(root)) continue;
    stack.push([root, 0]);
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (i < node.nextEdges.length) {
        top[1]++;
        const child = node.nextEdges[i]![0];
        if (child && !state.has(child)) {
          state.set(child, 1);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        state.set(node, 2);
        order.push(node);
      }
    }
  }
  const needed = new Set<Node>();
  for (const node of order) {
    if (!filter || targets.has(node) || node.nextEdges.some(([c]) => c && needed.has(c))) needed.add(node);
  }
  const dependencies = new Map<Node, number>();
  for (const node of needed) {
    for (const [child] of node.nextEdges) if (child && needed.has(child)) dependencies.set(child, (dependencies.get(child) ?? 0) + 1);
  }
  return { needed, dependencies };
}

/** Hooks registered on the tensors whose gradients are in `grads` (leaf hooks for AccumulateGrad). */
function runPreHooks(node: Node, grads: (Tensor | null)[], buffers: InputBuffers): void {
  grads.forEach((g, slot) => {
    const hooks: TensorHook[] = node instanceof AccumulateGrad ? (metaOf(node.variable)?.hooks ?? []) : (node.tensorPreHooks[slot] ?? []);
    if (!g || hooks.length === 0) return;
    let cur = g;
    for (const hook of [...hooks]) {
      buffers.pin(cur);
      const r = hook(cur);
      if (r) {
        if (r.shape.length !== cur.shape.length || r.shape.some((s, k) => s !== cur.shape[k])) {
          throw new AutogradError(`hook: the hook returned a gradient of shape [${r.shape.join(', ')}] but the tensor's gradient has shape [${cur.shape.join(', ')}]; return a tensor of the same shape`);
        }
        cur = r;
      }
    }
    buffers.pin(cur);
    buffers.hold(cur);
    buffers.drop(g);
    grads[slot] = cur;
  });
}

/** `.grad` of non-leaves that called `retainGrad()` (PyTorch clones the first gradient). */
function retainGrads(node: Node, grads: (Tensor | null)[], createGraph: boolean): void {
  node.retainedGrads.forEach((meta, slot) => {
    const g = grads[slot];
    if (!meta || !g) return;
    meta.grad = keep(meta.grad ? meta.grad.add(g) : createGraph ? g : g.detach().clone());
  });
}

/** backward({inputs}) on a non-leaf input: its `.grad` is populated, as in PyTorch. */
function accumulateInto(t: Tensor, g: Tensor, createGraph: boolean): void {
  const meta = ensureMeta(t);
  meta.grad = keep(meta.grad ? meta.grad.add(g) : createGraph ? g : g.detach().clone());
}

/** Calls a node; missing output grads become zeros; checks anomalies. */
function callNode(node: Node, grads: (Tensor | null)[], createGraph: boolean, buffers: InputBuffers): (Tensor | null)[] {
  const apply = () => {
    const full = node.outputs.map((o, i) => grads[i] ?? (o.dtype === 'float32' || o.dtype === 'float64' ? zeros(o.shape, { dtype: o.dtype, device: o.device }) : null));
    if (node instanceof AccumulateGrad) return node.apply(full, createGraph);
    return node.apply(full);
  };
  const userCode = !(node instanceof AccumulateGrad) && (node as { isUserFunction?: boolean }).isUserFunction === true;
  for (const hook of [...node.preHooks]) {
    grads.forEach((g) => buffers.pin(g));
    const r = hook(grads);
    if (r) {
      r.forEach((g) => buffers.pin(g));
      grads.splice(0, grads.length, ...r);
    }
  }
  // built-in rules run in a tidy scope: their temporaries are freed at once (not with createGraph,
  // where they belong to the new graph); user Functions may keep what they create.
  let out = createGraph || userCode ? apply() : tidy(apply);
  for (const hook of [...node.postHooks]) {
    out.forEach((g) => buffers.pin(g));
    const r = hook(out, grads);
    if (r) out = r;
  }
  if (userCode || node.postHooks.length > 0) out.forEach((g) => buffers.pin(g));
  if (isAnomalyEnabled()) checkNaN(node, out);
  return out;
}

/**
 * PyTorch's validate_outputs: a gradient must fit the tensor it is for. A broadcastable one is
 * summed down, a different dtype or device is converted, anything else is a bug in the rule.
 */
function validate(node: Node, i: number, g: Tensor, info: OutputInfo | undefined): Tensor {
  if (!info) return g;
  let r = g;
  if (r.ndim !== info.shape.length || r.shape.some((s, k) => s !== info.shape[k])) {
    const lead = g.ndim - info.shape.length;
    if (lead < 0 || info.shape.some((s, k) => s !== 1 && s !== g.shape[k + lead])) {
      throw new AutogradError(
        `Function ${node.name()} returned an invalid gradient at index ${i} - got [${g.shape.join(', ')}] but expected shape compatible with [${info.shape.join(', ')}]`,
      );
    }
    r = sumToShape(r, info.shape);
  }
  if (r.dtype !== info.dtype) r = r.to(info.dtype);
  if (!r.device.equals(info.device)) r = r.to(info.device);
  return r;
}

function checkNaN(node: Node, out: (Tensor | null)[]): void {
  out.forEach((g, i) => {
    if (!g || !g.storage.backend.readSync || !g.isFloatingPoint()) return;
    if (g.isnan().any().item()) {
      const where = node.forwardOp ? ` The forward op was '${node.forwardOp}'` + (node.forwardStack ? `, called at:\n${node.forwardStack}` : '.') : '';
      throw new AutogradError(`Function '${node.name()}' returned nan values in its ${i}th output.${where}`);
    }
  });
}
