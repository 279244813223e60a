/**
 * Anomaly detection (torch.autograd.detect_anomaly / set_detect_anomaly): nodes remember the
 * forward call that created them, and the engine fails on the first backward that returns NaN,
 * naming that forward op.
 * @packageDocumentation
 */
import type { GradModeGuard } from '@kiln/tensor';

let enabled = false;

/** True while anomaly detection is on. */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/** torch.autograd.set_detect_anomaly(mode): switches it; the returned guard restores the previous mode. */
export function setDetectAnomaly(mode: boolean): GradModeGuard {
  const prev = enabled;
  enabled = mode;
  const exit = () => {
    enabled = prev;
  };
  return { exit, [Symbol.dispose]: exit };
}

/** torch.autograd.detect_anomaly(): `detectAnomaly(() => …)` or `using _ = detectAnomaly()`. */
export function detectAnomaly(): GradModeGuard;
export function detectAnomaly<T>(fn: () => T): T;
export function detectAnomaly<T>(fn?: () => T): T | GradModeGuard {
  const g = setDetectAnomaly(true);
  if (!fn) return g;
  try {
    return fn();
  } finally {
    g.exit();
  }
}
