/**
 * OneCycleLR (torch.optim.lr_scheduler.OneCycleLR 1.13), the 1cycle policy; steps once per batch.
 *
 * lr rises from initial_lr = maxLr / divFactor to maxLr over the first pctStart of the steps, then
 * falls to min_lr = initial_lr / finalDivFactor (threePhase: back to initial_lr first, then to
 * min_lr). Momentum (SGD's momentum, or beta1 for Adam/AdamW) moves the opposite way between
 * maxMomentum and baseMomentum. Each group records initial_lr, max_lr, min_lr, max_momentum and
 * base_momentum, as in PyTorch, so an optimizer state dict carries them.
 *
 * Option names (PyTorch's in brackets): maxLr (max_lr), totalSteps (total_steps), epochs,
 * stepsPerEpoch (steps_per_epoch), pctStart (pct_start, 0.3), annealStrategy (anneal_strategy,
 * 'cos'), cycleMomentum (cycle_momentum, true), baseMomentum (base_momentum, 0.85), maxMomentum
 * (max_momentum, 0.95), divFactor (div_factor, 25), finalDivFactor (final_div_factor, 1e4),
 * threePhase (three_phase, false), lastEpoch (last_epoch, -1; counts batches here).
 *
 * As in PyTorch, step() may be called totalSteps times after construction; the next call throws.
 */
import { MnistLabError } from '../../util/errors.js';
import type { Optimizer, ParamGroup } from '../optimizer.js';
import { type SchedulerStateDict, type StateDictReader, toCamelCase, toSnakeCase } from '../state-dict.js';
import { LRScheduler } from './lr-scheduler.js';

export type AnnealStrategy = 'cos' | 'linear';

export interface OneCycleLROptions {
  maxLr: number | readonly number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: AnnealStrategy;
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

type LrKey = 'initialLr' | 'maxLr' | 'minLr';
type MomentumKey = 'maxMomentum' | 'baseMomentum';

interface Phase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

/** The momentum-like hyperparameter a group may have: SGD's momentum or Adam's betas. */
type MomentumGroup = ParamGroup & { momentum?: number; betas?: [number, number] };

const LR_KEYS: readonly LrKey[] = ['initialLr', 'maxLr', 'minLr'];
const MOMENTUM_KEYS: readonly MomentumKey[] = ['maxMomentum', 'baseMomentum'];

export class OneCycleLR extends LRScheduler {
  readonly stepsPerBatch = true;
  totalSteps: number;
  annealStrategy: AnnealStrategy;
  cycleMomentum: boolean;
  /** Whether momentum is Adam's beta1 rather than SGD's momentum. */
  useBeta1: boolean;
  private phases: Phase[];

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    const lastEpoch = options.lastEpoch ?? -1;
    super(optimizer, lastEpoch);
    this.totalSteps = resolveTotalSteps(options);
    const pctStart = options.pctStart ?? 0.3;
    const total = this.totalSteps;
    this.phases = options.threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    if (!(pctStart >= 0 && pctStart <= 1)) throw new MnistLabError(`OneCycleLR: expected pctStart between 0 and 1, but got ${pctStart}`);
    const annealStrategy = options.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new MnistLabError(`OneCycleLR: annealStrategy must be one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }
    this.annealStrategy = annealStrategy;

    const groups = optimizer.paramGroups as MomentumGroup[];
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    const maxLrs = perGroup('maxLr', options.maxLr, groups.length);
    if (lastEpoch === -1) {
      groups.forEach((group, i) => {
        group.initialLr = maxLrs[i]! / divFactor;
        group.maxLr = maxLrs[i]!;
        group.minLr = group.initialLr / finalDivFactor;
      });
      // PyTorch sets these before its base constructor reads them; ours has already run.
      this.baseLrs = groups.map((g) => g.initialLr!);
    }

    this.cycleMomentum = options.cycleMomentum ?? true;
    const defaults = optimizer.defaults as Partial<MomentumGroup>;
    this.useBeta1 = defaults.betas !== undefined;
    if (this.cycleMomentum) {
      if (defaults.momentum === undefined && defaults.betas === undefined) {
        throw new MnistLabError('OneCycleLR: optimizer must support momentum with `cycle_momentum` option enabled (use SGD, Adam or AdamW, or cycleMomentum: false)');
      }
      const maxMomenta = perGroup('maxMomentum', options.maxMomentum ?? 0.95, groups.length);
      const baseMomenta = perGroup('baseMomentum', options.baseMomentum ?? 0.85, groups.length);
      if (lastEpoch === -1) {
        groups.forEach((group, i) => {
          this.setMomentum(group, maxMomenta[i]!);
          group.maxMomentum = maxMomenta[i]!;
          group.baseMomentum = baseMomenta[i]!;
        });
      }
    }
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new MnistLabError(`Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    const groups = this.optimizer.paramGroups as MomentumGroup[];
    const lrs: number[] = [];
    groups.forEach((group, gi) => {
      let startStep = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i]!;
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          lrs.push(this.anneal(groupValue(group, phase.startLr, gi), groupValue(group, phase.endLr, gi), pct));
          if (this.cycleMomentum) {
            const momentum = this.anneal(groupValue(group, phase.startMomentum, gi), groupValue(group, phase.endMomentum, gi), pct);
            this.setMomentum(group, momentum);
          }
          break;
        }
        startStep = phase.endStep;
      }
    });
    return lrs;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2.0) * cosOut;
  }

  private setMomentum(group: MomentumGroup, value: number): void {
    // Each group owns its betas array (the optimizer copies it), so writing beta1 in place is safe.
    if (this.useBeta1) group.betas![0] = value;
    else group.momentum = value;
  }

  protected configState(): SchedulerStateDict {
    return {
      total_steps: this.totalSteps,
      _schedule_phases: this.phases.map((p) => ({
        end_step: p.endStep,
        start_lr: toSnakeCase(p.startLr),
        end_lr: toSnakeCase(p.endLr),
        start_momentum: toSnakeCase(p.startMomentum),
        end_momentum: toSnakeCase(p.endMomentum),
      })),
      // PyTorch saves the bound anneal function itself; its name is what JSON can hold.
      anneal_strategy: this.annealStrategy,
      cycle_momentum: this.cycleMomentum,
      use_beta1: this.useBeta1,
    };
  }

  protected loadConfigState(r: StateDictReader): void {
    const totalSteps = r.integer('total_steps');
    const rawPhases = r.raw('_schedule_phases');
    if (!Array.isArray(rawPhases) || rawPhases.length === 0) r.fail('_schedule_phases', 'a list of phases');
    const phases = rawPhases.map((raw): Phase => {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) r.fail('_schedule_phases', 'a list of phase objects');
      const key = <K extends string>(name: string, allowed: readonly K[]): K => {
        const camel = typeof raw[name] === 'string' ? toCamelCase(raw[name]) : '';
        if (!(allowed as readonly string[]).includes(camel)) r.fail('_schedule_phases', `phases whose ${name} names a group field`);
        return camel as K;
      };
      const endStep = raw['end_step'];
      if (typeof endStep !== 'number') r.fail('_schedule_phases', 'phases with a numeric end_step');
      return {
        endStep,
        startLr: key('start_lr', LR_KEYS),
        endLr: key('end_lr', LR_KEYS),
        startMomentum: key('start_momentum', MOMENTUM_KEYS),
        endMomentum: key('end_momentum', MOMENTUM_KEYS),
      };
    });
    const annealStrategy = r.string('anneal_strategy', ['cos', 'linear'] as const);
    const cycleMomentum = r.boolean('cycle_momentum');
    const useBeta1 = r.has('use_beta1') ? r.boolean('use_beta1') : this.useBeta1;
    this.totalSteps = totalSteps;
    this.phases = phases;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
  }
}

