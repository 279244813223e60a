/**
 * `describeBackend`: the Backend conformance suite as vitest blocks. A backend is done when it
 * passes; anything it cannot do yet is skipped by test id with a reason that shows in the report.
 * @packageDocumentation
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { initDevice, registerBackend } from '../device.js';
import type { DType } from '../dtype.js';
import { Bench, rng } from './harness.js';
import type { Define, Suite } from './registrar.js';
import { registerDevice } from './suite-device.js';
import { registerElementwise } from './suite-elementwise.js';
import { registerMatmul } from './suite-matmul.js';
import { registerMemory } from './suite-memory.js';
import { registerReduce } from './suite-reduce.js';

/** Options of {@link describeBackend}. */
export interface DescribeBackendOptions {
  /** Test id → reason. The test is reported as skipped with `id — reason`. */
  skip?: Record<string, string>;
  /**
   * Dtypes to test (default: all four). Dtypes missing from the backend's `capabilities.dtypes`
   * are skipped at run time with that reason, so a float32-only backend needs no option.
   */
  dtypes?: readonly DType[];
}

let suites = 0;

/**
 * Registers the conformance suite for a backend: every primitive of the Backend contract for every
 * dtype against a plain-JS oracle, then a few public tensor ops on a device backed by it compared
 * with the CPU device.
 *
 * ```ts
 * import { describeBackend } from '@kiln/tensor/testing';
 * describeBackend('webgpu', () => createWebGpuBackend(), { skip: { 'cast/float64->float32': 'no f64 on GPUs' } });
 * ```
 */
export function describeBackend(name: string, factory: () => Backend | Promise<Backend>, options: DescribeBackendOptions = {}): void {
  const skip = options.skip ?? {};
  const wanted = options.dtypes;
  const deviceType = `conformance-${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${++suites}`;
  const used = new Set<string>();
  let backend: Backend | null = null;

  describe(`Backend conformance: ${name}`, () => {
    beforeAll(async () => {
      backend = await factory();
      registerBackend(deviceType, async () => backend!);
      await initDevice(deviceType);
    });
    afterAll(() => backend?.flush());

    const define: Define = (id, needs, body) => {
      const need: readonly DType[] = needs === null ? [] : typeof needs === 'string' ? [needs] : needs;
      if (used.has(id)) throw new Error(`describeBackend: duplicate test id ${id}`);
      used.add(id);
      const reason = skip[id];
      if (reason !== undefined) {
        it.skip(`${id} — ${reason}`, () => {});
        return;
      }
      it(id, async (ctx) => {
        const b = backend!;
        const missing = need.filter((d) => !b.capabilities.dtypes.includes(d));
        if (missing.length) ctx.skip(`${id} — ${b.name} does not list ${missing.join(', ')} in capabilities.dtypes`);
        const bench = new Bench(b, rng(id));
        try {
          await body(bench, need[0] ?? 'float32');
        } finally {
          bench.dispose();
        }
      });
    };
    const suite: Suite = {
      define,
      dtypes: (list) => (wanted ? list.filter((d) => wanted.includes(d)) : [...list]),
    };

    describe('storage, layout and strided writes', () => registerMemory(suite));
    describe('elementwise', () => registerElementwise(suite));
    describe('reductions, scans and sort', () => registerReduce(suite));
    describe('matmul', () => registerMatmul(suite));
    describe('tensor ops on a device backed by it', () => registerDevice(suite, () => deviceType));

    // a skip naming no test is a typo that would silently keep a test skipped forever
    it('skip ids name existing tests', () => {
      const unknown = Object.keys(skip).filter((id) => !used.has(id));
      if (unknown.length) throw new Error(`describeBackend(${name}): skip names unknown test ids: ${unknown.join(', ')}`);
    });
  });
}
