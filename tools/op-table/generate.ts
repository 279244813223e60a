/**
 * `pnpm op-table`: regenerates the op × dtype × backend table in packages/backend-webgpu/README.md
 * (the region between `<!-- op-table:start -->` and `<!-- op-table:end -->`, under "## Op
 * coverage") from the code — see probe.ts for how each cell is derived.
 *
 * Usage (from the repo root):
 *   node --conditions=@kiln/source --import tsx tools/op-table/generate.ts           write the README region
 *   node --conditions=@kiln/source --import tsx tools/op-table/generate.ts --check   exit 1 if it is stale
 *
 * Exits 1 (and writes nothing) when an op has no sample or a sample fails with an error other
 * than an unsupported dtype: fix tools/op-table/samples.ts first.
 * @packageDocumentation
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpTable, currentRegion, renderOpTable, replaceRegion } from './probe.js';

const README = fileURLToPath(new URL('../../packages/backend-webgpu/README.md', import.meta.url));

const table = buildOpTable();
if (table.problems.length) {
  console.error(`op-table: ${table.problems.length} problem(s), README not written:\n  ${table.problems.join('\n  ')}`);
  process.exit(1);
}
const body = renderOpTable(table);
const readme = readFileSync(README, 'utf8');
if (process.argv.includes('--check')) {
  const fresh = currentRegion(readme) === body;
  console.log(fresh ? 'op-table: README is up to date' : 'op-table: README is stale; run `pnpm op-table`');
  process.exit(fresh ? 0 : 1);
}
const next = replaceRegion(readme, body);
if (next !== readme) writeFileSync(README, next);
console.log(`op-table: ${table.rows.length} rows (${table.webgpuOverrides.length} WebGPU overrides) ${next === readme ? 'unchanged' : 'written'} in ${README}`);
// the CPU backend's worker pool (if a sample started it) must not keep the process alive
process.exit(0);