function resolveTotalSteps(options: OneCycleLROptions): number {
  const { totalSteps, epochs, stepsPerEpoch } = options;
  if (totalSteps === undefined && epochs === undefined && stepsPerEpoch === undefined) {
    throw new MnistLabError('OneCycleLR: you must define either totalSteps OR (epochs AND stepsPerEpoch)');
  }
  if (totalSteps !== undefined) {
    if (!Number.isInteger(totalSteps) || totalSteps <= 0) throw new MnistLabError(`OneCycleLR: expected positive integer totalSteps, but got ${totalSteps}`);
    return totalSteps;
  }
  if (epochs === undefined || !Number.isInteger(epochs) || epochs <= 0) throw new MnistLabError(`OneCycleLR: expected positive integer epochs, but got ${epochs}`);
  if (stepsPerEpoch === undefined || !Number.isInteger(stepsPerEpoch) || stepsPerEpoch <= 0) {
    throw new MnistLabError(`OneCycleLR: expected positive integer stepsPerEpoch, but got ${stepsPerEpoch}`);
  }
  return epochs * stepsPerEpoch;
}

function perGroup(name: string, value: number | readonly number[], groups: number): number[] {
  if (typeof value === 'number') return new Array<number>(groups).fill(value);
  if (value.length !== groups) throw new MnistLabError(`OneCycleLR: expected ${groups} values for ${name} (one per param group), got ${value.length}`);
  return [...value];
}

function groupValue(group: ParamGroup, key: LrKey | MomentumKey, index: number): number {
  const value = group[key];
  if (value === undefined) {
    throw new MnistLabError(
      `OneCycleLR: param group ${index} has no ${toSnakeCase(key)}; load the optimizer state that was saved with this scheduler`,
    );
  }
  return value;
}
