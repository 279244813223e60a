/**
 * Creation functions: tensor(), zeros/ones/full/empty, arange/linspace/eye, random tensors,
 * the *Like forms and fromTypedArray (zero-copy on CPU).
 * @packageDocumentation
 */
import { backendOf, getDevice, type DeviceLike } from '../device.js';
import { allocArray, checkDType, dtypeOfArray, isFloating, type DType, type TypedArray } from '../dtype.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { defaultGenerator, type Generator } from '../random.js';
import { numelOf } from '../shape.js';
import { Tensor, isTensor, type NestedArray, type Scalar } from '../tensor.js';

/** Options shared by creation functions (PyTorch's keyword arguments). */
export interface CreationOptions {
  dtype?: DType;
  device?: DeviceLike;
  requiresGrad?: boolean;
}

/** Options of random creation functions. */
export interface RandomOptions extends CreationOptions {
  generator?: Generator;
}

/**
 * Uploads host data to a device as a new contiguous tensor. With `share` (fromTypedArray's
 * zero-copy contract) the CPU adopts `data` itself; otherwise the CPU copies it into its own pool
 * memory, which lives in the WebAssembly kernel memory where that is shared, so kernels can use
 * the tensor in place (a memcpy here instead of a staging copy in every op that reads it). @internal
 */
export function fromHost(data: TypedArray, dtype: DType, shape: readonly number[], device?: DeviceLike, requiresGrad?: boolean, share = false): Tensor {
  const dev = getDevice(device ?? 'cpu');
  const backend = backendOf(dev);
  if (!backend.capabilities.dtypes.includes(dtype)) {
    throw new ValueError(`tensor: device '${dev}' does not support dtype ${dtype}; supported: ${backend.capabilities.dtypes.join(', ')}. Use .to('cpu') or another dtype.`);
  }
  const handle = share && dev.type === 'cpu' && backend.adopt ? backend.adopt(data, dtype) : backend.upload(data, dtype);
  const t = Tensor.fromHandle(handle, dtype, shape, dev);
  if (requiresGrad) t.requiresGrad_(true);
  return t;
}

function fill(dtype: DType, n: number, f: (i: number) => number): TypedArray {
  const a = allocArray(dtype, n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
}

function inferNested(data: NestedArray): { shape: number[]; flat: Scalar[] } {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur.length ? (cur[0] as NestedArray) : 0;
  }
  const flat: Scalar[] = [];
  const walk = (v: NestedArray, d: number): void => {
    if (d === shape.length) {
      if (Array.isArray(v)) throw new ValueError(`tensor: expected a number at depth ${d}, got a sequence (ragged nested array)`);
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new ValueError(`tensor: could not convert ${JSON.stringify(v)} (type ${typeof v}) to a number; pass numbers, booleans, nested arrays or a typed array`);
      }
      flat.push(v as Scalar);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new ValueError(
        `tensor: expected sequence of length ${shape[d]} at dim ${d} (got ${Array.isArray(v) ? v.length : typeof v}); nested arrays must be rectangular`,
      );
    }
    for (const x of v as readonly NestedArray[]) walk(x, d + 1);
  };
  walk(data, 0);
  return { shape, flat };
}

/**
 * torch.tensor: copies nested arrays, a typed array, or a scalar. The dtype is inferred as in
 * PyTorch — booleans → bool, integers → int32 (PyTorch's int64), other numbers → float32 — with
 * one JavaScript-forced difference: `1.0` and `1` are the same number, so write `{ dtype: 'float32' }`
 * (or use `requiresGrad: true`, which implies a float dtype) for float data that happens to be integral.
 */
