#!/usr/bin/env node
/**
 * Lints what each package would publish: `publint` (package.json fields against the packed files)
 * and `attw --pack --profile esm-only` (are the types right for every entry point). Run it after a
 * build (`pnpm build`); it exits non-zero when any package has a problem.
 *
 * Usage: node tools/publish/lint.mjs [package-dir-name …]   (default: every package in packages/)
 *
 * Why `--profile esm-only`: Kiln ships ESM only ("type": "module", no `require` condition), so
 * attw's `node10` and `node16 (from CJS)` resolutions cannot work by design; the profile skips
 * exactly those two and still checks `node16 (from ESM)` and `bundler`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Runs one linter in a package directory; returns whether it passed, printing its output if not. */
function check(label, cmd, args, cwd) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  const ok = result.status === 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}`);
  if (!ok) console.log(`${result.stdout}${result.stderr}`.trim().replace(/^/gm, '     '));
  return ok;
}

const packagesDir = join(root, 'packages');
const requested = process.argv.slice(2);
const names = requested.length > 0 ? requested : readdirSync(packagesDir).filter((d) => existsSync(join(packagesDir, d, 'package.json')));
let failures = 0;
for (const name of names) {
  const dir = join(packagesDir, name);
  if (!existsSync(join(dir, 'dist'))) {
    console.log(`FAIL ${name}: no dist/ — run \`pnpm build\` first`);
    failures++;
    continue;
  }
  if (!check(`publint ${name}`, bin('publint'), ['--strict'], dir)) failures++;
  if (!check(`attw ${name}`, bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--no-emoji', '--format', 'table-flipped'], dir)) failures++;
}
console.log(failures === 0 ? `publish lint: ${names.length} packages ok` : `publish lint: ${failures} problem(s)`);
process.exitCode = failures === 0 ? 0 : 1;
