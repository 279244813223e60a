/**
 * PyTorch-identical printing (`torch/_tensor_str.py`): `tensor([[1., 2.]], requires_grad=True)`.
 *
 * The rules, as in PyTorch: one formatter per tensor chooses between integer mode (`1.`), fixed
 * (`1.2346`) and scientific (`1.2346e+05`) notation from the non-zero finite values, and pads every
 * element to the same width; rows wrap at `linewidth`; tensors with more than `threshold` elements
 * show only `edgeitems` items at each end of every dim, with `...` between.
 *
 * Differences JavaScript or Kiln force (documented here because users compare outputs):
 * - Kiln's int32 stands for PyTorch's default int64, so non-empty int32 tensors print no dtype; an
 *   empty one prints `dtype=torch.int32` (PyTorch prints the dtype of every empty non-float tensor).
 * - A tensor on a device that cannot be read synchronously (WebGPU) is not read — printing never
 *   blocks — and shows `tensor(<not read: await t.data()>, size=(2, 3), device='webgpu:0')`.
 * - A disposed tensor prints `tensor(<disposed>, size=(2, 3))` instead of throwing.
 * @packageDocumentation
 */
import { isFloating, type DType } from './dtype.js';
import { cat } from './ops/shape-ops.js';
import type { Tensor } from './tensor.js';

/** Printing options (PyTorch's `torch.set_printoptions`). */
export interface PrintOptions {
  /** Digits after the decimal point (default 4). */
  precision: number;
  /** Element count above which tensors are summarised with `...` (default 1000). */
  threshold: number;
  /** Items shown at each end of a summarised dim (default 3). */
  edgeitems: number;
  /** Characters per line before wrapping (default 80). */
  linewidth: number;
  /** Force (true) or forbid (false) scientific notation; null lets the formatter choose. */
  sciMode: boolean | null;
}

const DEFAULTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null };
const PROFILES: Record<'default' | 'short' | 'full', Omit<PrintOptions, 'sciMode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};
const opts: PrintOptions = { ...DEFAULTS };

/**
 * Sets printing options, as `torch.set_printoptions`: `profile` ('default' | 'short' | 'full')
 * first, then any option given. As in PyTorch, `sciMode` is reset to automatic (null) by every
 * call that does not pass it.
 */
export function setPrintOptions(options: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' } = {}): void {
  if (options.profile) Object.assign(opts, PROFILES[options.profile]);
  for (const k of ['precision', 'threshold', 'edgeitems', 'linewidth'] as const) {
    const v = options[k];
    if (v !== undefined) opts[k] = v;
  }
  opts.sciMode = options.sciMode ?? null;
}

/** The current printing options (a copy). */
export function getPrintOptions(): PrintOptions {
  return { ...opts };
}

// ---------------------------------------------------------------- number formatting (Python's)

/** Digits of `|x|` beyond `keep`: true when they are exactly "5000…" (a rounding tie). */
function isTie(exactDigits: string, keep: number): boolean {
  const tail = exactDigits.slice(keep);
  return /^50*$/.test(tail);
}

