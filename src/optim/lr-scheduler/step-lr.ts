/**
 * StepLR (torch.optim.lr_scheduler.StepLR 1.13): multiplies each group's lr by gamma every
 * stepSize epochs. Options: stepSize (PyTorch step_size), gamma (default 0.1), lastEpoch (last_epoch, default -1).
 */
import { MnistLabError } from '../../util/errors.js';
import type { Optimizer } from '../optimizer.js';
import type { SchedulerStateDict, StateDictReader } from '../state-dict.js';
import { LRScheduler } from './lr-scheduler.js';

export interface StepLROptions {
  stepSize: number;
  gamma?: number;
  lastEpoch?: number;
}

export class StepLR extends LRScheduler {
  readonly stepsPerBatch = false;
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer, options.lastEpoch ?? -1);
    if (!Number.isInteger(options.stepSize) || options.stepSize < 1) {
      throw new MnistLabError(`StepLR: stepSize must be a positive integer, got ${options.stepSize}`);
    }
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected configState(): SchedulerStateDict {
    return { step_size: this.stepSize, gamma: this.gamma };
  }

  protected loadConfigState(r: StateDictReader): void {
    const stepSize = r.integer('step_size');
    const gamma = r.number('gamma');
    this.stepSize = stepSize;
    this.gamma = gamma;
  }
}
