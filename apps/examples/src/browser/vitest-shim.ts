/**
 * Just enough of vitest's API (`describe`, `it`, `it.skip`, `ctx.skip`, `beforeAll`, `afterAll`)
 * to run `@kiln/tensor/testing`'s conformance suite in a browser page. Vite aliases `vitest` to
 * this file for the browser bundles only (see vite.config.ts). Tests are collected when the
 * suite registers them and run, in order, by {@link runCollected}.
 */

type Fn = () => void | Promise<void>;
/** What a test body receives: `ctx.skip(reason)` ends it as skipped. */
export interface TestContext {
  skip(reason?: string): never;
}
type TestFn = (ctx: TestContext) => void | Promise<void>;

interface Block {
  name: string;
  beforeAll: Fn[];
  afterAll: Fn[];
  children: (Block | Test)[];
}
interface Test {
  name: string;
  fn: TestFn | null; // null: declared with it.skip
}

/** One finished test. */
export interface TestResult {
  name: string;
  state: 'pass' | 'fail' | 'skip';
  error?: string;
  ms: number;
}

const root: Block = { name: '', beforeAll: [], afterAll: [], children: [] };
let current = root;

class SkipSignal extends Error {}

export function describe(name: string, body: () => void): void {
  const block: Block = { name, beforeAll: [], afterAll: [], children: [] };
  current.children.push(block);
  const parent = current;
  current = block;
  try {
    body();
  } finally {
    current = parent;
  }
}

function itImpl(name: string, fn: TestFn): void {
  current.children.push({ name, fn });
}
export const it = Object.assign(itImpl, {
  skip(name: string, _fn?: TestFn): void {
    current.children.push({ name, fn: null });
  },
});
export const test = it;

export function beforeAll(fn: Fn): void {
  current.beforeAll.push(fn);
}
export function afterAll(fn: Fn): void {
  current.afterAll.push(fn);
}

const ctx: TestContext = {
  skip(reason?: string): never {
    throw new SkipSignal(reason ?? 'skipped');
  },
};

/**
 * Runs the collected tests in declaration order (only those whose full name contains `filter`,
 * when given); `onResult` sees each as it finishes.
 */
export async function runCollected(onResult: (r: TestResult) => void = () => {}, filter: string | null = null): Promise<TestResult[]> {
  const results: TestResult[] = [];
  const run = async (block: Block, prefix: string): Promise<void> => {
    const path = block.name ? (prefix ? `${prefix} > ${block.name}` : block.name) : prefix;
    for (const f of block.beforeAll) await f();
    try {
      for (const child of block.children) {
        if ('children' in child) {
          await run(child, path);
          continue;
        }
        const name = path ? `${path} > ${child.name}` : child.name;
        if (filter && !name.includes(filter)) continue;
        const t0 = performance.now();
        let r: TestResult;
        if (!child.fn) r = { name, state: 'skip', ms: 0 };
        else {
          try {
            await child.fn(ctx);
            r = { name, state: 'pass', ms: performance.now() - t0 };
          } catch (e) {
            r = e instanceof SkipSignal
              ? { name, state: 'skip', error: e.message, ms: performance.now() - t0 }
              : { name, state: 'fail', error: e instanceof Error ? e.message : String(e), ms: performance.now() - t0 };
          }
        }
        results.push(r);
        onResult(r);
      }
    } finally {
      for (const f of block.afterAll) await f();
    }
  };
  await run(root, '');
  root.children.length = 0;
  return results;
}
