/**
 * Helpers shared by the runnable examples: "run main() when this file is executed directly" and
 * reading `--flag value` options.
 */
import { pathToFileURL } from 'node:url';

/** True when `metaUrl` is the script node was started with (Python's `if __name__ == '__main__'`). */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && metaUrl === pathToFileURL(entry).href;
}

/** The value of `--name value` on the command line, or `fallback`. */
export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
