/**
 * The benchmark cases, shared by every contender so each one runs the same shapes. A contender
 * implements each case by id; one that cannot (tfjs-wasm has no conv filter gradient) reports why.
 * @packageDocumentation
 */

/** One benchmark case. */
export interface Case {
  /** Stable id (JSON key, contender lookup). */
  id: string;
  /** Human-readable description for the table. */
  label: string;
  /** Floating-point operations per run, when meaningful (prints GFLOP/s). */
  flops?: number;
}

const mm = (m: number, k: number, n: number, batch = 1) => 2 * batch * m * k * n;

/** Every case, in table order. */
export const CASES: readonly Case[] = [
  { id: 'matmul-256', label: 'matmul 256²', flops: mm(256, 256, 256) },
  { id: 'matmul-512', label: 'matmul 512²', flops: mm(512, 512, 512) },
  { id: 'matmul-1024', label: 'matmul 1024²', flops: mm(1024, 1024, 1024) },
  { id: 'bmm-16x256', label: 'batched matmul 16×256²', flops: mm(256, 256, 256, 16) },
  { id: 'conv2d-fwd', label: 'conv2d fwd 64×32×26×26, 64×3×3', flops: mm(64, 32 * 9, 24 * 24, 64) },
  { id: 'conv2d-fwd-bwd', label: 'conv2d fwd+bwd (input+filter grads)', flops: 3 * mm(64, 32 * 9, 24 * 24, 64) },
  { id: 'add-1M', label: 'add 1024×1024' },
  { id: 'relu-1M', label: 'relu 1024×1024' },
  { id: 'exp-1M', label: 'exp 1024×1024' },
  { id: 'sum-1M', label: 'sum all 1024×1024' },
  { id: 'sum-last-1M', label: 'sum last axis 1024×1024' },
  { id: 'max-last-1M', label: 'max last axis 1024×1024' },
  { id: 'softmax-1M', label: 'softmax last axis 1024×1024' },
  { id: 'mlp-step', label: 'MLP 784-128-10 train step, b64 SGD' },
  { id: 'cnn-step', label: 'MNIST CNN train step, b64 SGD' },
];

/** Shapes of the training benchmarks (pytorch/examples MNIST, without dropout). */
export const TRAIN = { batch: 64, lr: 0.01, classes: 10 } as const;

/** What a contender process prints (one line, prefixed by {@link RESULT_PREFIX}). */
export interface ContenderReport {
  contender: string;
  /** Version / thread info, free-form. */
  info: Record<string, unknown>;
  /** Per case: median milliseconds over its timed runs, or why it is not applicable. */
  results: Record<string, { ms: number; runs: number } | { na: string }>;
}

/** The marker in front of a contender's JSON report line on stdout. */
export const RESULT_PREFIX = 'KILN_BENCH_RESULT ';
