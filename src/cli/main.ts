#!/usr/bin/env node
/**
 * The mnist-lab command line. A user's mistake (bad flag, missing file, unknown model) prints one
 * line and exits with code 2; anything else is a bug and keeps its stack trace.
 */
import { CommanderError } from 'commander';
import { MnistLabError } from '../util/errors.js';
import { buildProgram } from './program.js';

export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version "errors" are normal exits; parse errors were already printed as one line.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof MnistLabError) {
      // One line per mistake (a spec file can hold several), each marked as ours.
      process.stderr.write(err.message.split('\n').map((line) => `mnist-lab: ${line}\n`).join(''));
      return err.exitCode;
    }
    throw err;
  }
}

// `mnist-lab models | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await main(process.argv.slice(2));
process.exitCode = code;
