/** `mnist-lab train`: builds a RunSpec from flags (or reads one with --spec), or resumes a run, and runs it. */
import { Command, Option } from 'commander';
import { join, resolve } from 'node:path';
import { DEFAULT_RECIPE } from '../../train/recipe.js';
import { formatRunSpec, type RunSpec } from '../../train/run-spec.js';
import { readRunSpecFile } from '../../train/run-spec-file.js';
import { runSpec } from '../../run/run.js';
import { planResume, type ResumePlan } from '../../run/resume.js';
import { MnistLabError } from '../../util/errors.js';
import { choice, nonNegativeInt, numberList, positiveInt, positiveNumber, probability, number, wholeInRange } from '../options.js';
import { crossValidate } from '../../run/cross-validate.js';
import { withInterrupt } from '../interrupt.js';
import { DEFAULT_MODEL, specFromFlags, type TrainFlags } from '../train-flags.js';

export { DEFAULT_MODEL };

function timestamp(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function addTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a model from the zoo on MNIST (or any IDX set), writing history, checkpoints and a summary')
    .option('--spec <file>', 'run this spec.json (from a run folder or --print-spec); the other flags change it')
    .option('--print-spec', 'print the spec that these flags make, and exit without training')
    .option('-m, --model <name>', `model from the zoo (see \`mnist-lab models\`; default ${DEFAULT_MODEL})`)
    .option('-e, --epochs <n>', `epochs (default ${DEFAULT_RECIPE.epochs})`, positiveInt('--epochs'))
    .option('-b, --batch-size <n>', `batch size (default ${DEFAULT_RECIPE.batchSize})`, positiveInt('--batch-size'))
    .addOption(new Option('--optimizer <name>', 'optimizer (default sgd)').argParser(choice('--optimizer', ['sgd', 'adam', 'adamw'] as const)))
    .option('--lr <x>', `learning rate (default ${DEFAULT_RECIPE.optimizer.lr})`, positiveNumber('--lr'))
    .option('--momentum <x>', 'SGD momentum (default 0.9)', number('--momentum', (n) => n >= 0 && n < 1, 'a number in [0, 1)'))
    .option('--nesterov', 'use Nesterov momentum')
    .option('--weight-decay <x>', 'weight decay', number('--weight-decay', (n) => n >= 0, 'a number >= 0'))
    .addOption(new Option('--scheduler <name>', 'lr schedule (default onecycle)').argParser(choice('--scheduler', ['none', 'onecycle', 'step', 'multistep', 'cosine', 'plateau'] as const)))
    .option('--max-lr <x>', `OneCycle peak lr (default ${DEFAULT_RECIPE.scheduler.maxLr})`, positiveNumber('--max-lr'))
    .option('--pct-start <x>', 'OneCycle warm-up fraction (default 0.3)', number('--pct-start', (n) => n > 0 && n < 1, 'a number in (0, 1)'))
    .option('--step-size <n>', 'StepLR: epochs between decays', positiveInt('--step-size'))
    .option('--gamma <x>', 'StepLR/MultiStepLR decay factor', positiveNumber('--gamma'))
    .option('--milestones <list>', 'MultiStepLR epochs, e.g. 8,12', numberList('--milestones'))
    .option('--rotation <deg>', `RandomRotation degrees, 0 to disable (default ${DEFAULT_RECIPE.augmentation.rotation})`, number('--rotation', (n) => n >= 0 && n <= 180, 'degrees in [0, 180]'))
    .option('--affine-degrees <deg>', 'RandomAffine rotation degrees', number('--affine-degrees', (n) => n >= 0 && n <= 180, 'degrees in [0, 180]'))
    .option('--translate <x,y>', 'RandomAffine max shift as fractions, e.g. 0.1,0.1', numberList('--translate', 2))
    .option('--scale <lo,hi>', 'RandomAffine scale range, e.g. 0.9,1.1', numberList('--scale', 2))
    .option('--shear <deg>', 'RandomAffine shear degrees', number('--shear', (n) => n >= 0, 'degrees >= 0'))
    .option('--erasing <p>', 'RandomErasing probability (cutout)', probability('--erasing'))
    .addOption(new Option('--interpolation <mode>', 'augmentation interpolation').argParser(choice('--interpolation', ['nearest', 'bilinear'] as const)))
    .option('--augment-until <epoch>', 'augment epochs 1 to N only; later epochs train on the plain images (default: every epoch)', nonNegativeInt('--augment-until'))
    .option('--label-smoothing <x>', 'label smoothing (default 0)', probability('--label-smoothing'))
    .option('--dropout <p>', "override the model's dropout probability", probability('--dropout'))
    .option('--ema <decay>', `evaluate and save an exponential moving average of the weights with this decay per step, 0 for none (default ${DEFAULT_RECIPE.ema?.decay ?? 0})`, number('--ema', (n) => n >= 0 && n < 1, 'a decay in [0, 1), e.g. 0.999'))
    .option('--update-bn', "with --ema: average the parameters only and recompute the average's BN statistics over the training images after each epoch (PyTorch's update_bn)")
    .option('--no-update-bn', 'with --ema: average the BN statistics with the weights')
    .option('--val-split <n>', 'training images held out for validation, seeded (default 0)', nonNegativeInt('--val-split'))
    .addOption(new Option('--best-metric <m>', 'metric that picks best.safetensors (default val_accuracy with a split, else test_accuracy)').argParser(choice('--best-metric', ['val_accuracy', 'val_loss', 'test_accuracy', 'test_loss'] as const)))
    .option('--folds <k>', 'k-fold cross-validation: hold out one of k seeded folds of the training images; without --fold, train every fold and report mean ± std', wholeInRange('--folds', 2, 100))
    .option('--fold <i>', 'with --folds: the fold to hold out, 1 to k', positiveInt('--fold'))
    .option('--split-seed <n>', 'seed of the validation split (default: --seed); fix it to compare seeds on one split', nonNegativeInt('--split-seed'))
    .option('-s, --seed <n>', 'seed for init, shuffling, augmentation and dropout (default 1)', nonNegativeInt('--seed'))
    .option('-t, --threads <n>', 'worker threads (default: every core; results do not depend on it)', positiveInt('--threads'))
    .addOption(new Option('--backend <name>', 'compute backend (default wasm)').argParser(choice('--backend', ['wasm', 'reference'] as const)))
    .option('-o, --out <dir>', 'output directory (default runs/<model>-<timestamp>)')
    .option('--resume <path>', "continue a run from its directory or last.json; its spec comes from the checkpoint (only --epochs, --threads, --out and --data-dir may change)")
    .option('--data-dir <dir>', 'IDX files to train on instead of the bundled MNIST (also torchvision MNIST/raw layouts)')
    .option('--limit-train <n>', 'use only the first N training images (quick runs)', positiveInt('--limit-train'))
    .option('--limit-test <n>', 'use only the first N test images (quick runs)', positiveInt('--limit-test'))
    .action(async (flags: TrainFlags) => {
      await runTrain(flags);
    });
}

