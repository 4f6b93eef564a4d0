/**
 * ReduceLROnPlateau (torch.optim.lr_scheduler.ReduceLROnPlateau 1.13): multiplies each group's lr
 * by `factor` once the monitored metric has not improved for more than `patience` epochs, then
 * waits `cooldown` epochs before counting again. Call step(metric) once per epoch.
 *
 * "Improved" means, for mode 'min' (use 'max' for accuracy):
 *   thresholdMode 'rel': metric < best * (1 - threshold)      'abs': metric < best - threshold
 * A reduction that would change lr by eps or less is skipped; lr never goes below minLr.
 *
 * Option names (PyTorch's in brackets): mode ('min'), factor (0.1), patience (10),
 * threshold (1e-4), thresholdMode (threshold_mode, 'rel'), cooldown (0), minLr (min_lr, 0, or one
 * per group), eps (1e-8).
 */
import { MnistLabError } from '../../util/errors.js';
import type { Optimizer } from '../optimizer.js';
import { type SchedulerStateDict, StateDictReader, encodeFloat } from '../state-dict.js';
import type { Scheduler } from './scheduler.js';

export type PlateauMode = 'min' | 'max';
export type ThresholdMode = 'rel' | 'abs';

export interface ReduceLROnPlateauOptions {
  mode?: PlateauMode;
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: ThresholdMode;
  cooldown?: number;
  minLr?: number | readonly number[];
  eps?: number;
}

export class ReduceLROnPlateau implements Scheduler {
  readonly stepsPerBatch = false;
  readonly needsMetric = true;
  readonly optimizer: Optimizer;
  mode: PlateauMode;
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: ThresholdMode;
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** Best metric seen so far (starts at the worst value for the mode: +inf for 'min'). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = optimizer;
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1)) throw new MnistLabError(`ReduceLROnPlateau: factor should be < 1.0, got ${this.factor}`);
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (typeof minLr === 'number') this.minLrs = new Array<number>(groups).fill(minLr);
    else if (minLr.length !== groups) throw new MnistLabError(`ReduceLROnPlateau: expected ${groups} min_lrs (one per param group), got ${minLr.length}`);
    else this.minLrs = [...minLr];
    this.patience = options.patience ?? 10;
    this.cooldown = options.cooldown ?? 0;
    this.mode = checkMode(options.mode ?? 'min');
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = checkThresholdMode(options.thresholdMode ?? 'rel');
    this.eps = options.eps ?? 1e-8;
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The value `best` starts from: nothing is worse. */
  get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  step(metric?: number): void {
    if (typeof metric !== 'number') {
      throw new MnistLabError('ReduceLROnPlateau.step(metric): pass the monitored value (e.g. the validation loss) once per epoch');
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  getLastLr(): readonly number[] {
    return this.lastLr;
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }

  stateDict(): SchedulerStateDict {
    return {
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      min_lrs: [...this.minLrs],
      eps: this.eps,
      best: encodeFloat(this.best),
      mode_worse: encodeFloat(this.modeWorse),
      num_bad_epochs: this.numBadEpochs,
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
    };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    const r = new StateDictReader(sd, 'ReduceLROnPlateau');
    const values = {
      mode: r.string('mode', ['min', 'max'] as const),
      factor: r.number('factor'),
      patience: r.number('patience'),
      threshold: r.number('threshold'),
      thresholdMode: r.string('threshold_mode', ['rel', 'abs'] as const),
      cooldown: r.number('cooldown'),
      cooldownCounter: r.number('cooldown_counter'),
      minLrs: r.numbers('min_lrs'),
      eps: r.number('eps'),
      best: r.number('best'),
      numBadEpochs: r.number('num_bad_epochs'),
      lastEpoch: r.number('last_epoch'),
      lastLr: r.has('_last_lr') ? r.numbers('_last_lr') : this.optimizer.paramGroups.map((g) => g.lr),
    };
    if (values.minLrs.length !== this.optimizer.paramGroups.length) r.fail('min_lrs', `a list of ${this.optimizer.paramGroups.length} numbers (one per param group)`);
    Object.assign(this, values);
  }
}

function checkMode(mode: string): PlateauMode {
  if (mode !== 'min' && mode !== 'max') throw new MnistLabError(`ReduceLROnPlateau: mode ${mode} is unknown! (use 'min' or 'max')`);
  return mode;
}

function checkThresholdMode(mode: string): ThresholdMode {
  if (mode !== 'rel' && mode !== 'abs') throw new MnistLabError(`ReduceLROnPlateau: threshold mode ${mode} is unknown! (use 'rel' or 'abs')`);
  return mode;
}