export function tensor(data: NestedArray | TypedArray | Tensor, options: CreationOptions = {}): Tensor {
  if (isTensor(data)) {
    const t = (data as Tensor).detach().to({ dtype: options.dtype ?? (data as Tensor).dtype, device: options.device ?? (data as Tensor).device, copy: true });
    if (options.requiresGrad) t.requiresGrad_(true);
    return t;
  }
  if (ArrayBuffer.isView(data)) {
    const src = data as TypedArray;
    const srcDtype = src instanceof Uint8Array ? 'int32' : dtypeOfArray(src, 'tensor');
    const dtype = options.dtype ? checkDType(options.dtype, 'tensor') : srcDtype;
    const arr = allocArray(dtype, src.length);
    for (let i = 0; i < src.length; i++) arr[i] = dtype === 'bool' ? (src[i] ? 1 : 0) : src[i]!;
    return fromHost(arr, dtype, [src.length], options.device, options.requiresGrad);
  }
  const { shape, flat } = inferNested(data as NestedArray);
  let dtype: DType;
  if (options.dtype) dtype = checkDType(options.dtype, 'tensor');
  else if (flat.length > 0 && flat.every((v) => typeof v === 'boolean')) dtype = 'bool';
  else if (!options.requiresGrad && flat.length > 0 && flat.every((v) => typeof v === 'boolean' || Number.isInteger(v))) dtype = 'int32';
  else dtype = 'float32';
  const arr = fill(dtype, flat.length, (i) => Number(flat[i]));
  return fromHost(arr, dtype, shape, options.device, options.requiresGrad);
}

/** A 0-d tensor holding a JS scalar, marked as a wrapped number for type promotion. @internal */
export function scalarTensor(v: Scalar, dtype: DType, device?: DeviceLike): Tensor {
  const t = fromHost(fill(dtype, 1, () => Number(v)), dtype, [], device ?? 'cpu');
  t.isWrappedNumber = true;
  return t;
}

/** Splits `(2, 3, opts)` / `([2, 3], opts)` into a shape and options. @internal */
export function parseShapeArgs<O extends object>(args: readonly unknown[], op: string): { shape: number[]; options: O } {
  let options = {} as O;
  let rest = args;
  const last = args[args.length - 1];
  if (last !== undefined && typeof last === 'object' && !Array.isArray(last) && last !== null) {
    options = last as O;
    rest = args.slice(0, -1);
  }
  const shape = rest.length === 1 && Array.isArray(rest[0]) ? [...(rest[0] as number[])] : (rest as number[]);
  checkShape(shape, op);
  return { shape, options };
}

/** ShapeError unless every size is a non-negative integer. */
function checkShape(shape: readonly number[], op: string): void {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new ShapeError(`${op}: Trying to create tensor with negative or non-integer dimension ${s} in ${fmtShape(shape)}`);
  }
}

type ShapeAndOptions<O> = [...(number | readonly number[])[], O] | (number | readonly number[])[];

/** A tensor of `shape` filled with `value` (dtype inferred from the value when not given). */
export function full(shape: readonly number[], value: Scalar, options: CreationOptions = {}): Tensor {
  checkShape(shape, 'full');
  const dtype = options.dtype !== undefined ? checkDType(options.dtype, 'full') : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int32' : 'float32';
  const n = numelOf(shape);
  const arr = allocArray(dtype, n);
  arr.fill(Number(value));
  return fromHost(arr, dtype, shape, options.device, options.requiresGrad);
}

/** Zeros: `zeros(2, 3)` or `zeros([2, 3], { dtype })`. */
export function zeros(...args: ShapeAndOptions<CreationOptions>): Tensor {
  const { shape, options } = parseShapeArgs<CreationOptions>(args, 'zeros');
  if (options.dtype !== undefined) checkDType(options.dtype, 'zeros');
  return full(shape, 0, { dtype: 'float32', ...options });
}

/** Ones. */
export function ones(...args: ShapeAndOptions<CreationOptions>): Tensor {
  const { shape, options } = parseShapeArgs<CreationOptions>(args, 'ones');
  if (options.dtype !== undefined) checkDType(options.dtype, 'ones');
  return full(shape, 1, { dtype: 'float32', ...options });
}

/** Uninitialised in PyTorch; zero-filled in Kiln (JS arrays are always initialised). */
export function empty(...args: ShapeAndOptions<CreationOptions>): Tensor {
  const { shape, options } = parseShapeArgs<CreationOptions>(args, 'empty');
  if (options.dtype !== undefined) checkDType(options.dtype, 'empty');
  return full(shape, 0, { dtype: 'float32', ...options });
}

