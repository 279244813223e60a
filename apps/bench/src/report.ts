/**
 * The benchmark summary (what results/latest.json holds) and its text table: median ms per
 * contender and the ratio Kiln/peer (below 1 = Kiln is faster), plus GFLOP/s where a case has a
 * flop count, and the targets.
 * @packageDocumentation
 */

/** The summary of a whole run. */
export interface Summary {
  date: string;
  rounds: number;
  cores: number;
  cpu: string;
  contenders: Record<string, Record<string, unknown>>;
  cases: { id: string; label: string; flops?: number | undefined; ms: Record<string, number>; na: Record<string, string> }[];
}

/** The performance targets of issue 8, checked against the summary. */
export const TARGETS: { id: string; text: string; check: (ms: Record<string, number>) => number | null; limit: number }[] = [
  { id: 'matmul-1024', text: 'matmul 1024²: tfjs-wasm / kiln ≥ 2.5', check: (m) => (m['tfjs-wasm'] && m.kiln ? m['tfjs-wasm'] / m.kiln : null), limit: 2.5 },
  { id: 'conv2d-fwd', text: 'conv2d fwd: tfjs-wasm / kiln ≥ 2', check: (m) => (m['tfjs-wasm'] && m.kiln ? m['tfjs-wasm'] / m.kiln : null), limit: 2 },
  { id: 'cnn-step', text: 'CNN step: kiln / pytorch ≤ 1.5', check: (m) => (m.pytorch && m.kiln ? m.kiln / m.pytorch : null), limit: -1.5 },
  { id: 'mlp-step', text: 'MLP step: kiln ms ≤ 1', check: (m) => m.kiln ?? null, limit: -1 },
];

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** Renders the summary as an aligned text table. */
export function formatTable(s: Summary): string {
  const names = Object.keys(s.contenders);
  const peers = names.filter((n) => n !== 'kiln');
  const head = ['case', ...names.map((n) => `${n} ms`), 'kiln GFLOP/s', ...peers.map((p) => `kiln/${p}`)];
  // long "not applicable" reasons become numbered notes under the table
  const notes: string[] = [];
  const note = (why: string) => {
    const short = why.length <= 12 ? why : `n/a [${(notes.indexOf(why) + 1 || notes.push(why))}]`;
    return short;
  };
  const rows = s.cases.map((c) => {
    const k = c.ms.kiln;
    return [
      c.label,
      ...names.map((n) => (c.ms[n] !== undefined ? fmtMs(c.ms[n]!) : c.na[n] !== undefined ? note(c.na[n]!) : '—')),
      k && c.flops ? (c.flops / k / 1e6).toFixed(1) : '',
      ...peers.map((p) => (k && c.ms[p] ? (k / c.ms[p]!).toFixed(2) + '×' : 'n/a')),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  notes.forEach((why, i) => out.push(`  [${i + 1}] ${why}`));
  out.push('', 'targets:');
  for (const t of TARGETS) {
    const c = s.cases.find((x) => x.id === t.id);
    const v = c ? t.check(c.ms) : null;
    const met = v === null ? 'not measured' : (t.limit > 0 ? v >= t.limit : v <= -t.limit) ? 'met' : 'NOT met';
    out.push(`  ${t.text}: ${v === null ? '—' : v.toFixed(2)} (${met})`);
  }
  return out.join('\n');
}
