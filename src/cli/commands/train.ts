/** `mnist-lab train`: trains a zoo model with a recipe built from flags, or resumes a run. */
import { Command, Option } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createModel, getModelEntry } from '../../models/zoo.js';
import { manualSeed } from '../../tensor/random.js';
import { loadMnist } from '../../data/mnist.js';
import { DEFAULT_RECIPE, type Recipe, type OptimizerName, type SchedulerName, validateRecipe } from '../../train/recipe.js';
import { Trainer, type BestMetric } from '../../train/trainer.js';
import { locateCheckpoint, readWeights, type CheckpointDataSource, type CheckpointMeta } from '../../train/checkpoint.js';
import { collectSummary } from '../../report/model-summary.js';
import { formatSummaryTable } from '../../report/summary-table.js';
import { writeFileAtomicSync } from '../../util/atomic-write.js';
import { MnistLabError } from '../../util/errors.js';
import { mnistLabVersion } from '../../util/version.js';
import { choice, nonNegativeInt, numberList, positiveInt, positiveNumber, probability, number } from '../options.js';
import { defaultThreads, startBackend, type BackendName } from '../backend-setup.js';

/** The champion under 8k parameters (experiments/12-sepnet-8k), trained by `npm start`. */
export const DEFAULT_MODEL = 'sepnet-8k';

interface TrainFlags {
  model: string;
  epochs?: number;
  batchSize?: number;
  optimizer?: OptimizerName;
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  scheduler?: SchedulerName;
  maxLr?: number;
  pctStart?: number;
  stepSize?: number;
  gamma?: number;
  milestones?: number[];
  rotation?: number;
  affineDegrees?: number;
  translate?: number[];
  scale?: number[];
  shear?: number;
  erasing?: number;
  interpolation?: 'nearest' | 'bilinear';
  augmentUntil?: number;
  labelSmoothing?: number;
  dropout?: number;
  ema?: number;
  updateBn?: boolean;
  valSplit?: number;
  splitSeed?: number;
  seed?: number;
  threads: number;
  backend: BackendName;
  out?: string;
  resume?: string;
  dataDir?: string;
  limitTrain?: number;
  limitTest?: number;
  bestMetric?: BestMetric;
}

/** The default recipe with every flag the user gave applied on top. */
export function recipeFromFlags(f: TrainFlags, base: Recipe = DEFAULT_RECIPE): Recipe {
  const a = base.augmentation;
  const r: Recipe = {
    epochs: f.epochs ?? base.epochs,
    batchSize: f.batchSize ?? base.batchSize,
    optimizer: {
      ...base.optimizer,
      ...(f.optimizer && { name: f.optimizer }),
      ...(f.lr !== undefined && { lr: f.lr }),
      ...(f.momentum !== undefined && { momentum: f.momentum }),
      ...(f.nesterov !== undefined && { nesterov: f.nesterov }),
      ...(f.weightDecay !== undefined && { weightDecay: f.weightDecay }),
    },
    scheduler: f.scheduler && f.scheduler !== base.scheduler.name ? { name: f.scheduler } : { ...base.scheduler },
    augmentation: {
      ...a,
      ...(f.rotation !== undefined && { rotation: f.rotation }),
      ...(f.interpolation && { interpolation: f.interpolation }),
      ...(f.erasing !== undefined && { erasing: { p: f.erasing } }),
      ...(f.augmentUntil !== undefined && { untilEpoch: f.augmentUntil }),
    },
    labelSmoothing: f.labelSmoothing ?? base.labelSmoothing,
    ...(f.dropout !== undefined ? { dropout: f.dropout } : base.dropout !== undefined ? { dropout: base.dropout } : {}),
    ...emaFromFlags(f.ema, f.updateBn, base.ema),
    valSplit: f.valSplit ?? base.valSplit,
    ...(f.splitSeed !== undefined ? { splitSeed: f.splitSeed } : base.splitSeed !== undefined ? { splitSeed: base.splitSeed } : {}),
    seed: f.seed ?? base.seed,
  };
  const s = r.scheduler;
  if (f.maxLr !== undefined) s.maxLr = f.maxLr;
  if (f.pctStart !== undefined) s.pctStart = f.pctStart;
  if (f.stepSize !== undefined) s.stepSize = f.stepSize;
  if (f.gamma !== undefined) s.gamma = f.gamma;
  if (f.milestones !== undefined) s.milestones = f.milestones;
  if (f.affineDegrees !== undefined || f.translate || f.scale || f.shear !== undefined) {
    r.augmentation.affine = {
      degrees: f.affineDegrees ?? 0,
      ...(f.translate && { translate: f.translate as [number, number] }),
      ...(f.scale && { scale: f.scale as [number, number] }),
      ...(f.shear !== undefined && { shear: f.shear }),
    };
  }
  return validateRecipe(r, 'train');
}

