/**
 * The node recorded for an op with a gradient rule (or an op-level `vjp`).
 * @packageDocumentation
 */
import type { Tensor, VjpContext } from '@kiln/tensor';
import type { GradContext, GradRule } from './gradients/registry.js';
import { Node, type Edge, type OutputInfo } from './node.js';
import { SavedTensor } from './saved-tensor.js';

/** Describes a tensor's shape/dtype/device. */
export function infoOf(t: Tensor): OutputInfo {
  return { shape: t.shape, dtype: t.dtype, device: t.device };
}

/** A node that runs a {@link GradRule}. */
export class OpNode extends Node {
  private readonly savedInputs = new Map<number, SavedTensor>();
  private readonly savedOutputs = new Map<number, SavedTensor>();
  private readonly nodeName: string;
  private readonly inputInfo: OutputInfo[];

  constructor(
    readonly op: string,
    private readonly rule: GradRule,
    edges: Edge[],
    inputs: readonly Tensor[],
    outputs: readonly Tensor[],
    private readonly attrs: Readonly<Record<string, unknown>>,
    private readonly needs: readonly boolean[],
  ) {
    super(edges, outputs.map(infoOf));
    this.inputInfo = inputs.map(infoOf);
    this.nodeName = typeof rule.name === 'string' ? rule.name : rule.name(attrs, this.inputInfo);
    for (const i of rule.saveInputs?.(needs) ?? []) this.savedInputs.set(i, this.addSaved(new SavedTensor(inputs[i]!)));
    for (const i of rule.saveOutputs ?? []) this.savedOutputs.set(i, this.addSaved(new SavedTensor(outputs[i]!, this.nodeName, i)));
  }

  override name(): string {
    return this.nodeName;
  }

  override apply(gradOutputs: (Tensor | null)[]): (Tensor | null)[] {
    const g = gradOutputs[0]!;
    const ctx: GradContext = {
      attrs: this.attrs,
      needs: this.needs,
      inputs: this.inputInfo,
      gradOutputs,
      input: (i) => unpack(this.savedInputs.get(i), this.op, `input ${i}`),
      output: (i) => unpack(this.savedOutputs.get(i), this.op, `output ${i}`),
    };
    return this.rule.backward(g, ctx);
  }
}

function unpack(s: SavedTensor | undefined, op: string, what: string): Tensor {
  if (!s) throw new Error(`internal: gradient rule of '${op}' reads ${what}, which it did not save`);
  return s.unpack();
}

/** Adapts an op-level `vjp` (OpDef.vjp) to a rule; it may read every input and output, so all are saved. */
export function ruleFromVjp(op: string, vjp: (ctx: VjpContext) => (Tensor | null)[], nInputs: number, nOutputs: number): GradRule {
  const all = (n: number) => [...Array(n).keys()];
  return {
    name: `${op[0]!.toUpperCase()}${op.slice(1)}Backward0`,
    saveInputs: () => all(nInputs),
    saveOutputs: all(nOutputs),
    backward: (_g, ctx) =>
      vjp({
        inputs: all(nInputs).map((i) => ctx.input(i)),
        outputs: all(nOutputs).map((i) => ctx.output(i)),
        gradOutputs: ctx.gradOutputs,
        attrs: ctx.attrs,
        needsInputGrad: ctx.needs,
      }),
  };
}
