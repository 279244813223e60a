/** Shared test helpers: fixture loading and closeness checks with useful failure messages. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Reads a JSON fixture from test/fixtures. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** Asserts |a - e| <= rtol * |e| + atol elementwise, naming the first mismatch. */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[], rtol: number, atol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= rtol * Math.abs(e) + atol)) {
      expect.fail(`${what}[${i}]: got ${a}, PyTorch ${e} (|diff| ${Math.abs(a - e)}, allowed ${rtol * Math.abs(e) + atol})`);
    }
  }
}