/** Values from `start` to `end` (exclusive) by `step`: `arange(5)`, `arange(1, 4)`, `arange(0, 1, 0.25)`. */
export function arange(start: number, end?: number | CreationOptions, step?: number | CreationOptions, options?: CreationOptions): Tensor {
  let opts: CreationOptions = options ?? {};
  if (typeof end === 'object') { opts = end; end = undefined; }
  if (typeof step === 'object') { opts = step; step = undefined; }
  let s = start, e = end as number | undefined, st = (step as number | undefined) ?? 1;
  if (e === undefined) { e = s; s = 0; }
  if (st === 0) throw new ValueError('arange: step must be nonzero');
  if ((e - s) / st < 0) throw new ValueError(`arange: upper bound and larger bound inconsistent with step sign (start=${s}, end=${e}, step=${st})`);
  const n = Math.max(0, Math.ceil((e - s) / st));
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype, 'arange') : [s, e, st].every(Number.isInteger) ? 'int32' : 'float32';
  return fromHost(fill(dtype, n, (i) => s + i * st), dtype, [n], opts.device, opts.requiresGrad);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options: CreationOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`linspace: number of steps must be non-negative, got ${steps}`);
  const dtype = checkDType(options.dtype ?? 'float32', 'linspace');
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end so the last value is exactly `end`
  const half = Math.floor(steps / 2);
  return fromHost(fill(dtype, steps, (i) => (i < half ? start + step * i : end - step * (steps - 1 - i))), dtype, [steps], options.device, options.requiresGrad);
}

/** `steps` values spaced evenly on a log scale: base ** linspace(start, end). */
export function logspace(start: number, end: number, steps: number, options: CreationOptions & { base?: number } = {}): Tensor {
  const lin = linspace(start, end, steps, { ...options, dtype: 'float64', requiresGrad: false, device: 'cpu' });
  const base = options.base ?? 10;
  const vals = Float64Array.from(lin.dataSync() as Float64Array, (v) => base ** v);
  const dtype = checkDType(options.dtype ?? 'float32', 'logspace');
  return fromHost(allocFrom(dtype, vals), dtype, [steps], options.device, options.requiresGrad);
}

function allocFrom(dtype: DType, v: ArrayLike<number>): TypedArray {
  const a = allocArray(dtype, v.length);
  for (let i = 0; i < v.length; i++) a[i] = v[i]!;
  return a;
}

/** Identity matrix n×m (m defaults to n). */
export function eye(n: number, m?: number | CreationOptions, options: CreationOptions = {}): Tensor {
  if (typeof m === 'object') { options = m; m = undefined; }
  const cols = (m as number | undefined) ?? n;
  for (const [name, v] of [['n', n], ['m', cols]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`eye: ${name} must be greater or equal to 0, got ${v}`);
  }
  const dtype = checkDType(options.dtype ?? 'float32', 'eye');
  return fromHost(fill(dtype, n * cols, (i) => (Math.floor(i / cols) === i % cols ? 1 : 0)), dtype, [n, cols], options.device, options.requiresGrad);
}

function randomTensor(shape: number[], options: RandomOptions, gen: (g: Generator, n: number) => ArrayLike<number>, op: string): Tensor {
  const dtype = checkDType(options.dtype ?? 'float32', op);
  if (!isFloating(dtype)) throw new ValueError(`${op}: "${op}" not implemented for '${dtype}'; use a floating dtype (or randint for integers)`);
  const n = numelOf(shape);
  return fromHost(allocFrom(dtype, gen(options.generator ?? defaultGenerator, n)), dtype, shape, options.device, options.requiresGrad);
}

/** Uniform samples in [0, 1). */
export function rand(...args: ShapeAndOptions<RandomOptions>): Tensor {
  const { shape, options } = parseShapeArgs<RandomOptions>(args, 'rand');
  return randomTensor(shape, options, (g, n) => g.uniform(n), 'rand');
}

/** Standard normal samples. */
export function randn(...args: ShapeAndOptions<RandomOptions>): Tensor {
  const { shape, options } = parseShapeArgs<RandomOptions>(args, 'randn');
  return randomTensor(shape, options, (g, n) => g.normal(n), 'randn');
}