/** Flags that a resumed run takes from its checkpoint, and so refuses. */
const FIXED_ON_RESUME: (keyof TrainFlags)[] = [
  'spec', 'model', 'batchSize', 'optimizer', 'lr', 'momentum', 'nesterov', 'weightDecay', 'scheduler', 'maxLr', 'pctStart', 'stepSize',
  'gamma', 'milestones', 'rotation', 'affineDegrees', 'translate', 'scale', 'shear', 'erasing', 'interpolation', 'augmentUntil',
  'labelSmoothing', 'dropout', 'ema', 'updateBn', 'valSplit', 'splitSeed', 'folds', 'fold', 'seed', 'backend', 'limitTrain', 'limitTest', 'bestMetric',
];

const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

async function runTrain(f: TrainFlags): Promise<void> {
  let spec: RunSpec;
  let resume: ResumePlan['resume'] | undefined;
  if (f.resume) {
    const fixed = FIXED_ON_RESUME.filter((k) => f[k] !== undefined);
    if (fixed.length) {
      throw new MnistLabError(`--resume continues the run as its checkpoint describes it; ${fixed.map(flagName).join(', ')} cannot change (start a new run with --spec DIR/spec.json to vary it)`);
    }
    ({ spec, resume } = planResume(f.resume, { epochs: f.epochs, threads: f.threads, outDir: f.out, dataDir: f.dataDir }));
    if (f.printSpec) return void process.stdout.write(formatRunSpec(spec));
  } else {
    spec = specFromFlags(f, f.spec ? readRunSpecFile(f.spec) : undefined);
    const allFolds = f.folds !== undefined && f.fold === undefined;
    if (f.printSpec) {
      if (allFolds) throw new MnistLabError(`--print-spec prints one run; with --folds ${f.folds} add --fold I (1 to ${f.folds}) to print that fold's`);
      return void process.stdout.write(formatRunSpec(spec));
    }
    if (spec.outDir === null) spec = { ...spec, outDir: resolve(join('runs', `${spec.model.name}-${timestamp()}`)) };
    if (allFolds) return crossValidateFromCli(spec, f.folds!);
  }
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const result = await withInterrupt((signal) => runSpec(spec, { log, progressStream: process.stderr, signal, resume }));
  const last = result.history.at(-1);
  if (result.interrupted) {
    log(`Stopped after ${result.epochsCompleted} epoch(s). Resume with: mnist-lab train --resume ${spec.outDir}`);
  } else if (last) {
    log(`Done: best ${result.best.metric} ${result.best.value?.toFixed(2)} at epoch ${result.best.epoch}; ${last.testAccuracy === null ? '' : `final test accuracy ${last.testAccuracy.toFixed(2)}%. `}Files in ${spec.outDir}`);
  }
}

/** `--folds K` without `--fold`: every fold, then the score table. */
async function crossValidateFromCli(spec: RunSpec, k: number): Promise<void> {
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const cv = await withInterrupt((signal) => crossValidate(spec, k, { log, progressStream: process.stderr, signal }));
  const pct = (v: number): string => `${v.toFixed(3)}%`;
  log('');
  log(`Cross-validation, ${k} folds, validation accuracy over the last ${cv.lastEpochs} epochs:`);
  for (const f of cv.folds) log(`  fold ${f.fold}: ${pct(f.score)}  (${f.outDir})`);
  if (cv.folds.length) log(`  mean ${pct(cv.mean)}${cv.std === null ? '' : ` ± ${cv.std.toFixed(3)} (sample std over ${cv.folds.length} folds)`}; written to ${join(spec.outDir!, 'folds.json')}`);
  if (cv.interrupted) log(`Stopped during fold ${cv.folds.length + 1}; resume it with: mnist-lab train --resume ${join(spec.outDir!, `fold-${cv.folds.length + 1}`)}`);
}
