/**
 * The "Op coverage" table of this package's README is generated from the code
 * (tools/op-table: every registered op run on the CPU device per dtype, WebGPU cells from the
 * backend's capabilities and overrides). This test regenerates it in memory and fails when the
 * README's copy is stale, so a new op, override or dtype rule cannot land without the table.
 * No GPU needed: the WebGPU backend's override keys are read from a backend built over an inert
 * stand-in device.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

/**
 * The parts of tools/op-table/probe.ts this test uses. The module is imported by a computed path
 * because a static import would pull the tools' relative imports of every package's sources into
 * this package's type-check, outside its rootDir (tools/op-table/tsconfig.json type-checks it).
 */
type Status = 'K' | 'F' | 'C' | 'V' | '—' | '?' | 'E';
interface OpTable {
  rows: { name: string; cpu: Record<string, Status>; webgpu: Record<string, Status>; via: string[] }[];
  webgpuDtypes: string[];
  webgpuOverrides: string[];
  unusedWebgpuOverrides: string[];
  problems: string[];
}
interface ProbeModule {
  buildOpTable(): OpTable;
  renderOpTable(t: OpTable): string;
  currentRegion(readme: string): string | null;
}
const probePath = fileURLToPath(new URL('../../../tools/op-table/probe.ts', import.meta.url));

describe('op table (README "Op coverage")', () => {
  let probe: ProbeModule;
  let table: OpTable;
  beforeAll(async () => {
    probe = (await import(/* @vite-ignore */ probePath)) as ProbeModule;
    table = probe.buildOpTable();
  });

  it('has a sample for every op, and every sample runs or fails with a typed dtype error', () => {
    expect(table.problems, 'fix tools/op-table/samples.ts').toEqual([]);
  });

  it('classifies known ops as the code defines them', () => {
    const row = (name: string) => table.rows.find((r) => r.name === name)!;
    // a binary primitive, a view, a decomposition, and an op bool does not take
    expect(row('mul')).toMatchObject({ cpu: { float32: 'K', float64: 'K', int32: 'K' }, via: ['binary'] });
    expect(row('permute').cpu).toEqual({ float32: 'V', float64: 'V', int32: 'V', bool: 'V' });
    expect(row('softmax').cpu.float64).toBe('C');
    expect(row('relu').cpu.bool).toBe('—');
    // the table follows createWebGPUBackend's overrides: each key that names an op is fused there
    for (const key of table.webgpuOverrides.filter((k) => !table.unusedWebgpuOverrides.includes(k))) {
      expect(Object.values(row(key).webgpu), key).toContain('F');
    }
    expect(table.webgpuDtypes).not.toContain('float64');
  });

  it('matches the README region (run `pnpm op-table` to regenerate it)', () => {
    const region = probe.currentRegion(readFileSync(README, 'utf8'));
    expect(region, 'packages/backend-webgpu/README.md has no <!-- op-table:start/end --> region: run `pnpm op-table`').not.toBeNull();
    expect(region === probe.renderOpTable(table), 'the op table in packages/backend-webgpu/README.md is stale: run `pnpm op-table`').toBe(true);
  });
});