/** Integers uniform in [low, high): `randint(10, [3])` or `randint(2, 10, [3])`. */
export function randint(lowOrHigh: number, highOrShape: number | readonly number[], shapeOrOptions?: readonly number[] | RandomOptions, options: RandomOptions = {}): Tensor {
  let low = 0, high: number, shape: readonly number[];
  if (Array.isArray(highOrShape)) {
    high = lowOrHigh;
    shape = highOrShape;
    if (shapeOrOptions && !Array.isArray(shapeOrOptions)) options = shapeOrOptions as RandomOptions;
  } else {
    low = lowOrHigh;
    high = highOrShape as number;
    shape = (shapeOrOptions as readonly number[]) ?? [];
  }
  if (high <= low) throw new ValueError(`randint: random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const dtype = checkDType(options.dtype ?? 'int32', 'randint');
  const n = numelOf(shape);
  const u = (options.generator ?? defaultGenerator).uniform(n);
  return fromHost(fill(dtype, n, (i) => low + Math.floor(u[i]! * (high - low))), dtype, shape, options.device, options.requiresGrad);
}

/** A random permutation of 0..n-1 (Fisher–Yates with the generator). */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  const u = (options.generator ?? defaultGenerator).uniform(n);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i]! * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  const dtype = checkDType(options.dtype ?? 'int32', 'randperm');
  return fromHost(allocFrom(dtype, p), dtype, [n], options.device, options.requiresGrad);
}

/** Normal samples with the given mean and std (scalars) and shape. */
export function normal(mean: number, std: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (std < 0) throw new ValueError(`normal expects std >= 0.0, but found std ${std}`);
  return randomTensor([...shape], options, (g, n) => Float64Array.from(g.normal(n), (z) => mean + std * z), 'normal');
}

/**
 * Wraps a typed array without copying on the CPU (numpy's from_numpy): writes through either
 * side are visible in the other. On other devices the data is uploaded (a copy).
 */
export function fromTypedArray(data: TypedArray, shape?: readonly number[], options: { device?: DeviceLike; requiresGrad?: boolean } = {}): Tensor {
  const dtype = dtypeOfArray(data, 'fromTypedArray');
  const s = shape ? [...shape] : [data.length];
  if (numelOf(s) !== data.length) {
    throw new ShapeError(`fromTypedArray: shape ${fmtShape(s)} has ${numelOf(s)} elements but the array has ${data.length}; pass a shape whose product equals the array length`);
  }
  return fromHost(data, dtype, s, options.device, options.requiresGrad, true);
}

function likeOpts(x: Tensor, options: CreationOptions): CreationOptions {
  return { dtype: options.dtype ?? x.dtype, device: options.device ?? x.device, requiresGrad: options.requiresGrad ?? false };
}

/** zeros with x's shape/dtype/device. */
export function zerosLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return full(x.shape, 0, likeOpts(x, options));
}
/** ones with x's shape/dtype/device. */
export function onesLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return full(x.shape, 1, likeOpts(x, options));
}
/** empty with x's shape/dtype/device (zero-filled). */
export function emptyLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return full(x.shape, 0, likeOpts(x, options));
}
/** full with x's shape/dtype/device. */
export function fullLike(x: Tensor, value: Scalar, options: CreationOptions = {}): Tensor {
  return full(x.shape, value, likeOpts(x, options));
}
/** rand with x's shape/dtype/device. */
export function randLike(x: Tensor, options: RandomOptions = {}): Tensor {
  return rand(x.shape, { ...likeOpts(x, options), generator: options.generator });
}
/** randn with x's shape/dtype/device. */
export function randnLike(x: Tensor, options: RandomOptions = {}): Tensor {
  return randn(x.shape, { ...likeOpts(x, options), generator: options.generator });
}
/** randint with x's shape/dtype/device. */
export function randintLike(x: Tensor, low: number, high?: number, options: RandomOptions = {}): Tensor {
  const [lo, hi] = high === undefined ? [0, low] : [low, high];
  return randint(lo, hi, x.shape, { ...likeOpts(x, options), generator: options.generator });
}
