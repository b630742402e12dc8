// What both differential tests (diff.mjs, responses.mjs) take from the command line: `--n`,
// `--seed` and the Rust dump binary they compare against (`--bin`, else an environment
// variable, else built with `cargo build --example NAME` in $CARGO_TARGET_DIR or <repo>/target).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The value after `name` on the command line, else `fallback`. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** The run's size and seed: `--n` (else $DIFF_N, else 1000) and `--seed` (else $DIFF_SEED). */
export function runSettings(defaultSeed) {
  return {
    N: Number(arg('--n', process.env.DIFF_N ?? '1000')),
    SEED: Number(arg('--seed', process.env.DIFF_SEED ?? String(defaultSeed))),
  };
}

/** The path of the `example` dump binary: `--bin`, else `$envVar`, else built now. */
export function findBinary(example, envVar) {
  const given = arg('--bin', process.env[envVar]);
  if (given) return resolve(given);
  execFileSync('cargo', ['build', '--quiet', '--example', example], { cwd: repo, stdio: 'inherit' });
  const target = process.env.CARGO_TARGET_DIR ? resolve(repo, process.env.CARGO_TARGET_DIR) : join(repo, 'target');
  const bin = join(target, 'debug', 'examples', process.platform === 'win32' ? `${example}.exe` : example);
  if (!existsSync(bin)) throw new Error(`built ${example} not found at ${bin}`);
  return bin;
}
