/**
 * The autograd dispatch layer: records a {@link OpNode} for every differentiable op whose inputs
 * require grad (PyTorch's Autograd dispatch key). Ops with a gradient rule run below autograd
 * (their sub-ops are not recorded); ops without one run through the layer again so their
 * decomposition records itself.
 * @packageDocumentation
 */
import { AutogradError, backendOf, commonDevice, getOpDef, isGradEnabled, isInferenceModeEnabled, withLayersExcluded, type DispatchLayer, type OpCall, type Tensor } from '@kiln/tensor';
import { isAnomalyEnabled } from './anomaly-mode.js';
import { gradRule } from './gradients/registry.js';
import { gradientEdge } from './graph.js';
import { recordInplace } from './inplace.js';
import { metaOf, requiresGrad } from './meta.js';
import type { Edge } from './node.js';
import { OpNode, ruleFromVjp } from './op-node.js';

/** Runs `next` with the autograd layer switched off (the op's rule covers its sub-ops). */
export function belowAutograd(call: OpCall, next: (c: OpCall) => Tensor[]): Tensor[] {
  return withLayersExcluded(['autograd'], () => next(call));
}

/** The root tensor whose storage geometry a view refers to (for in-place writes through views). */
export function viewBaseOf(t: Tensor): Tensor {
  return metaOf(t)?.viewBase ?? t;
}

const INFERENCE_INPLACE =
  'Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.' +
  'See https://github.com/pytorch/rfcs/pull/17 for more details.';

function handle(call: OpCall, next: (c: OpCall) => Tensor[]): Tensor[] {
  const def = getOpDef(call.op);
  if (isInferenceModeEnabled()) {
    const out = next(call);
    // outputs of ops inside inferenceMode are inference tensors (in-place ops return their input)
    if (!def?.inplace) for (const o of out) if (!call.inputs.includes(o)) o.autograd = { requiresGrad: false, grad: null, inference: true };
    return out;
  }
  if (def?.inplace && metaOf(call.inputs[0]!)?.inference) throw new AutogradError(INFERENCE_INPLACE);
  if (!isGradEnabled()) return next(call);
  if (def?.inplace) return recordInplace(call, next);
  const needs = call.inputs.map((t) => t.isFloatingPoint() && requiresGrad(t));
  if (!needs.some(Boolean) || def?.nondifferentiable) {
    const out = next(call);
    // views remember their base even without grad, so a later in-place write through the view
    // of a differentiable value can rebase the base's history (x.narrow(…).copy_(w))
    if (def?.view) {
      for (const o of out) if (!o.autograd) o.autograd = { requiresGrad: false, grad: null, viewBase: viewBaseOf(call.inputs[0]!), historyVersion: o.storage.version };
    }
    return out;
  }
  if (!def?.vjp && !gradRule(call.op)) return differentiateThroughDecomposition(call, next);
  if (call.op === 'expand' && isNoOpExpand(call)) return aliasHistory(call, belowAutograd(call, next));
  const edges: Edge[] = call.inputs.map((t, i) => (needs[i] ? gradientEdge(t) : [null, 0]));
  const outputs = belowAutograd(call, next).map((o) => (call.inputs.includes(o) ? o.withView(o.layout) : o));
  const rule = def?.vjp ? ruleFromVjp(call.op, def.vjp, call.inputs.length, outputs.length) : gradRule(call.op)!;
  const node = new OpNode(call.op, rule, edges, call.inputs, outputs, call.attrs, needs);
  node.forwardOp = call.op;
  if (isAnomalyEnabled()) node.forwardStack = new Error().stack?.split('\n').slice(2).join('\n');
  outputs.forEach((o, i) => {
    if (!o.isFloatingPoint()) return;
    const viewBase = def?.view ? viewBaseOf(call.inputs[0]!) : null;
    o.autograd = { requiresGrad: true, grad: null, gradFn: node, outputNr: i, viewBase, historyVersion: o.storage.version };
  });
  return outputs;
}

/**
 * An op without a gradient rule is differentiated through its decomposition: its sub-ops come
 * back through this layer and record themselves. A backend's fused override of such an op has
 * no gradient, so when one exists the decomposition is run instead (as PyTorch's
 * CompositeImplicitAutograd ops always decompose under autograd).
 */
function differentiateThroughDecomposition(call: OpCall, next: (c: OpCall) => Tensor[]): Tensor[] {
  const def = getOpDef(call.op);
  const device = commonDevice(call.op, call.inputs);
  if (def && device && backendOf(device).overrides?.[call.op]) return def.impl(call.inputs, call.attrs);
  return next(call);
}

/**
 * matmul expands both operands to the broadcast batch shape even when nothing changes; recording
 * those no-op expands would hide PyTorch's graph (`mm`'s nextFunctions are the leaves'
 * AccumulateGrad), so their outputs share the input's history instead.
 */
function isNoOpExpand(call: OpCall): boolean {
  const x = call.inputs[0]!;
  const shape = call.attrs.shape as number[];
  return shape.length === x.ndim && shape.every((s, i) => s === x.shape[i]);
}

function aliasHistory(call: OpCall, outputs: Tensor[]): Tensor[] {
  const x = call.inputs[0]!;
  const m = metaOf(x)!;
  const out = outputs[0]!;
  // a leaf's alias is the same variable (same slot: same .grad, same AccumulateGrad)
  out.autograd = m.gradFn
    ? { requiresGrad: true, grad: null, gradFn: m.gradFn, outputNr: m.outputNr ?? 0, viewBase: viewBaseOf(x), historyVersion: out.storage.version }
    : m;
  return outputs;
}

/** The layer `import '@kiln/autograd'` registers (order 100: above the kernel layer and backends' layers). */
export const autogradLayer: DispatchLayer = { name: 'autograd', order: 100, handle };
