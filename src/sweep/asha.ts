/**
 * Asynchronous successive halving (ASHA, Li et al. 2020), as Optuna's SuccessiveHalvingPruner does
 * it. Rungs sit at minEpochs · eta^k epochs, below the run's last epoch. When a trial reaches a rung
 * it is compared with every trial that reached that rung before it (never waiting for the others:
 * that is what makes it asynchronous): it continues if its value is among the best 1/eta of them
 * (at least the single best), and is stopped otherwise. Higher values are better.
 */
export interface AshaSpec {
  /** The first rung, in epochs. */
  minEpochs: number;
  /** eta: 1 in eta trials goes on at each rung. */
  reductionFactor: number;
}

export type PruneDecision = 'continue' | 'prune';

/** The epochs at which decisions are made, for a run of `maxEpochs`. */
export function ashaRungs(spec: AshaSpec, maxEpochs: number): number[] {
  const rungs: number[] = [];
  for (let r = spec.minEpochs; r < maxEpochs; r *= spec.reductionFactor) rungs.push(Math.round(r));
  return [...new Set(rungs)];
}

export class AshaPruner {
  readonly rungs: number[];
  /** rung epoch -> trial id -> value, in arrival order. */
  private readonly recorded = new Map<number, Map<number, number>>();

  constructor(private readonly spec: AshaSpec, maxEpochs: number) {
    this.rungs = ashaRungs(spec, maxEpochs);
    for (const r of this.rungs) this.recorded.set(r, new Map());
  }

  /** A trial's value after `epoch`: recorded, and judged when the epoch is a rung. */
  report(trialId: number, epoch: number, value: number): PruneDecision {
    const rung = this.recorded.get(epoch);
    if (!rung) return 'continue';
    rung.set(trialId, value);
    const competing = [...rung.values()].sort((a, b) => b - a);
    const promotable = Math.max(0, Math.floor(competing.length / this.spec.reductionFactor) - 1);
    return value >= competing[promotable]! ? 'continue' : 'prune';
  }

  /** Restores what was recorded before an interruption, without judging again. */
  restore(trialId: number, epoch: number, value: number): void {
    this.recorded.get(epoch)?.set(trialId, value);
  }
}
