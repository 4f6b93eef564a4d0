/**
 * MultiStepLR (torch.optim.lr_scheduler.MultiStepLR 1.13): multiplies each group's lr by gamma
 * when the epoch count reaches a milestone; a milestone listed k times multiplies by gamma^k.
 * Options: milestones, gamma (default 0.1), lastEpoch (last_epoch, default -1).
 * State dict: `milestones` is the sorted list with repeats (PyTorch pickles a Counter, which JSON cannot hold).
 */
import { MnistLabError } from '../../util/errors.js';
import type { Optimizer } from '../optimizer.js';
import type { SchedulerStateDict, StateDictReader } from '../state-dict.js';
import { LRScheduler } from './lr-scheduler.js';

export interface MultiStepLROptions {
  milestones: readonly number[];
  gamma?: number;
  lastEpoch?: number;
}

export class MultiStepLR extends LRScheduler {
  readonly stepsPerBatch = false;
  gamma: number;
  /** Milestone -> how many times it was listed. */
  private milestoneCounts = new Map<number, number>();

  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    super(optimizer, options.lastEpoch ?? -1);
    this.setMilestones(options.milestones);
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  get milestones(): number[] {
    const out: number[] = [];
    for (const [m, count] of this.milestoneCounts) for (let k = 0; k < count; k++) out.push(m);
    return out.sort((a, b) => a - b);
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const count = this.milestoneCounts.get(this.lastEpoch);
    if (count === undefined) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** count);
  }

  protected configState(): SchedulerStateDict {
    return { milestones: this.milestones, gamma: this.gamma };
  }

  protected loadConfigState(r: StateDictReader): void {
    const milestones = r.numbers('milestones');
    const gamma = r.number('gamma');
    this.setMilestones(milestones);
    this.gamma = gamma;
  }

  private setMilestones(milestones: readonly number[]): void {
    const counts = new Map<number, number>();
    for (const m of milestones) {
      if (!Number.isInteger(m) || m < 0) throw new MnistLabError(`MultiStepLR: milestones must be non-negative integers, got ${m}`);
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    this.milestoneCounts = counts;
  }
}
