/**
 * Shared settings of the property-based tests of parsers (test/fuzz/): how many cases each property
 * runs and from which seed, and the one rule every parser of outside input must keep.
 *
 *   FUZZ_RUNS  cases per property (default 400, so `npm test` stays quick; `npm run fuzz` sets 10000)
 *   FUZZ_SEED  the seed (fixed by default, so runs are reproducible; fast-check prints it, and the
 *              path of the shrunk counterexample, when a property fails)
 */
import assert from 'node:assert/strict';
import fc, { type Parameters } from 'fast-check';
import { MnistLabError } from '../../src/util/errors.js';

function envInt(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name}=${text}: expected an integer >= ${min}`);
  return value;
}

export const FUZZ_RUNS = envInt('FUZZ_RUNS', 400, 1);
export const FUZZ_SEED = envInt('FUZZ_SEED', 20_240_611, -(2 ** 31));

/** fast-check parameters for one property; `share` scales the run count for slower properties. */
export function fuzzParams<T>(share = 1): Parameters<T> {
  return {
    numRuns: Math.max(1, Math.round(FUZZ_RUNS * share)),
    seed: FUZZ_SEED,
    // fast-check's report (seed, path, shrunk counterexample) plus the error itself, which node:test
    // would otherwise hide in the error's `cause`.
    reporter: (details) => {
      if (!details.failed) return;
      const cause = details.errorInstance;
      const text = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
      throw new Error(`${fc.defaultReportMessage(details)}\nGot error: ${text.slice(0, 2000)}`);
    },
  };
}

/** A time a node:test case may take at most: generous, only there to turn a hang into a failure. */
export function testTimeout(share = 1): number {
  return 60_000 + Math.ceil(FUZZ_RUNS * share) * 50;
}

/** Longest time one generated input may take: far above what any does, so only a hang trips it. */
const CASE_LIMIT_MS = 10_000;

/** The outcome of a parse that kept the rule: the value, or the user error it refused the input with. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: MnistLabError };

/**
 * How a refusal's message is laid out: 'one' line (the project's rule for user errors), or 'each'
 * line a separate mistake (the schema-checked files: spec.json, checkpoint .json, experiments), every
 * line starting with `where`.
 */
export type MessageLayout = 'one' | 'each';

/**
 * Runs `parse` on one generated input and checks the rule: it returns, or throws a MnistLabError
 * whose message is one line (starting with `where`, when given). Any other exception is rethrown,
 * so fast-check reports it with the input, shrunk, and the seed.
 */
export function parseOrRefuse<T>(parse: () => T, where?: string, layout: MessageLayout = 'one'): Outcome<T> {
  const start = performance.now();
  try {
    return { ok: true, value: parse() };
  } catch (err) {
    if (!(err instanceof MnistLabError)) throw err;
    if (layout === 'one') assertUserMessage(err.message, where);
    else for (const line of err.message.split('\n')) assertUserMessage(line, where);
    return { ok: false, error: err };
  } finally {
    const ms = performance.now() - start;
    assert.ok(ms < CASE_LIMIT_MS, `one input took ${Math.round(ms)} ms (a hang?)`);
  }
}

/** A user error's message: non-empty, one line, not a wall of text, naming what it is about. */
export function assertUserMessage(message: string, where?: string): void {
  assert.ok(message.length > 0, 'empty message');
  assert.ok(!/[\n\r]/.test(message), `message spans lines: ${JSON.stringify(message.slice(0, 300))}`);
  assert.ok(message.length <= 1000, `message of ${message.length} characters: ${message.slice(0, 300)}...`);
  if (where !== undefined) assert.ok(message.startsWith(where), `message does not start with ${where}: ${JSON.stringify(message.slice(0, 300))}`);
}
/**
 * The largest Buffer the Node-side code (zlib, pngjs, our parsers) asks for while `fn` runs, so a
 * test can show a parser refused a huge declared size before allocating anything of that size.
 */
export function largestBufferAllocation(fn: () => void): number {
  let largest = 0;
  const originals = { alloc: Buffer.alloc, allocUnsafe: Buffer.allocUnsafe, allocUnsafeSlow: Buffer.allocUnsafeSlow };
  const spy = <F extends (size: number, ...rest: never[]) => Buffer>(original: F): F =>
    ((size: number, ...rest: never[]) => {
      largest = Math.max(largest, size);
      return original.call(Buffer, size, ...rest);
    }) as F;
  Buffer.alloc = spy(originals.alloc);
  Buffer.allocUnsafe = spy(originals.allocUnsafe);
  Buffer.allocUnsafeSlow = spy(originals.allocUnsafeSlow);
  try {
    fn();
  } finally {
    Object.assign(Buffer, originals);
  }
  return largest;
}
