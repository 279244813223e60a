import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  arange, autogradHooks, createCpuBackend, getPrintOptions, installAutogradHooks, registerBackend, setPrintOptions, tensor,
  type DType, type PrintOptions, type Tensor,
} from '../src/index.js';
import { formatExp, formatFixed } from '../src/print.js';

interface Case {
  name: string; shape: number[]; dtype: DType; data?: (number | boolean | string)[]; arange?: number;
  transpose?: boolean; requiresGrad?: boolean; gradFn?: string;
  options?: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' };
  repr: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/print.json', import.meta.url), 'utf8')) as { cases: Case[] };
const dec = (v: number | boolean | string): number | boolean => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number | boolean));

/** Makes `t.gradFn` return a stand-in node named `name` (the real nodes come from @kiln/autograd). */
function withGradFn(t: Tensor, name: string): void {
  const prev = autogradHooks();
  const node = { name: () => name };
  installAutogradHooks({ ...prev, gradFn: (x) => (x === t ? node : prev.gradFn(x)), requiresGrad: (x) => x === t || prev.requiresGrad(x) });
  restore.push(() => installAutogradHooks(prev));
}
const restore: (() => void)[] = [];

afterEach(() => {
  setPrintOptions({ profile: 'default' });
  while (restore.length) restore.pop()!();
});

function build(c: Case): Tensor {
  let t = c.arange !== undefined
    ? arange(c.arange, { dtype: c.dtype })
    : tensor(c.data!.map(dec), { dtype: c.dtype });
  t = t.reshape(c.shape);
  if (c.requiresGrad) t.requiresGrad_(true);
  if (c.transpose) t = t.t();
  if (c.gradFn) withGradFn(t, c.gradFn);
  return t;
}

describe('printing: repr against PyTorch', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const t = build(c);
      if (c.options) setPrintOptions(c.options);
      expect(t.toString()).toBe(c.repr);
    });
  }
});

describe('printing: Kiln specifics', () => {
  it('util.inspect and template strings use the same text', () => {
    const t = tensor([[1, 2]], { dtype: 'float32' });
    expect(inspect(t)).toBe('tensor([[1., 2.]])');
    expect(`${t}`).toBe('tensor([[1., 2.]])');
  });

  it('setPrintOptions resets sciMode unless given, as torch.set_printoptions does', () => {
    setPrintOptions({ sciMode: true, precision: 3 });
    expect(getPrintOptions()).toMatchObject({ sciMode: true, precision: 3 });
    setPrintOptions({ linewidth: 100 });
    expect(getPrintOptions()).toMatchObject({ sciMode: null, precision: 3, linewidth: 100 });
  });

  it('a device without synchronous reads prints a placeholder instead of blocking or throwing', () => {
    const cpu = createCpuBackend();
    const asyncOnly = Object.assign(Object.create(cpu) as typeof cpu, { readSync: undefined, name: 'async-only' });
    registerBackend('asynconly', asyncOnly);
    const t = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64', device: 'asynconly' });
    // suffixes wrap at linewidth exactly as PyTorch's _add_suffixes does
    expect(t.toString()).toBe("tensor(<not read: await t.data()>, device='asynconly:0', size=(2, 3),\n       dtype=torch.float64)");
  });

  it('a disposed tensor prints without throwing', () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(t.toString()).toBe('tensor(<disposed>, size=(2,))');
  });

  it("number formatting matches Python's format() (ties to even, two-digit exponents)", () => {
    // Values from Python 3: '{:.4f}'.format(v) / '{:.4e}'.format(v) / '{:.0f}'.format(v)
    expect(formatFixed(1.03125, 4)).toBe('1.0312');
    expect(formatFixed(0.5, 0)).toBe('0');
    expect(formatFixed(1.5, 0)).toBe('2');
    expect(formatFixed(-0, 4)).toBe('-0.0000');
    expect(formatFixed(1e22, 0)).toBe('10000000000000000000000');
    expect(formatExp(123456, 4)).toBe('1.2346e+05');
    expect(formatExp(1e-100, 4)).toBe('1.0000e-100');
    expect(formatExp(0, 4)).toBe('0.0000e+00');
    expect(formatExp(-0.000103125, 3)).toBe('-1.031e-04');
  });
});
