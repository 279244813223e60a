/**
 * A tiny WebAssembly bytecode emitter: just enough of the binary format (sections, LEB128, the
 * integer/float/SIMD opcodes the kernels use, structured control flow) to generate Kiln's GEMM
 * module from TypeScript at load time. Generating the module here instead of committing a .wasm
 * keeps the kernel "built from source" with no C toolchain and no build step, and lets tests
 * validate every module it produces.
 *
 * Reference: the WebAssembly core spec (binary format, §5) and the fixed-width SIMD proposal's
 * opcode table (all SIMD opcodes are `0xfd` followed by an unsigned LEB128 sub-opcode).
 * @packageDocumentation
 */

/** Value types of the binary format. */
export const ValType = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
/** One of {@link ValType}'s codes. */
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Unsigned LEB128 encoding of a non-negative integer (section sizes, indices, memarg offsets). */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 encoding of a 32-bit integer (`i32.const` immediates). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    // done when the remaining bits are pure sign extension of the byte's top bit
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/**
 * Builds one function body. Methods append opcodes and return `this`, so kernels read like the
 * stack-machine text format. Locals are declared with {@link FunctionBuilder.local} and referred to
 * by index (parameters come first).
 */
export class FunctionBuilder {
  /** The instruction bytes emitted so far. */
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];

  /** @param params parameter types (locals 0 … params.length − 1). */
  constructor(readonly params: readonly ValType[], readonly results: readonly ValType[] = []) {}

  /** Declares a new local of type `t` and returns its index. */
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }
  private simd(sub: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(sub), ...imm);
  }
  // memarg = alignment exponent (a hint) and a constant byte offset added to the address
  private mem(align: number, offset: number): number[] {
    return [...uleb(align), ...uleb(offset)];
  }

  // --- variables and constants
  get(i: number): this { return this.op(0x20, ...uleb(i)); }
  set(i: number): this { return this.op(0x21, ...uleb(i)); }
  tee(i: number): this { return this.op(0x22, ...uleb(i)); }
  i32(v: number): this { return this.op(0x41, ...sleb(v)); }
  f32(v: number): this { return this.op(0x43, ...new Uint8Array(new Float32Array([v]).buffer)); }

  // --- i32 arithmetic and comparison
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  shl(): this { return this.op(0x74); }
  divU(): this { return this.op(0x6e); }
  gtS(): this { return this.op(0x4a); }
  ne(): this { return this.op(0x47); }
  /** Pops c, b, a; pushes c ? a : b. */
  select(): this { return this.op(0x1b); }
  /** Calls function `index` of the module (functions are numbered in {@link buildModule} order). */
  call(index: number): this { return this.op(0x10, ...uleb(index)); }
  eqz(): this { return this.op(0x45); }
  ltS(): this { return this.op(0x48); }
  geS(): this { return this.op(0x4e); }
  /** Unsigned less-than: a negative index compares as huge, so `i <u n` is a bounds check. */
  ltU(): this { return this.op(0x49); }
  eq(): this { return this.op(0x46); }
  and(): this { return this.op(0x71); }
  or(): this { return this.op(0x72); }

  // --- scalar memory
  f32Load(offset = 0): this { return this.op(0x2a, ...this.mem(2, offset)); }
  f32Store(offset = 0): this { return this.op(0x38, ...this.mem(2, offset)); }
  f32Add(): this { return this.op(0x92); }
  f32Mul(): this { return this.op(0x94); }
  i32Load(offset = 0): this { return this.op(0x28, ...this.mem(2, offset)); }
  i32Store(offset = 0): this { return this.op(0x36, ...this.mem(2, offset)); }
  /** Scalar f32 comparisons (push an i32 0/1); NaN compares false except with `f32Ne`. */
  f32Gt(): this { return this.op(0x5e); }
  f32Ne(): this { return this.op(0x5c); }
  f32Eq(): this { return this.op(0x5b); }
  f64Store(offset = 0): this { return this.op(0x39, ...this.mem(3, offset)); }
  f64Load(offset = 0): this { return this.op(0x2b, ...this.mem(3, offset)); }
  f32Sub(): this { return this.op(0x93); }
  f32Div(): this { return this.op(0x95); }
  /** NaN-propagating max (-0 < +0), like `f32x4.max`. */
  f32Max(): this { return this.op(0x97); }
  f32Min(): this { return this.op(0x96); }
  f32DemoteF64(): this { return this.op(0xb6); }
  f64Add(): this { return this.op(0xa0); }
  f64PromoteF32(): this { return this.op(0xbb); }
  /** The bits of an i32 read as an f32 (how float arguments cross the pool's integer-only job words). */
  f32ReinterpretI32(): this { return this.op(0xbe); }

  // --- SIMD (f32x4)
  v128Load(offset = 0): this { return this.simd(0x00, ...this.mem(4, offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, ...this.mem(4, offset)); }
  /** Loads one f32 and splats it to all four lanes (`v128.load32_splat`). */
  load32Splat(offset = 0): this { return this.simd(0x09, ...this.mem(2, offset)); }
  /** The zero vector. */
  v128Zero(): this { return this.simd(0x0c, ...new Array<number>(16).fill(0)); }
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4ExtractLane(lane: number): this { return this.simd(0x1f, lane); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Mul(): this { return this.simd(0xe6); }
  f32x4Max(): this { return this.simd(0xe9); }
  f32x4Min(): this { return this.simd(0xe8); }
  f32x4Div(): this { return this.simd(0xe7); }
  /** Lane-wise a > b as all-ones / all-zeros lanes (false for NaN). */
  f32x4Gt(): this { return this.simd(0x44); }
  v128And(): this { return this.simd(0x4e); }
  v128Or(): this { return this.simd(0x50); }
  /** Pops a, b, mask; pushes (a & mask) | (b & ~mask). */
  v128Bitselect(): this { return this.simd(0x52); }
  /** Lane-wise a == b / a != b as all-ones or all-zeros lanes (NaN: eq false, ne true). */
  f32x4Eq(): this { return this.simd(0x41); }
  f32x4Ne(): this { return this.simd(0x42); }
  /** Four i32 lanes as a constant. */
  i32x4Const(lanes: readonly [number, number, number, number]): this {
    return this.simd(0x0c, ...new Uint8Array(new Int32Array(lanes).buffer));
  }
  i32x4Splat(): this { return this.simd(0x11); }
  /** Round to nearest, ties to even (`f32x4.nearest`). */
  f32x4Nearest(): this { return this.simd(0x6a); }
  /** f32 lanes to i32, saturating (NaN → 0). */
  i32x4TruncSatF32x4S(): this { return this.simd(0xf8); }
  i32x4Sub(): this { return this.simd(0xb1); }
  /** Pops a vector and an i32 shift count. */
  i32x4Shl(): this { return this.simd(0xab); }
  i32x4ShrS(): this { return this.simd(0xac); }
  /** The two low f32 lanes widened to an f64x2 (`f64x2.promote_low_f32x4`). */
  f64x2PromoteLowF32x4(): this { return this.simd(0x5f); }
  f64x2Add(): this { return this.simd(0xf0); }
  f64x2ExtractLane(lane: number): this { return this.simd(0x21, lane); }
  i32x4Add(): this { return this.simd(0xae); }
  /** Picks 16 bytes out of the 32 of two vectors (`lanes` are byte indices 0–31). */
  i8x16Shuffle(lanes: readonly number[]): this { return this.simd(0x0d, ...lanes); }
  /** Relaxed SIMD fused (or not) multiply-add: a·b + c (`f32x4.relaxed_madd`). */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }

  // --- control flow (blocks carry no values here: blocktype 0x40 = empty)
  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  if(): this { return this.op(0x04, 0x40); }
  else(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }

  /**
   * `for (i = from; i < to; i += step) body()` where `from`/`to` push an i32. Emits
   * block { loop { br_if exit (i >= to); body; i += step; br loop } }: inside `body`, depth 0 is
   * the loop and depth 1 the exit block. A `step` of 0 leaves the increment to `body`.
   */
  for(i: number, from: () => void, to: () => void, step: number, body: () => void): this {
    from();
    this.set(i);
    this.block().loop();
    this.get(i);
    to();
    this.geS().brIf(1);
    body();
    if (step !== 0) this.get(i).i32(step).add().set(i);
    this.br(0).end().end();
    return this;
  }

  /** The encoded body: local declarations, instructions, `end`. */
  encode(): number[] {
    // locals are run-length encoded as (count, type) groups
    const groups: number[][] = [];
    for (let i = 0; i < this.locals.length; ) {
      let j = i;
      while (j < this.locals.length && this.locals[j] === this.locals[i]) j++;
      groups.push([...uleb(j - i), this.locals[i]!]);
      i = j;
    }
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** Memory import settings: a module imports `env.memory`, shared when `shared` is set. */
export interface MemoryImport { minPages: number; maxPages: number; shared: boolean }

/**
 * Assembles a module that imports one memory (`env.memory`) and exports the given functions by
 * name, each with its own function type.
 */
export function buildModule(memory: MemoryImport, functions: readonly { name: string; fn: FunctionBuilder }[]): Uint8Array<ArrayBuffer> {
  const types = functions.map(({ fn }) => [0x60, ...vec(fn.params.map((p) => [p])), ...vec(fn.results.map((r) => [r]))]);
  // limits flag: 0x01 = has max, 0x03 = has max and shared (threads proposal)
  const limits = [memory.shared ? 0x03 : 0x01, ...uleb(memory.minPages), ...uleb(memory.maxPages)];
  const name = (s: string) => [...uleb(utf8(s).length), ...utf8(s)];
  const imports = vec([[...name('env'), ...name('memory'), 0x02, ...limits]]);
  const funcs = vec(functions.map((_, i) => uleb(i)));
  const exports = vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const code = vec(functions.map(({ fn }) => fn.encode()));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
