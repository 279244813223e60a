/**
 * WGSL building blocks shared by the kernels: dtype mapping, the strided-offset function (shapes and
 * strides travel in a small int32 `meta` buffer, so one pipeline serves every shape of a given rank),
 * and scalar helpers WGSL lacks (NaN tests, erf, Python-style remainder, integer pow).
 * @packageDocumentation
 */
import type { DType } from '@kiln/tensor';
import { DTypeError } from '@kiln/tensor';

/** WGSL element type of a dtype on the GPU (bool is stored as one u32 per element). */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  switch (dtype) {
    case 'float32': return 'f32';
    case 'int32': return 'i32';
    case 'bool': return 'u32';
    default:
      throw new DTypeError(`webgpu: dtype ${dtype} is not supported on WebGPU (float32, int32 and bool are); keep float64 tensors on the CPU`);
  }
}

/**
 * `fn off(i, base)`: the storage offset of row-major element `i` of a view whose shape starts at
 * prm[shapeAt] and whose offset and strides start at prm[base].
 */
export function offsetFn(ndim: number, shapeAt: number, name = 'off'): string {
  return `fn ${name}(i: u32, base: u32) -> u32 {
  var r = i;
  var o = prm[base];
  for (var d: i32 = ${ndim - 1}; d >= 0; d--) {
    let s = u32(prm[${shapeAt} + d]);
    let c = r % s;
    r = r / s;
    o += i32(c) * prm[base + 1u + u32(d)];
  }
  return u32(o);
}`;
}

/** Linear invocation index for 2-D-folded dispatches of 64-thread workgroups. */
export const MAIN_SIG = `@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 64u;`;

/** Scalar helpers used by several kernels. */
export const HELPERS = `
fn isnan_f(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinf_f(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// NaN/Inf must be built at run time: WGSL rejects constant expressions that evaluate to them
fn nan_f() -> f32 { return bitcast<f32>(0x7fc00000u + min(u32(prm[0]), 0u)); }
fn inf_f() -> f32 { return bitcast<f32>(0x7f800000u + min(u32(prm[0]), 0u)); }
fn max_f(a: f32, b: f32) -> f32 { if (isnan_f(a) || isnan_f(b)) { return nan_f(); } return max(a, b); }
fn min_f(a: f32, b: f32) -> f32 { if (isnan_f(a) || isnan_f(b)) { return nan_f(); } return min(a, b); }
fn erf_f(x: f32) -> f32 {
  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for float32
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-x * x);
  return select(-y, y, x >= 0.0);
}
fn erfinv_f(y: f32) -> f32 {
  if (y <= -1.0) { return select(nan_f(), -inf_f(), y == -1.0); }
  if (y >= 1.0) { return select(nan_f(), inf_f(), y == 1.0); }
  var w = -log((1.0 - y) * (1.0 + y));
  var x: f32;
  if (w < 5.0) {
    w = w - 2.5;
    var p = 2.81022636e-08; p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w; p = 0.246640727 + p * w; p = 1.50140941 + p * w;
    x = p * y;
  } else {
    w = sqrt(w) - 3.0;
    var p = -0.000200214257; p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w; p = 1.00167406 + p * w; p = 2.83297682 + p * w;
    x = p * y;
  }
  x = x - (erf_f(x) - y) / (1.1283791671 * exp(-x * x));
  return x;
}
fn pow_f(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a == 1.0) { return 1.0; }
  if (isnan_f(a) || isnan_f(b)) { return nan_f(); }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (a == 0.0) { return select(0.0, inf_f(), b < 0.0); }
  if (a < 0.0) {
    if (b != floor(b)) { return nan_f(); }
    let m = pow(-a, b);
    return select(m, -m, (abs(b) % 2.0) == 1.0);
  }
  return pow(a, b);
}
fn pow_i(a: i32, b: i32) -> i32 { var r = 1; for (var k = 0; k < b; k++) { r = r * a; } return r; }
fn fdiv_i(a: i32, b: i32) -> i32 { var q = a / b; if ((a % b != 0) && ((a < 0) != (b < 0))) { q = q - 1; } return q; }
fn rem_i(a: i32, b: i32) -> i32 { var r = a % b; if (r != 0 && ((r < 0) != (b < 0))) { r = r + b; } return r; }
fn rem_f(a: f32, b: f32) -> f32 { let r = a - b * floor(a / b); return r; }
fn fmod_f(a: f32, b: f32) -> f32 { return a - b * trunc(a / b); }
fn sigmoid_f(x: f32) -> f32 { if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); } let e = exp(x); return e / (1.0 + e); }
fn b2u(c: bool) -> u32 { return select(0u, 1u, c); }
`;
