/**
 * What a training loop needs to drive any learning-rate scheduler, ReduceLROnPlateau included
 * (which, as in PyTorch 1.13, is not an LRScheduler: it reacts to a metric instead of a step count).
 *
 * Trainer contract:
 *   - stepsPerBatch true  (OneCycleLR): call step() after every optimizer.step().
 *   - stepsPerBatch false (the others): call step() once at the end of each epoch.
 *   - needsMetric true (ReduceLROnPlateau): pass the monitored value, step(valLoss).
 */
import type { SchedulerStateDict } from '../state-dict.js';

export interface Scheduler {
  readonly stepsPerBatch: boolean;
  readonly needsMetric: boolean;
  step(metric?: number): void;
  /** The lr of each param group as this scheduler last set it. */
  getLastLr(): readonly number[];
  /** A JSON-safe snapshot (PyTorch's field names). */
  stateDict(): SchedulerStateDict;
  loadStateDict(sd: SchedulerStateDict): void;
}
