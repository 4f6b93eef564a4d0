/**
 * CosineAnnealingLR (torch.optim.lr_scheduler.CosineAnnealingLR 1.13): anneals each group's lr
 * from its initialLr to etaMin over tMax epochs along half a cosine, then (if stepped further)
 * back up, as PyTorch does. It uses PyTorch's recursive form (what step() produces there), which
 * follows the closed form eta_min + (initial_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2 as long
 * as nothing else touches lr. Options: tMax (T_max), etaMin (eta_min, default 0), lastEpoch (last_epoch, default -1).
 */
import { MnistLabError } from '../../util/errors.js';
import type { Optimizer } from '../optimizer.js';
import type { SchedulerStateDict, StateDictReader } from '../state-dict.js';
import { LRScheduler } from './lr-scheduler.js';

export interface CosineAnnealingLROptions {
  tMax: number;
  etaMin?: number;
  lastEpoch?: number;
}

export class CosineAnnealingLR extends LRScheduler {
  readonly stepsPerBatch = false;
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer, options.lastEpoch ?? -1);
    if (!(options.tMax > 0)) throw new MnistLabError(`CosineAnnealingLR: tMax must be > 0, got ${options.tMax}`);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { lastEpoch: t, tMax, etaMin } = this;
    if (t === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      // Created with lastEpoch > -1: start from the closed form.
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2);
    }
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      // One step past a minimum the ratio below would be 0/0; PyTorch steps up by the first increment instead.
      return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected configState(): SchedulerStateDict {
    return { T_max: this.tMax, eta_min: this.etaMin };
  }

  protected loadConfigState(r: StateDictReader): void {
    const tMax = r.number('T_max');
    const etaMin = r.number('eta_min');
    this.tMax = tMax;
    this.etaMin = etaMin;
  }
}
