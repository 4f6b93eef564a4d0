/**
 * A training recipe: every hyperparameter of a run in one plain, JSON-serializable block (the
 * airbench style), so a run's config.json, a checkpoint and an experiment file all say the same
 * thing, and the builders below turn it into optimizer, scheduler and augmentation objects.
 */
import type { Parameter } from '../nn/parameter.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { Adam } from '../optim/adam.js';
import { AdamW } from '../optim/adamw.js';
import type { Scheduler } from '../optim/lr-scheduler/scheduler.js';
import { OneCycleLR, type AnnealStrategy } from '../optim/lr-scheduler/one-cycle-lr.js';
import { StepLR } from '../optim/lr-scheduler/step-lr.js';
import { MultiStepLR } from '../optim/lr-scheduler/multi-step-lr.js';
import { CosineAnnealingLR } from '../optim/lr-scheduler/cosine-annealing-lr.js';
import { ReduceLROnPlateau } from '../optim/lr-scheduler/reduce-lr-on-plateau.js';
import type { Transform } from '../data/transforms/transform.js';
import { Compose } from '../data/transforms/compose.js';
import { Normalize } from '../data/transforms/normalize.js';
import { RandomRotation } from '../data/transforms/random-rotation.js';
import { RandomAffine } from '../data/transforms/random-affine.js';
import { RandomErasing } from '../data/transforms/random-erasing.js';

export type OptimizerName = 'sgd' | 'adam' | 'adamw';
export type SchedulerName = 'none' | 'onecycle' | 'step' | 'multistep' | 'cosine' | 'plateau';

export interface OptimizerRecipe {
  name: OptimizerName;
  lr: number;
  /** SGD only. */
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export interface SchedulerRecipe {
  name: SchedulerName;
  /** onecycle: the peak lr. */
  maxLr?: number;
  /** onecycle: fraction of the steps spent warming up. */
  pctStart?: number;
  annealStrategy?: AnnealStrategy;
  divFactor?: number;
  finalDivFactor?: number;
  /** step: epochs between decays; multistep: the epochs at which to decay. */
  stepSize?: number;
  milestones?: number[];
  gamma?: number;
  /** cosine: the floor lr. */
  etaMin?: number;
  /** plateau. */
  factor?: number;
  patience?: number;
}

export interface AugmentationRecipe {
  /** RandomRotation(±degrees); 0 disables it. */
  rotation?: number;
  /** RandomAffine; applied after rotation. */
  affine?: { degrees: number; translate?: [number, number]; scale?: [number, number]; shear?: number };
  /** RandomErasing (cutout); applied after normalization, as in torchvision pipelines. */
  erasing?: { p: number; scale?: [number, number]; ratio?: [number, number] };
  interpolation?: 'nearest' | 'bilinear';
  /**
   * Augment epochs 1 to untilEpoch only; later epochs train on the images as they are, so the last
   * epochs fit the distribution the test set has. Default: every epoch.
   */
  untilEpoch?: number;
}

export interface Recipe {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerRecipe;
  scheduler: SchedulerRecipe;
  augmentation: AugmentationRecipe;
  labelSmoothing: number;
  /**
   * Evaluate and save an exponential moving average of the weights (updated after every step)
   * instead of the raw weights; see optim/ema.ts.
   */
  ema?: {
    decay: number;
    /**
     * Average the parameters only, and after every epoch recompute the average's BN statistics
     * over the training images, unaugmented (PyTorch's update_bn, train/update-bn.ts). Without it
     * the BN statistics are averaged with the weights (AveragedModel's use_buffers=True).
     */
    updateBn?: boolean;
  };
}

/**
 * What `mnist-lab train` uses for every flag not given: the recipe of the champion, experiment 12
 * (SepGapNet-8k), which `npm start` trains. It is a copy, not a reference: recorded experiments
 * spell out their own recipes, so changing this default can never change one of them, and a test
 * (test/experiments/experiments.test.ts) checks that it still equals experiment 12's.
 */
export const DEFAULT_RECIPE: Readonly<Recipe> = {
  epochs: 15,
  batchSize: 64,
  optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0 },
  scheduler: { name: 'onecycle', maxLr: 0.1, pctStart: 0.3, annealStrategy: 'cos', divFactor: 25, finalDivFactor: 1e4 },
  augmentation: { rotation: 7, interpolation: 'nearest' },
  labelSmoothing: 0,
  ema: { decay: 0.999 },
};

export function buildOptimizer(r: OptimizerRecipe, params: Parameter[]): Optimizer {
  switch (r.name) {
    case 'sgd':
      return new SGD(params, { lr: r.lr, momentum: r.momentum ?? 0, nesterov: r.nesterov ?? false, weightDecay: r.weightDecay ?? 0 });
    case 'adam':
      return new Adam(params, { lr: r.lr, weightDecay: r.weightDecay ?? 0 });
    case 'adamw':
      return new AdamW(params, { lr: r.lr, weightDecay: r.weightDecay ?? 1e-2 });
  }
}

export function buildScheduler(r: SchedulerRecipe, optimizer: Optimizer, epochs: number, stepsPerEpoch: number): Scheduler | null {
  switch (r.name) {
    case 'none':
      return null;
    case 'onecycle':
      return new OneCycleLR(optimizer, {
        maxLr: r.maxLr ?? optimizer.paramGroups[0]!.lr,
        epochs,
        stepsPerEpoch,
        pctStart: r.pctStart,
        annealStrategy: r.annealStrategy,
        divFactor: r.divFactor,
        finalDivFactor: r.finalDivFactor,
      });
    case 'step':
      return new StepLR(optimizer, { stepSize: r.stepSize ?? 6, gamma: r.gamma ?? 0.1 });
    case 'multistep':
      return new MultiStepLR(optimizer, { milestones: r.milestones ?? [Math.floor(epochs / 2), Math.floor((3 * epochs) / 4)], gamma: r.gamma ?? 0.1 });
    case 'cosine':
      return new CosineAnnealingLR(optimizer, { tMax: epochs, etaMin: r.etaMin ?? 0 });
    case 'plateau':
      return new ReduceLROnPlateau(optimizer, { mode: 'min', factor: r.factor ?? 0.1, patience: r.patience ?? 2 });
  }
}

/** The training pipeline on a [0,1] image: geometric augmentation, then Normalize, then erasing. */
export function buildTrainTransform(a: AugmentationRecipe): Transform {
  const steps: Transform[] = [];
  const interpolation = a.interpolation ?? 'nearest';
  if (a.rotation) steps.push(new RandomRotation(a.rotation, { interpolation, fill: 0 }));
  if (a.affine) {
    steps.push(new RandomAffine(a.affine.degrees, { translate: a.affine.translate, scale: a.affine.scale, shear: a.affine.shear, interpolation, fill: 0 }));
  }
  steps.push(new Normalize());
  if (a.erasing && a.erasing.p > 0) steps.push(new RandomErasing({ p: a.erasing.p, scale: a.erasing.scale, ratio: a.erasing.ratio, value: 0 }));
  return steps.length === 1 ? steps[0]! : new Compose(steps);
}
