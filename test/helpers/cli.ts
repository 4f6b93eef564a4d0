/** The mnist-lab CLI as a user runs it: a child process, its exit code and what it prints. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './fixtures.js';

export const cliPath = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mnist-lab ARGS...` to the end (from the repository root unless `cwd` says otherwise). */
export function runCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', cwd: options.cwd ?? repoRoot, timeout: options.timeoutMs ?? 240_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A user's mistake: exit code 2, one line on stderr marked `mnist-lab:`, matching `pattern`, no stack trace. */
export function assertUserError(r: Pick<CliResult, 'code' | 'stderr'>, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.match(lines[0]!, /^mnist-lab: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}
