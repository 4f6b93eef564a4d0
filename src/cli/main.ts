#!/usr/bin/env node
/**
 * The mnist-lab command line. A user's mistake (bad flag, missing file, unknown model) prints one
 * line and exits with code 2; anything else is a bug and keeps its stack trace.
 */
import { Command, CommanderError } from 'commander';
import { MnistLabError } from '../util/errors.js';
import { mnistLabVersion } from '../util/version.js';
import { addTrainCommand } from './commands/train.js';
import { addEvalCommand } from './commands/eval.js';
import { addSummaryCommand } from './commands/summary.js';
import { addModelsCommand } from './commands/models.js';
import { addPredictCommand } from './commands/predict.js';
import { addExperimentsCommand } from './commands/experiments.js';
import { addSweepCommand } from './commands/sweep.js';
import { addServeCommand } from './commands/serve.js';
import { addExportCommand } from './commands/export.js';
import { addWorkerCommand } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command();
  // Commander shares one output configuration between a program and its subcommands, so this one
  // hook formats every parse error: one line, with where to look for help.
  const oneLine = (str: string, write: (s: string) => void): void =>
    write(str.startsWith('error: ') ? `mnist-lab: ${str.slice(7).trimEnd()} (add --help for usage)\n` : str);
  program
    .name('mnist-lab')
    .description('Design, train and compare tiny CNNs on MNIST: a PyTorch-like engine in TypeScript with WebAssembly SIMD kernels.')
    .version(mnistLabVersion())
    .exitOverride()
    .configureOutput({ outputError: oneLine });
  addTrainCommand(program);
  addEvalCommand(program);
  addSummaryCommand(program);
  addModelsCommand(program);
  addPredictCommand(program);
  addExperimentsCommand(program);
  addSweepCommand(program);
  addServeCommand(program);
  addExportCommand(program);
  addWorkerCommand(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
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
