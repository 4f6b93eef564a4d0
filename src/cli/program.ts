/**
 * The mnist-lab program: commander's tree of commands, each command's module loaded only when the
 * command line names it.
 */
import { Command } from 'commander';
import { mnistLabVersion } from '../util/version.js';

type AddCommand = (program: Command) => void;

/**
 * Every command, in the order `--help` lists them, each loaded on demand. A command's module pulls in
 * what it runs (the engine, Fastify, BullMQ, protobufjs, the experiments...), and V8 keeps the heap it
 * grew while loading them: importing all ten cost `mnist-lab train` about 80 MB of peak RSS (issue 15).
 * So a command line that names one command loads only that one.
 */
const COMMANDS: readonly (readonly [name: string, load: () => Promise<AddCommand>])[] = [
  ['train', async () => (await import('./commands/train.js')).addTrainCommand],
  ['eval', async () => (await import('./commands/eval.js')).addEvalCommand],
  ['summary', async () => (await import('./commands/summary.js')).addSummaryCommand],
  ['models', async () => (await import('./commands/models.js')).addModelsCommand],
  ['predict', async () => (await import('./commands/predict.js')).addPredictCommand],
  ['experiments', async () => (await import('./commands/experiments.js')).addExperimentsCommand],
  ['sweep', async () => (await import('./commands/sweep.js')).addSweepCommand],
  ['serve', async () => (await import('./commands/serve.js')).addServeCommand],
  ['export', async () => (await import('./commands/export.js')).addExportCommand],
  ['worker', async () => (await import('./commands/worker.js')).addWorkerCommand],
];

/**
 * The program with the commands `argv` can reach: the one it names, or all of them when it names none
 * (`--help`, `--version`, a typo that commander should answer with the list).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
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
  const named = COMMANDS.find(([name]) => name === argv[0]);
  for (const [, load] of named ? [named] : COMMANDS) (await load())(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}
