/**
 * The base of the epoch-counting schedulers, after torch.optim.lr_scheduler._LRScheduler (1.13).
 *
 * `lastEpoch` counts step() calls: creating a scheduler performs the first step (lastEpoch -1 -> 0)
 * and, with lastEpoch -1, records each group's starting lr as `initialLr` (PyTorch's setdefault:
 * an initialLr already in the group is kept). The chainable schedulers (StepLR, MultiStepLR,
 * CosineAnnealingLR) compute the next lr from the group's current lr, exactly as PyTorch's get_lr()
 * does when called from step(); so an lr changed from outside carries on into the schedule.
 *
 * Resuming: create the optimizer and the scheduler as for a fresh run, then
 * optimizer.loadStateDict(...), then scheduler.loadStateDict(...). (Creating a scheduler writes lr
 * into the groups; loading the optimizer afterwards restores the saved lr, momentum and betas.)
 */
import { MnistLabError } from '../../util/errors.js';
import type { Optimizer } from '../optimizer.js';
import { type SchedulerStateDict, StateDictReader } from '../state-dict.js';
import type { Scheduler } from './scheduler.js';

export abstract class LRScheduler implements Scheduler {
  abstract readonly stepsPerBatch: boolean;
  readonly needsMetric = false;
  readonly optimizer: Optimizer;
  /** Each group's initialLr when the scheduler was created (PyTorch's base_lrs). */
  baseLrs: number[];
  lastEpoch: number;
  /** step() calls including the one made on construction (PyTorch's _step_count). */
  protected stepCount = 0;
  protected lastLr: number[] = [];

  protected constructor(optimizer: Optimizer, lastEpoch: number) {
    const name = this.constructor.name;
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new MnistLabError(`${name}: lastEpoch must be an integer >= -1, got ${lastEpoch}`);
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((group, i) => {
      if (lastEpoch === -1) group.initialLr ??= group.lr;
      else if (group.initialLr === undefined) {
        throw new MnistLabError(`${name}: param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer (lastEpoch ${lastEpoch})`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /**
   * PyTorch's _initial_step. Concrete schedulers call it as the last line of their constructor:
   * JavaScript sets a subclass's fields only after super() returns, too late for getLr().
   */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch (or one batch, for stepsPerBatch schedulers) and writes the new lr into every group. */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const values = this.getLr();
    const groups = this.optimizer.paramGroups;
    for (let i = 0; i < groups.length; i++) groups[i]!.lr = values[i]!;
    this.lastLr = groups.map((g) => g.lr);
  }

  /** The lr of each group for the current lastEpoch, computed as PyTorch's get_lr() does inside step(). */
  protected abstract getLr(): number[];

  getLastLr(): readonly number[] {
    return this.lastLr;
  }

  stateDict(): SchedulerStateDict {
    return {
      ...this.configState(),
      base_lrs: [...this.baseLrs],
      last_epoch: this.lastEpoch,
      _step_count: this.stepCount,
      _last_lr: [...this.lastLr],
    };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    const r = new StateDictReader(sd, this.constructor.name);
    const baseLrs = r.numbers('base_lrs');
    const groups = this.optimizer.paramGroups.length;
    if (baseLrs.length !== groups) r.fail('base_lrs', `a list of ${groups} numbers (one per param group)`);
    const lastEpoch = r.integer('last_epoch');
    const stepCount = r.integer('_step_count');
    const lastLr = r.numbers('_last_lr');
    this.loadConfigState(r);
    this.baseLrs = baseLrs;
    this.lastEpoch = lastEpoch;
    this.stepCount = stepCount;
    this.lastLr = lastLr;
  }

  /** The subclass's own fields, PyTorch-named. */
  protected abstract configState(): SchedulerStateDict;

  /** Reads back what configState() wrote; throws (through the reader) before changing anything on bad input. */
  protected abstract loadConfigState(r: StateDictReader): void;
}
