/** Reading a spec.json file (Node); the spec itself, and parsing its text, are in run-spec.ts. */
import { readFileSync, statSync } from 'node:fs';
import { MnistLabError } from '../util/errors.js';
import { parseRunSpec, type RunSpec } from './run-spec.js';

/** A spec.json is a few kilobytes; anything far larger is not one, and is refused before it is parsed. */
const MAX_SPEC_BYTES = 1 << 20;

/** Reads a spec.json file. */
export function readRunSpecFile(path: string): RunSpec {
  let text: string;
  try {
    if (statSync(path).size > MAX_SPEC_BYTES) throw new MnistLabError(`${path}: ${statSync(path).size} bytes is too large for a run spec (a spec is a few kilobytes)`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof MnistLabError) throw err;
    throw new MnistLabError(`${path}: cannot read the spec (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass a spec.json from a run folder or from --print-spec`);
  }
  return parseRunSpec(text, path);
}
