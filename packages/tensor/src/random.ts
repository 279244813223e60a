/**
 * Random numbers: a counter-based Philox-4x32-10 generator on the host. The same seed gives the
 * same numbers on every device because values are generated here and uploaded (a backend's own
 * `random` primitive must reproduce this stream to be used instead).
 * @packageDocumentation
 */
import { ValueError } from './errors.js';

const M0 = 0xd2511f53, M1 = 0xcd9e8d57, W0 = 0x9e3779b9, W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32. */
function mulhi(a: number, b: number): number {
  const aHi = a >>> 16, aLo = a & 0xffff, bHi = b >>> 16, bLo = b & 0xffff;
  const lolo = aLo * bLo;
  const mid1 = aHi * bLo;
  const mid2 = aLo * bHi;
  const carry = ((lolo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}

/** One Philox-4x32-10 block: 4 uint32 outputs for a 128-bit counter and 64-bit key. */
export function philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    const n0 = (hi1 ^ c1 ^ k0) >>> 0, n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/** torch.Generator: a seed plus a counter offset into the Philox stream. */
export class Generator {
  private seedLo = 0;
  private seedHi = 0;
  private initial = 0;
  /** Number of 128-bit blocks consumed so far. */
  offset = 0;

  constructor(seed = 67280421310721) {
    this.manualSeed(seed);
  }

  /** Sets the seed and resets the stream (returns this, like PyTorch). */
  manualSeed(seed: number | bigint): this {
    const s = BigInt(seed);
    if (s < 0n) throw new ValueError(`manualSeed: seed must be non-negative, got ${seed}`);
    this.initial = Number(s);
    this.seedLo = Number(s & 0xffffffffn);
    this.seedHi = Number((s >> 32n) & 0xffffffffn);
    this.offset = 0;
    return this;
  }

  /** The seed this generator was last seeded with. */
  initialSeed(): number {
    return this.initial;
  }

  /** Re-seeds from a non-deterministic source and returns the new seed. */
  seed(): number {
    const s = Math.floor(Math.random() * 2 ** 52);
    this.manualSeed(s);
    return s;
  }

  /** Serializable state (seed and offset), restored by `setState`. */
  getState(): { seed: number; offset: number } {
    return { seed: this.initial, offset: this.offset };
  }

  /** Restores a state captured by `getState`. */
  setState(state: { seed: number; offset: number }): this {
    this.manualSeed(state.seed);
    this.offset = state.offset;
    return this;
  }

  /** `n` uniform uint32 values, advancing the counter. */
  nextUint32(n: number): Uint32Array {
    const blocks = Math.ceil(n / 4);
    const out = new Uint32Array(blocks * 4);
    const tmp = new Uint32Array(4);
    for (let b = 0; b < blocks; b++) {
      const ctr = this.offset + b;
      philox(ctr >>> 0, Math.floor(ctr / 2 ** 32) >>> 0, 0, 0, this.seedLo, this.seedHi, tmp);
      out.set(tmp, b * 4);
    }
    this.offset += blocks;
    return n === out.length ? out : out.subarray(0, n);
  }

  /** `n` uniform doubles in [0, 1) with 53 random bits each. */
  uniform(n: number): Float64Array {
    const u = this.nextUint32(2 * n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = ((u[2 * i]! >>> 5) * 67108864 + (u[2 * i + 1]! >>> 6)) / 9007199254740992;
    return out;
  }

  /** `n` standard normal doubles (Box–Muller on pairs of uniforms). */
  normal(n: number): Float64Array {
    const m = n + (n & 1);
    const u = this.uniform(m);
    const out = new Float64Array(n);
    for (let i = 0; i < m; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - u[i]!));
      const th = 2 * Math.PI * u[i + 1]!;
      out[i] = r * Math.cos(th);
      if (i + 1 < n) out[i + 1] = r * Math.sin(th);
    }
    return out;
  }
}

/** The global generator behind rand/randn/… and nn.init (torch.default_generator). */
export const defaultGenerator = new Generator();

/** torch.manual_seed: seeds the global generator. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** torch.initial_seed. */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

/** torch.seed: re-seeds the global generator non-deterministically. */
export function seed(): number {
  return defaultGenerator.seed();
}

/** torch.get_rng_state / set_rng_state analogues. */
export function getRngState(): { seed: number; offset: number } {
  return defaultGenerator.getState();
}
export function setRngState(state: { seed: number; offset: number }): void {
  defaultGenerator.setState(state);
}
