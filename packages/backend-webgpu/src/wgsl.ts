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
  if (!finite_f(b)) {
    let m = abs(a);
    if (m == 1.0) { return 1.0; }
    if ((m > 1.0) == (b > 0.0)) { return inf_f(); }
    return 0.0;
  }
  if (!finite_f(a)) {
    // (±inf)^b: inf or 0, negative only for odd integer b with a = -inf
    let odd = b == floor(b) && (abs(b) % 2.0) == 1.0;
    if (b < 0.0) { return select(0.0, -0.0, a < 0.0 && odd); }
    return select(inf_f(), -inf_f(), a < 0.0 && odd);
  }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (a == 0.0) {
    // 0^b keeps the sign of a for odd integer b: (-0)^-1 = -inf, (-0)^3 = -0
    let odd0 = b == floor(b) && (abs(b) % 2.0) == 1.0;
    if (b < 0.0) { return select(inf_f(), copysign_f(inf_f(), a), odd0); }
    return select(0.0, a, odd0);
  }
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
fn finite_f(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
// truthiness as PyTorch sees it: anything but ±0 (NaN is true)
fn truthy_f(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }
fn signbit_f(x: f32) -> bool { return (bitcast<u32>(x) >> 31u) == 1u; }
fn copysign_f(m: f32, s: f32) -> f32 { return select(abs(m), -abs(m), signbit_f(s)); }
// C fmod, exact: binary long division (each subtraction is exact by Sterbenz's lemma), since
// a - b * trunc(a / b) loses everything once the quotient passes 2^24
fn fmod_f(a: f32, b: f32) -> f32 {
  if (isnan_f(a) || isnan_f(b) || !finite_f(a) || b == 0.0) { return nan_f(); }
  if (!finite_f(b)) { return a; }
  var x = abs(a);
  let y = abs(b);
  if (x < y) { return a; }
  let ex = i32((bitcast<u32>(x) >> 23u) & 0xffu);
  let ey = i32((bitcast<u32>(y) >> 23u) & 0xffu);
  var yy = ldexp(y, ex - ey);
  if (yy > x) { yy = yy * 0.5; }
  loop {
    if (yy < y) { break; }
    if (x >= yy) { x = x - yy; }
    yy = yy * 0.5;
  }
  return copysign_f(x, a);
}
// Python's remainder: the sign of the divisor
fn rem_f(a: f32, b: f32) -> f32 {
  if (isnan_f(a) || isnan_f(b) || !finite_f(a) || b == 0.0) { return nan_f(); }
  if (!finite_f(b)) { if (a == 0.0 || (a < 0.0) == (b < 0.0)) { return a; } return b; }
  var r = fmod_f(a, b);
  if (r != 0.0 && ((r < 0.0) != (b < 0.0))) { r = r + b; }
  return r;
}
// PyTorch's div_floor (the same steps as the CPU kernel), so 1 // 0.1 is 9 as in Python
fn fdiv_f(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return a / b; }
  let m = fmod_f(a, b);
  var d = (a - m) / b;
  if (m != 0.0 && ((b < 0.0) != (m < 0.0))) { d = d - 1.0; }
  if (d == 0.0) { return copysign_f(0.0, a / b); }
  var f = floor(d);
  if (d - f > 0.5) { f = f + 1.0; }
  return f;
}
// sin/cos with Cody–Waite range reduction to [-pi/4, pi/4] and float32 minimax polynomials:
// SwiftShader's builtins are only accurate to ~2e-5, the WGSL spec's absolute bound
fn sincos_f(x: f32) -> vec2f {
  if (isnan_f(x) || !finite_f(x)) { return vec2f(nan_f(), nan_f()); }
  let q = round(x * 0.63661977236);
  var r = fma(q, -1.5703125, x);
  r = fma(q, -4.837512969970703125e-4, r);
  r = fma(q, -7.54978995489188216e-8, r);
  let r2 = r * r;
  let s = r + r * r2 * (-0.166666597127914428710938 + r2 * (0.00833307858556509017944336 + r2 * -0.000195034779608249664306641));
  let c = 1.0 - 0.5 * r2 + r2 * r2 * (0.0416666418314 + r2 * (-0.00138867637746 + r2 * 0.0000243904487962));
  let k = i32(q) & 3;
  if (k == 0) { return vec2f(s, c); }
  if (k == 1) { return vec2f(c, -s); }
  if (k == 2) { return vec2f(-s, -c); }
  return vec2f(-c, s);
}
fn sin_f(x: f32) -> f32 { return sincos_f(x).x; }
fn cos_f(x: f32) -> f32 { return sincos_f(x).y; }
fn atan2_f(a: f32, b: f32) -> f32 {
  if (isnan_f(a) || isnan_f(b)) { return nan_f(); }
  // signed zeros decide the quadrant, as in C's atan2
  if (a == 0.0) {
    if (b < 0.0 || (b == 0.0 && signbit_f(b))) { return copysign_f(3.14159265, a); }
    return copysign_f(0.0, a);
  }
  if (!finite_f(a) && !finite_f(b)) {
    let q = select(0.78539816, 2.35619449, b < 0.0);
    return select(q, -q, a < 0.0);
  }
  if (!finite_f(a)) { return select(1.57079633, -1.57079633, a < 0.0); }
  if (!finite_f(b)) { if (b > 0.0) { return select(0.0, -0.0, a < 0.0); } return select(3.14159265, -3.14159265, a < 0.0); }
  return atan2(a, b);
}
fn sigmoid_f(x: f32) -> f32 { if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); } let e = exp(x); return e / (1.0 + e); }
fn b2u(c: bool) -> u32 { return select(0u, 1u, c); }
`;
