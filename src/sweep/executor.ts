/**
 * Where trials run. The coordinator (run-sweep.ts) hands a trial to an executor and gets its outcome
 * back; the executor carries the pruner's questions from the trial to the coordinator. Two exist:
 * the local pool of worker processes (the default), and the BullMQ queue (workers on any machine).
 */
import type { PruneDecision } from './asha.js';
import type { TrialJob, TrialOutcome } from './trial.js';

export interface TrialExecutor {
  /** How many trials it runs at once. */
  readonly slots: number;
  run(job: TrialJob, judge: (trialId: number, epoch: number, value: number) => PruneDecision): Promise<TrialOutcome>;
  /** Stops running trials at their next batch boundary (their checkpoints resume them). */
  interrupt(): void;
  close(): Promise<void>;
}
