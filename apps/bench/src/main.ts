/**
 * `pnpm bench`: runs every contender (Kiln, tfjs-cpu, tfjs-wasm, PyTorch when
 * `/usr/bin/python3 -c 'import torch'` works) as its own process, interleaved over several rounds,
 * takes the median per case across rounds, prints a table with Kiln/peer time ratios and writes
 * JSON to `results/latest.json`.
 *
 * Options: `--rounds N` (default 3; tfjs-cpu, ~100× slower than the rest, runs in the first round
 * only), `--cases id,id`, `--contenders kiln,tfjs-wasm,…`.
 * @packageDocumentation
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES, RESULT_PREFIX, type ContenderReport } from './cases.js';
import { median } from './measure.js';
import { formatTable, type Summary } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PYTHON = '/usr/bin/python3';

/** A contender process; `maxRounds` caps the very slow ones (tfjs-cpu runs at ~1 GFLOP/s). */
interface Contender { name: string; cmd: string; args: (cases: string[]) => string[]; maxRounds?: number }

const tsx = ['--import', 'tsx'];
// tfjs-core's gradients are extensionless ES modules: see contenders/tfjs-resolve.mjs
const tfjs = ['--import', join(here, 'contenders/tfjs-resolve.mjs'), ...tsx];
const ALL: Contender[] = [
  // the built packages (dist), as users get them and as tfjs comes from npm; KILN_BENCH_SOURCE=1 runs
  // the TypeScript sources through tsx instead (~15 % more per-op overhead: tsx keeps function names)
  { name: 'kiln', cmd: process.execPath, args: (c) => [...(process.env.KILN_BENCH_SOURCE === '1' ? ['--conditions=@kiln/source'] : []), ...tsx, join(here, 'contenders/kiln.ts'), ...c] },
  { name: 'tfjs-cpu', cmd: process.execPath, args: (c) => [...tfjs, join(here, 'contenders/tfjs.ts'), 'cpu', ...c], maxRounds: 1 },
  { name: 'tfjs-wasm', cmd: process.execPath, args: (c) => [...tfjs, join(here, 'contenders/tfjs.ts'), 'wasm', ...c] },
  { name: 'pytorch', cmd: PYTHON, args: (c) => [join(here, 'contenders/torch_bench.py'), ...c] },
];

function hasTorch(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function runContender(c: Contender, cases: string[]): ContenderReport | null {
  const r = spawnSync(c.cmd, c.args(cases), { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20, timeout: 20 * 60_000 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (!line) {
    process.stderr.write(`  ${c.name}: no result (exit ${r.status})\n${(r.stderr ?? '').split('\n').slice(-8).join('\n')}\n`);
    return null;
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as ContenderReport;
}

function main(): void {
  const rounds = Number(arg('rounds') ?? 3);
  const cases = arg('cases')?.split(',') ?? CASES.map((c) => c.id);
  const wanted = arg('contenders')?.split(',');
  let contenders = ALL.filter((c) => !wanted || wanted.includes(c.name));
  const torch = contenders.some((c) => c.name === 'pytorch') && hasTorch();
  if (!torch) contenders = contenders.filter((c) => c.name !== 'pytorch');
  console.log(`kiln bench: ${contenders.map((c) => c.name).join(', ')}${torch ? '' : ' (PyTorch not found)'}; ${rounds} round(s), ${cpus().length} cores`);
  if (contenders.some((c) => c.name === 'kiln') && process.env.KILN_BENCH_SOURCE !== '1' && !existsSync(join(root, '../../packages/tensor/dist/index.js'))) {
    throw new Error('kiln bench: the Kiln packages are not built. Run `pnpm bench` at the repo root (turbo builds them first), `pnpm build`, or set KILN_BENCH_SOURCE=1 to run the sources.');
  }

  const runs = new Map<string, ContenderReport[]>();
  for (let round = 1; round <= rounds; round++) {
    // interleave: every contender once per round, so slow drifts of machine load hit all alike
    for (const c of contenders) {
      if (round > (c.maxRounds ?? rounds)) continue;
      const t0 = performance.now();
      const rep = runContender(c, cases);
      console.log(`  round ${round}/${rounds} ${c.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      if (rep) runs.set(c.name, [...(runs.get(c.name) ?? []), rep]);
    }
  }

  const summary: Summary = { date: new Date().toISOString(), rounds, cores: cpus().length, cpu: cpus()[0]?.model ?? '', contenders: {}, cases: [] };
  for (const [name, reps] of runs) summary.contenders[name] = reps[0]!.info;
  for (const id of cases) {
    const c = CASES.find((x) => x.id === id);
    const row: Summary['cases'][number] = { id, label: c?.label ?? id, flops: c?.flops, ms: {}, na: {} };
    for (const [name, reps] of runs) {
      const times = reps.map((r) => r.results[id]).filter((r): r is { ms: number; runs: number } => !!r && 'ms' in r).map((r) => r.ms);
      if (times.length) row.ms[name] = median(times);
      else {
        const na = reps.map((r) => r.results[id]).find((r): r is { na: string } => !!r && 'na' in r);
        row.na[name] = na?.na ?? 'n/a';
      }
    }
    summary.cases.push(row);
  }

  console.log('\n' + formatTable(summary));
  const out = join(root, 'results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(summary, null, 2) + '\n');
  console.log(`\nJSON: ${out}`);
}

main();