/** `--ema 0` turns off an average the base recipe has; `--update-bn` and `--no-update-bn` set how its BN statistics are made. */
function emaFromFlags(flag: number | undefined, updateBnFlag: boolean | undefined, base: Recipe['ema']): Pick<Recipe, 'ema'> {
  const decay = flag ?? base?.decay ?? 0;
  const updateBn = updateBnFlag ?? base?.updateBn ?? false;
  if (decay === 0) {
    if (updateBnFlag) throw new MnistLabError('--update-bn recomputes the BN statistics of the weight average, but there is none; add --ema 0.999');
    return {};
  }
  return { ema: { decay, ...(updateBn && { updateBn: true }) } };
}

function timestamp(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function addTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a model from the zoo on MNIST (or any IDX set), writing history, checkpoints and a summary')
    .option('-m, --model <name>', 'model from the zoo (see `mnist-lab models`)', DEFAULT_MODEL)
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
    .option('--split-seed <n>', 'seed of the validation split (default: --seed); fix it to compare seeds on one split', nonNegativeInt('--split-seed'))
    .option('-s, --seed <n>', `seed for init, shuffling, augmentation and dropout (default ${DEFAULT_RECIPE.seed})`, nonNegativeInt('--seed'))
    .option('-t, --threads <n>', 'worker threads (default: every core)', positiveInt('--threads'), defaultThreads())
    .addOption(new Option('--backend <name>', 'compute backend').argParser(choice('--backend', ['wasm', 'reference'] as const)).default('wasm'))
    .option('-o, --out <dir>', 'output directory (default runs/<model>-<timestamp>)')
    .option('--resume <path>', 'continue a run from its directory or last.json; the recipe and the data flags come from the checkpoint')
    .option('--data-dir <dir>', 'IDX files to train on instead of the bundled MNIST (also torchvision MNIST/raw layouts)')
    .option('--limit-train <n>', 'use only the first N training images (quick runs)', positiveInt('--limit-train'))
    .option('--limit-test <n>', 'use only the first N test images (quick runs)', positiveInt('--limit-test'))
    .action(async (flags: TrainFlags) => {
      await runTrain(flags);
    });
}