/**
 * Python's `'{:.Nf}'.format(x)`. JS's toFixed rounds exact ties away from zero, Python rounds them
 * to even (e.g. 1.03125 → '1.0312'), so ties are detected on the exact expansion and fixed up.
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  if (a >= 1e21) return sign + BigInt(a).toString() + (digits > 0 ? '.' + '0'.repeat(digits) : ''); // toFixed switches to exponent form
  let s = a.toFixed(digits);
  const exact = a.toFixed(Math.min(100, digits + 30));
  const [ip, fp = ''] = exact.split('.');
  if (isTie(fp, digits)) {
    const truncated = digits > 0 ? `${ip}.${fp.slice(0, digits)}` : ip!;
    if (Number(truncated[truncated.length - 1]) % 2 === 0) s = truncated;
  }
  return sign + s;
}

/** Python's `'{:.Ne}'.format(x)`: ties to even, a signed exponent of at least two digits. */
export function formatExp(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  let s = a.toExponential(digits);
  const exact = a.toExponential(Math.min(100, digits + 30));
  const [mant, exp] = exact.split('e');
  const [ip, fp = ''] = mant!.split('.');
  if (isTie(fp, digits)) {
    const truncated = digits > 0 ? `${ip}.${fp.slice(0, digits)}` : ip!;
    if (Number(truncated[truncated.length - 1]) % 2 === 0) s = `${truncated}e${exp}`;
  }
  const [m, e] = s.split('e');
  const en = Number(e);
  return `${sign}${m}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- the formatter

/** PyTorch's `_Formatter`: picks the notation and the common width from the shown values. */
class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(private readonly dtype: DType, values: readonly number[]) {
    if (!isFloating(dtype)) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return; // as in PyTorch, the sciMode option is not consulted here
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      min = Math.min(min, Math.abs(v));
      max = Math.max(max, Math.abs(v));
    }
    const p = opts.precision;
    this.intMode = finite.every((v) => v === Math.ceil(v));
    if (max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4)) {
      this.sciMode = true;
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatExp(v, p).length);
    } else if (this.intMode) {
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, 0).length + 1);
    } else {
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, formatFixed(v, p).length);
    }
    if (opts.sciMode !== null) this.sciMode = opts.sciMode;
  }

  get width(): number {
    return this.maxWidth;
  }

  private plain(v: number): string {
    return this.dtype === 'bool' ? (v ? 'True' : 'False') : String(v);
  }

  format(v: number): string {
    let s: string;
    if (!isFloating(this.dtype)) s = this.plain(v);
    else if (this.sciMode) s = formatExp(v, opts.precision).padStart(this.maxWidth);
    else if (this.intMode) s = formatFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = formatFixed(v, opts.precision);
    return s.padStart(this.maxWidth);
  }
}

// ---------------------------------------------------------------- layout

/**
 * The shown part of a tensor, read to the host: when summarising, only the `edgeitems` rows at
 * each end of every long dim are read (PyTorch's `get_summarized_data`), so printing a huge tensor
 * stays cheap. `full` is the original shape; `data` is row-major over the shown part.
 */
interface Shown {
  data: ArrayLike<number>;
  full: readonly number[];
  strides: number[];
  summarize: boolean;
}

function readShown(t: Tensor, summarize: boolean): Shown {
  const e = opts.edgeitems;
  let part = t.detach(); // printing must not be recorded by autograd
  if (summarize) {
    t.shape.forEach((n, d) => {
      if (n > 2 * e) part = cat([part.narrow(d, 0, e), part.narrow(d, n - e, e)], d);
    });
  }
  const shape = part.shape;
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  return { data: part.dataSync(), full: t.shape, strides, summarize };
}

/** Indices (into the shown part) of dim `d`'s leading and trailing items; `tail` is empty unless cut. */
function shownIndices(h: Shown, d: number): { head: number[]; tail: number[] } {
  const n = h.full[d]!;
  const e = opts.edgeitems;
  if (h.summarize && n > 2 * e) {
    return { head: [...Array(e).keys()], tail: Array.from({ length: e }, (_, i) => e + i) };
  }
  return { head: [...Array(n).keys()], tail: [] };
}

/** PyTorch's `_tensor_str_with_formatter` (with `_vector_str` for the last dim). */
function render(h: Shown, f: Formatter, indent: number, d = 0, off = 0): string {
  const nd = h.full.length - d;
  if (nd === 0) return f.format(h.data[off]!);
  const { head, tail } = shownIndices(h, d);
  if (nd === 1) {
    const elementLength = f.width + 2;
    const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));
    const item = (i: number) => f.format(h.data[off + i * h.strides[d]!]!);
    const items = [...head.map(item), ...(tail.length ? [' ...'] : []), ...tail.map(item)];
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
  }
  const sub = (i: number) => render(h, f, indent + 1, d + 1, off + i * h.strides[d]!);
  const slices = [...head.map(sub), ...(tail.length ? ['...'] : []), ...tail.map(sub)];
  return '[' + slices.join(',' + '\n'.repeat(nd - 1) + ' '.repeat(indent + 1)) + ']';
}

/** PyTorch's `_tensor_str`: the bracketed body of a non-empty tensor. */
function tensorBody(t: Tensor, indent: number): string {
  const h = readShown(t, t.numel() > opts.threshold);
  // The formatter sees exactly the shown values, as PyTorch's does.
  return render(h, new Formatter(t.dtype, Array.from(h.data)), indent);
}

/** PyTorch's `_add_suffixes`: `, suffix` on the last line, or on a new line when it would pass linewidth. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  let out = text;
  let lastLineLen = text.length - text.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > opts.linewidth) {
      out += ',\n' + ' '.repeat(indent) + s;
      lastLineLen = indent + s.length;
    } else {
      out += ', ' + s;
      lastLineLen += s.length + 2;
    }
  }
  return out + ')';
}

/** dtypes printed without a suffix: float32, int32 (PyTorch's int64) and bool, as in PyTorch. */
const DEFAULT_DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/** A shape as Python prints a tuple: `(2, 3)`, `(4,)`, `()`. */
function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** `tensor([...], ...)` text for a tensor, identical to PyTorch's `repr`. */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const shape = t.shape;
  const numel = t.numel();
  const dtypeSuffix = `dtype=torch.${t.dtype}`;
  if (t.isDisposed || t.storage.isFreed) return `${prefix}<disposed>, size=${pyTuple(shape)})`;
  const suffixes: string[] = [];
  if (t.device.type !== 'cpu') suffixes.push(`device='${t.device}'`);
  let body: string;
  if (!t.storage.backend.readSync) {
    body = '<not read: await t.data()>';
    suffixes.push(`size=${pyTuple(shape)}`);
    if (!DEFAULT_DTYPES.includes(t.dtype)) suffixes.push(dtypeSuffix);
  } else if (numel === 0) {
    body = '[]';
    if (t.ndim !== 1) suffixes.push(`size=${pyTuple(shape)}`);
    if (t.dtype !== 'float32') suffixes.push(dtypeSuffix);
  } else {
    body = tensorBody(t, indent);
    if (!DEFAULT_DTYPES.includes(t.dtype)) suffixes.push(dtypeSuffix);
  }
  const gradFn = t.gradFn as { name(): string } | null;
  if (gradFn) suffixes.push(`grad_fn=<${gradFn.name()}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}
