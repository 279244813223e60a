/**
 * Grad mode lives in tensor (as GradMode lives in PyTorch's core) so that nn and optim can use
 * `noGrad` without importing autograd. Each guard works three ways:
 * `noGrad(() => …)`, `using _ = noGrad()`, and `const g = noGrad(); …; g[Symbol.dispose]()`.
 * @packageDocumentation
 */

const state = { enabled: true, inference: false };

/** True when operations record autograd history (torch.is_grad_enabled). */
export function isGradEnabled(): boolean {
  return state.enabled;
}

/** True inside `inferenceMode` (torch.is_inference_mode_enabled). */
export function isInferenceModeEnabled(): boolean {
  return state.inference;
}

/** A scope that restores the previous grad mode when disposed. */
export interface GradModeGuard extends Disposable {
  /** Restores the previous mode (same as `[Symbol.dispose]()`). */
  exit(): void;
}

function guard(enabled: boolean, inference: boolean): GradModeGuard {
  const prev = { ...state };
  state.enabled = enabled;
  state.inference = inference;
  const exit = () => {
    state.enabled = prev.enabled;
    state.inference = prev.inference;
  };
  return { exit, [Symbol.dispose]: exit };
}

function scoped<T>(enabled: boolean, inference: boolean, fn?: () => T): T | GradModeGuard {
  const g = guard(enabled, inference);
  if (!fn) return g;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    g.exit();
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => g.exit()) as T;
  }
  g.exit();
  return result;
}

/** torch.no_grad: run `fn` (or the `using` scope) without recording history. */
export function noGrad(): GradModeGuard;
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | GradModeGuard {
  return scoped(false, state.inference, fn);
}

/** torch.enable_grad: re-enable recording inside a noGrad region. */
export function enableGrad(): GradModeGuard;
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | GradModeGuard {
  return scoped(true, state.inference, fn);
}

/** torch.set_grad_enabled(mode): as a plain call it switches the mode; the returned guard restores it. */
export function setGradEnabled(mode: boolean): GradModeGuard;
export function setGradEnabled<T>(mode: boolean, fn: () => T): T;
export function setGradEnabled<T>(mode: boolean, fn?: () => T): T | GradModeGuard {
  return scoped(mode, state.inference, fn);
}

/** torch.inference_mode: no grad and tensors created inside are inference tensors. */
export function inferenceMode(): GradModeGuard;
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(fn?: () => T): T | GradModeGuard {
  return scoped(false, true, fn);
}