async function runTrain(f: TrainFlags): Promise<void> {
  let recipe: Recipe;
  let modelName: string;
  let resumeMeta: CheckpointMeta | null = null;
  let resumeWeights: string | null = null;
  let outDir: string;
  if (f.resume) {
    const located = locateCheckpoint(f.resume, 'last');
    if (!located.meta) throw new MnistLabError(`--resume ${f.resume}: ${located.weights} has no metadata file beside it, so there is nothing to resume`);
    resumeMeta = located.meta;
    resumeWeights = located.weights;
    modelName = resumeMeta.model.name;
    recipe = { ...resumeMeta.recipe };
    if (f.epochs !== undefined && f.epochs !== recipe.epochs) {
      if (recipe.scheduler.name === 'onecycle') {
        throw new MnistLabError(`--epochs ${f.epochs}: this run's OneCycle schedule was laid out for ${recipe.epochs} epochs and cannot be extended; start a new run`);
      }
      recipe.epochs = f.epochs;
    }
    outDir = f.out ?? resolve(located.metaPath ? join(located.metaPath, '..') : f.resume);
    if (resumeMeta.epoch >= recipe.epochs) {
      throw new MnistLabError(`--resume ${f.resume}: the run already finished its ${recipe.epochs} epochs; pass --epochs to train further`);
    }
  } else {
    getModelEntry(f.model);
    modelName = f.model;
    recipe = recipeFromFlags(f);
    outDir = resolve(f.out ?? join('runs', `${modelName}-${timestamp()}`));
    if (existsSync(join(outDir, 'last.json'))) {
      throw new MnistLabError(`--out ${outDir} already holds a run; resume it with --resume ${outDir}, or choose another directory`);
    }
  }

  const engine = await startBackend(f.backend, f.threads);
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping at the end of this batch (Ctrl-C again to quit at once)...\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    manualSeed(recipe.seed);
    const modelConfig = recipe.dropout !== undefined ? { dropout: recipe.dropout } : {};
    const model = createModel(modelName, modelConfig);
    if (resumeWeights) model.loadStateDict(readWeights(resumeWeights));
    // A resumed run reads the images it started with unless the flags say otherwise.
    const saved = resumeMeta?.data;
    const dataSource: CheckpointDataSource = {
      dataDir: f.dataDir !== undefined ? resolve(f.dataDir) : saved?.dataDir ?? null,
      limitTrain: f.limitTrain ?? saved?.limitTrain ?? null,
      limitTest: f.limitTest ?? saved?.limitTest ?? null,
    };
    const data = loadMnist({
      dataDir: dataSource.dataDir ?? undefined, valSplit: recipe.valSplit, seed: recipe.splitSeed ?? recipe.seed,
      limit: { train: dataSource.limitTrain ?? undefined, test: dataSource.limitTest ?? undefined },
    });
    mkdirSync(outDir, { recursive: true });
    const summary = collectSummary(model);
    const summaryText = formatSummaryTable(summary);
    if (!resumeMeta) {
      writeFileAtomicSync(join(outDir, 'summary.txt'), `${summaryText}\n`);
      writeFileAtomicSync(join(outDir, 'config.json'), `${JSON.stringify({
        model: modelName, modelConfig, parameters: model.numParameters(), recipe,
        data: { source: data.source, train: data.train.n, val: data.val?.n ?? 0, test: data.test.n },
        backend: engine.name, threads: engine.threads, node: process.version, mnistLab: mnistLabVersion(),
      }, null, 1)}\n`);
    }
    const log = (line: string): void => void process.stdout.write(`${line}\n`);
    log(summaryText);
    log(`${resumeMeta ? `Resuming ${modelName} after epoch ${resumeMeta.epoch}` : `Training ${modelName}`} (${model.numParameters().toLocaleString('en-US')} params) on ${data.train.n} images` +
      `${data.val ? `, validating on ${data.val.n}` : ''}, testing on ${data.test.n}; ${engine.name} backend, ${engine.threads} thread(s); writing to ${outDir}`);
    const trainer = new Trainer({
      model, modelName, modelConfig, recipe, data, outDir, threads: engine.threads, log,
      progressStream: process.stderr, signal: controller.signal, resume: resumeMeta, dataSource,
      bestMetric: f.bestMetric ?? (resumeMeta?.best.metric as BestMetric | undefined),
    });
    const result = await trainer.run();
    const last = result.history[result.history.length - 1];
    if (result.interrupted) {
      log(`Stopped after ${result.epochsCompleted} epoch(s). Resume with: mnist-lab train --resume ${outDir}`);
    } else if (last) {
      log(`Done: best ${result.best.metric} ${result.best.value?.toFixed(2)} at epoch ${result.best.epoch}; final test accuracy ${last.testAccuracy.toFixed(2)}%. Files in ${outDir}`);
    }
  } finally {
    process.off('SIGINT', onSigint);
    engine.close();
  }
}
