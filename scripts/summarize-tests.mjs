// Sums the JSON reports every package's vitest run writes (test-results.json) into one line.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0, failed = 0, skipped = 0, suites = 0;
const problems = [];
for (const root of ['packages', 'apps']) {
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root)) {
    const file = join(root, name, 'test-results.json');
    if (!existsSync(join(root, name, 'package.json'))) continue;
    if (!existsSync(file)) { problems.push(`${root}/${name}: no test-results.json (suite did not run)`); continue; }
    const r = JSON.parse(readFileSync(file, 'utf8'));
    suites++;
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    if ((r.numFailedTestSuites ?? 0) > 0 && (r.numFailedTests ?? 0) === 0) failed += r.numFailedTestSuites;
  }
}
for (const p of problems) console.log(`[summary] ${p}`);
console.log(`kiln: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || problems.length > 0 ? 1 : 0);
