/**
 * `mnist-lab train`'s flags as a RunSpec. The flags change a base spec: the champion's defaults
 * (DEFAULT_RECIPE on sepnet-8k), or the file given with --spec. Whatever a flag leaves alone stays
 * as the base has it, so `--spec exp.json --seed 6` is experiment exp with another seed.
 */
import { resolve } from 'node:path';
import { DEFAULT_RECIPE, type OptimizerName, type Recipe, type SchedulerName } from '../train/recipe.js';
import { RUN_SPEC_FORMAT, validateRunSpec, type BackendName, type BestMetric, type RunSpec } from '../train/run-spec.js';
import { MnistLabError } from '../util/errors.js';

/** The champion under 8k parameters (experiments/12-sepnet-8k), trained by `npm start`. */
export const DEFAULT_MODEL = 'sepnet-8k';

export interface TrainFlags {
  spec?: string;
  printSpec?: boolean;
  model?: string;
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
  folds?: number;
  fold?: number;
  seed?: number;
  threads?: number;
  backend?: BackendName;
  out?: string;
  resume?: string;
  dataDir?: string;
  limitTrain?: number;
  limitTest?: number;
  bestMetric?: BestMetric;
}

/** What `train` runs with no flags at all: the champion, seed 1, the bundled MNIST. */
export function defaultRunSpec(): RunSpec {
  return {
    format: RUN_SPEC_FORMAT,
    model: { name: DEFAULT_MODEL, config: {} },
    recipe: structuredClone(DEFAULT_RECIPE) as Recipe,
    data: { dir: null, limitTrain: null, limitTest: null, valSplit: 0, splitSeed: null },
    seed: 1,
    threads: null,
    backend: 'wasm',
    bestMetric: null,
    outDir: null,
  };
}

/** The base recipe with every recipe flag the user gave applied on top. */
export function recipeFromFlags(f: TrainFlags, base: Readonly<Recipe> = DEFAULT_RECIPE): Recipe {
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
    // A different schedule starts from its own defaults, not from the base schedule's fields.
    scheduler: f.scheduler && f.scheduler !== base.scheduler.name ? { name: f.scheduler } : { ...base.scheduler },
    augmentation: {
      ...a,
      ...(f.rotation !== undefined && { rotation: f.rotation }),
      ...(f.interpolation && { interpolation: f.interpolation }),
      ...(f.erasing !== undefined && { erasing: { p: f.erasing } }),
      ...(f.augmentUntil !== undefined && { untilEpoch: f.augmentUntil }),
    },
    labelSmoothing: f.labelSmoothing ?? base.labelSmoothing,
    ...emaFromFlags(f.ema, f.updateBn, base.ema),
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
  return r;
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

/** `--folds K --fold I` holds out fold I; `--folds K` alone is cross-validation, which the caller loops over. */
function foldsFromFlags(f: TrainFlags, base: RunSpec): Pick<RunSpec['data'], 'folds'> {
  if (f.fold !== undefined && f.folds === undefined && !base.data.folds) throw new MnistLabError(`--fold ${f.fold} needs --folds K: which partition is it a fold of?`);
  const k = f.folds ?? base.data.folds?.k;
  if (k === undefined) return {};
  return { folds: { k, fold: f.fold ?? (f.folds === undefined ? base.data.folds!.fold : 1) } };
}

/**
 * The spec the flags make on top of `base`. The result is validated, so a bad combination is one
 * line per mistake naming the spec field (`recipe.scheduler.maxLr must be > 0, got -1`).
 */
export function specFromFlags(f: TrainFlags, base: RunSpec = defaultRunSpec()): RunSpec {
  const modelChanged = f.model !== undefined && f.model !== base.model.name;
  const config = modelChanged ? {} : { ...base.model.config };
  if (f.dropout !== undefined) config.dropout = f.dropout;
  const spec: RunSpec = {
    format: RUN_SPEC_FORMAT,
    model: { name: f.model ?? base.model.name, config },
    recipe: recipeFromFlags(f, base.recipe),
    data: {
      dir: f.dataDir !== undefined ? resolve(f.dataDir) : base.data.dir,
      limitTrain: f.limitTrain ?? base.data.limitTrain,
      limitTest: f.limitTest ?? base.data.limitTest,
      valSplit: f.valSplit ?? base.data.valSplit,
      splitSeed: f.splitSeed ?? base.data.splitSeed,
      ...foldsFromFlags(f, base),
    },
    seed: f.seed ?? base.seed,
    threads: f.threads ?? base.threads,
    backend: f.backend ?? base.backend,
    bestMetric: f.bestMetric ?? base.bestMetric,
    outDir: f.out !== undefined ? resolve(f.out) : base.outDir,
  };
  return validateRunSpec(spec, f.spec ?? 'train');
}
