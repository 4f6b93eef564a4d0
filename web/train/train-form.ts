/**
 * The Train page's choices and the RunSpec they make. The page only builds a spec: what trains is
 * the library's Trainer, and the same spec runs in Node with `mnist-lab train --spec spec.json`.
 */
import { DEFAULT_RECIPE, type OptimizerName, type Recipe, type SchedulerRecipe } from '../../src/train/recipe.js';
import { RUN_SPEC_FORMAT, type RunSpec } from '../../src/train/run-spec.js';

export type ScheduleChoice = 'onecycle' | 'cosine' | 'none';

export interface TrainChoices {
  model: string;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** The optimizer's lr; with OneCycle, the lr that the schedule's peak (maxLr) overrides. */
  lr: number;
  /** SGD's momentum. */
  momentum: number;
  schedule: ScheduleChoice;
  /** OneCycle's peak lr. */
  maxLr: number;
  /** RandomRotation's ±degrees; 0: no augmentation. */
  rotation: number;
  ema: boolean;
  emaDecay: number;
  /** The first N training images (the training subset). */
  trainImages: number;
  /** The first N test images, evaluated after every epoch. */
  testImages: number;
  seed: number;
}

/** The champion's recipe (what `mnist-lab train` uses) on a subset, for a run of about a minute. */
export const DEFAULT_CHOICES: Readonly<TrainChoices> = {
  model: 'sepnet-8k',
  epochs: 3,
  batchSize: DEFAULT_RECIPE.batchSize,
  optimizer: DEFAULT_RECIPE.optimizer.name,
  lr: DEFAULT_RECIPE.optimizer.lr,
  momentum: DEFAULT_RECIPE.optimizer.momentum ?? 0.9,
  schedule: 'onecycle',
  maxLr: DEFAULT_RECIPE.scheduler.maxLr ?? 0.1,
  rotation: DEFAULT_RECIPE.augmentation.rotation ?? 0,
  ema: true,
  emaDecay: 0.99,
  trainImages: 10_000,
  testImages: 10_000,
  seed: 1,
};

function scheduler(c: TrainChoices): SchedulerRecipe {
  switch (c.schedule) {
    case 'onecycle':
      return { ...DEFAULT_RECIPE.scheduler, name: 'onecycle', maxLr: c.maxLr };
    case 'cosine':
      return { name: 'cosine', etaMin: 0 };
    case 'none':
      return { name: 'none' };
  }
}

export function recipeOf(c: TrainChoices): Recipe {
  const optimizer = c.optimizer === 'sgd'
    ? { name: c.optimizer, lr: c.lr, momentum: c.momentum, nesterov: false, weightDecay: 0 }
    : { name: c.optimizer, lr: c.lr };
  return {
    epochs: c.epochs,
    batchSize: c.batchSize,
    optimizer,
    scheduler: scheduler(c),
    augmentation: c.rotation > 0 ? { rotation: c.rotation, interpolation: 'nearest' } : {},
    labelSmoothing: 0,
    ...(c.ema && { ema: { decay: c.emaDecay } }),
  };
}

/** The spec of these choices: bundled MNIST (from the server), no validation split, every core. */
export function specOf(c: TrainChoices): RunSpec {
  return {
    format: RUN_SPEC_FORMAT,
    model: { name: c.model, config: {} },
    recipe: recipeOf(c),
    data: { dir: null, limitTrain: c.trainImages, limitTest: c.testImages, valSplit: 0, splitSeed: null },
    seed: c.seed,
    threads: null,
    backend: 'wasm',
    bestMetric: null,
    outDir: null,
  };
}
