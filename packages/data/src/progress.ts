/**
 * progress: a tqdm-style terminal progress bar around any (async) iterable.
 * @packageDocumentation
 */

/** Where the bar is written: anything with `write` and (for TTY detection) `isTTY`. */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of `progress`. */
export interface ProgressOptions {
  /** Expected number of items (default: the iterable's `length`, if it has one). */
  total?: number;
  /** Label printed before the bar. */
  desc?: string;
  /** Output stream (default `process.stderr`, as tqdm). */
  stream?: ProgressStream;
  /** Draw even when the stream is not a TTY (default false: quiet in logs and CI). */
  force?: boolean;
  /** Minimum milliseconds between redraws (default 100). */
  minInterval?: number;
}

/** `mm:ss` (or `h:mm:ss`). */
export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/**
 * One bar line in tqdm's format: `desc: 45%|████▌     | 450/1000 [00:03<00:04, 123.40it/s]`;
 * without a total: `desc: 450it [00:03, 123.40it/s]`.
 */
export function formatBar(n: number, total: number | undefined, elapsed: number, options: { desc?: string; postfix?: string; width?: number } = {}): string {
  const rate = elapsed > 0 ? n / elapsed : 0;
  const prefix = options.desc ? `${options.desc}: ` : '';
  const post = options.postfix ? `, ${options.postfix}` : '';
  const rateText = rate > 0 ? `${rate.toFixed(2)}it/s` : '?it/s';
  if (total === undefined || total <= 0) return `${prefix}${n}it [${formatTime(elapsed)}, ${rateText}${post}]`;
  const frac = Math.min(1, n / total);
  const eta = rate > 0 ? (total - n) / rate : Infinity;
  const width = options.width ?? 20;
  const eighths = Math.floor(frac * width * 8);
  const partial = eighths % 8 ? ' ▏▎▍▌▋▊▉'[eighths % 8]! : '';
  const bar = ('█'.repeat(Math.floor(eighths / 8)) + partial).padEnd(width, ' ');
  return `${prefix}${String(Math.floor(frac * 100)).padStart(3)}%|${bar}| ${n}/${total} [${formatTime(elapsed)}<${formatTime(eta)}, ${rateText}${post}]`;
}

/** A running bar: iterate it like the wrapped iterable; `setPostfix` adds e.g. the current loss. */
export class Progress<T> implements Iterable<T>, AsyncIterable<T> {
  /** Items seen so far. */
  n = 0;
  private postfix = '';
  private lastDraw = 0;
  private start = 0;
  private readonly stream: ProgressStream | undefined;
  private readonly total: number | undefined;

  constructor(private readonly source: Iterable<T> | AsyncIterable<T>, private readonly options: ProgressOptions = {}) {
    const stream = options.stream ?? (typeof process !== 'undefined' ? process.stderr : undefined);
    this.stream = stream && (stream.isTTY || options.force) ? stream : undefined;
    const len = (source as { length?: unknown }).length;
    this.total = options.total ?? (typeof len === 'number' ? len : undefined);
  }

  /** Shows `key=value` pairs after the rate (tqdm's set_postfix). */
  setPostfix(values: Record<string, number | string>): void {
    this.postfix = Object.entries(values)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
      .join(', ');
  }

  private draw(final: boolean): void {
    if (!this.stream) return;
    const now = performance.now();
    if (!final && now - this.lastDraw < (this.options.minInterval ?? 100)) return;
    this.lastDraw = now;
    const line = formatBar(this.n, this.total, (now - this.start) / 1000, { desc: this.options.desc, postfix: this.postfix });
    this.stream.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
  }

  *[Symbol.iterator](): Iterator<T> {
    if (!(Symbol.iterator in this.source)) throw new TypeError('progress: this iterable is async; use for await … of');
    this.start = performance.now();
    this.draw(false);
    try {
      for (const x of this.source) {
        yield x;
        this.n++;
        this.draw(false);
      }
    } finally {
      this.draw(true);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    this.start = performance.now();
    this.draw(false);
    try {
      for await (const x of this.source) {
        yield x;
        this.n++;
        this.draw(false);
      }
    } finally {
      this.draw(true);
    }
  }
}

/**
 * Wraps an iterable (a DataLoader, an array, a range) with a terminal progress bar showing count,
 * rate and ETA, like Python's tqdm. Writes nothing when the stream is not a TTY.
 */
export function progress<T>(iterable: Iterable<T> | AsyncIterable<T>, options: ProgressOptions = {}): Progress<T> {
  return new Progress(iterable, options);
}
