/** Optimizers and learning-rate schedulers, with PyTorch 1.13's formulas and state-dict layout. */
export { Optimizer, type ParamGroup, type ParamGroupInput, type ParamsInput, type Hyperparameters } from './optimizer.js';
export { SGD, type SGDOptions, type SGDParamGroup } from './sgd.js';
export { Adam, type AdamOptions, type AdamParamGroup } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { ExponentialMovingAverage, type ExponentialMovingAverageState } from './ema.js';
export {
  type OptimizerStateDict,
  type SchedulerStateDict,
  type SavedParamGroup,
  type OptimizerStateValue,
  type JsonValue,
  optimizerStateDictToJson,
} from './state-dict.js';
export type { Scheduler } from './lr-scheduler/scheduler.js';
export { LRScheduler } from './lr-scheduler/lr-scheduler.js';
export { StepLR, type StepLROptions } from './lr-scheduler/step-lr.js';
export { MultiStepLR, type MultiStepLROptions } from './lr-scheduler/multi-step-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './lr-scheduler/cosine-annealing-lr.js';
export { OneCycleLR, type OneCycleLROptions, type AnnealStrategy } from './lr-scheduler/one-cycle-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions, type PlateauMode, type ThresholdMode } from './lr-scheduler/reduce-lr-on-plateau.js';
