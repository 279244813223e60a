/**
 * Gradient rules of primitive ops, keyed by op name. A rule is written with public Tensor ops,
 * so with createGraph its own computation is recorded (higher-order gradients for free).
 * @packageDocumentation
 */
import type { Tensor } from '@kiln/tensor';
import type { OutputInfo } from '../node.js';

/** What a rule sees when its node runs. */
export interface GradContext {
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Which inputs need a gradient (others may get null). */
  readonly needs: readonly boolean[];
  /** Shape/dtype/device of every input (always available, nothing saved). */
  readonly inputs: readonly OutputInfo[];
  /** Gradients of every output (zeros where none arrived; null for non-floating outputs). */
  readonly gradOutputs: readonly (Tensor | null)[];
  /** Saved input `i` (must be listed by `saveInputs`). */
  input(i: number): Tensor;
  /** Saved output `i` (must be listed by `saveOutputs`). */
  output(i: number): Tensor;
}

/** A gradient rule for one op. */
export interface GradRule {
  /** PyTorch's node name (`MulBackward0`), possibly depending on attrs/inputs. */
  readonly name: string | ((attrs: Readonly<Record<string, unknown>>, inputs: readonly OutputInfo[]) => string);
  /** Inputs to save, given which inputs need grad (save only what the formulas read). */
  readonly saveInputs?: (needs: readonly boolean[]) => readonly number[];
  /** Outputs to save. */
  readonly saveOutputs?: readonly number[];
  /** Input gradients from the gradient of output 0 (never null: zeros are materialised). */
  backward(g: Tensor, ctx: GradContext): (Tensor | null)[];
}

const rules = new Map<string, GradRule>();

/** Registers the gradient rule of `op`. */
export function defineGrad(op: string, rule: GradRule): void {
  rules.set(op, rule);
}

/** The rule of `op`, or undefined (then the op is differentiated through its decomposition). */
export function gradRule(op: string): GradRule | undefined {
  return rules.get(op);
}

/** Ops that have a rule (coverage tests). */
export function opsWithGradRule(): string[] {
  return [...rules.keys()].sort();
}
