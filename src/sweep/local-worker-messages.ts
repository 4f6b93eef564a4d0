/** The messages between the local pool and its worker processes. */
import type { PruneDecision } from './asha.js';
import type { TrialJob, TrialOutcome } from './trial.js';

export type ToWorker =
  | { type: 'run'; job: TrialJob }
  | { type: 'decision'; requestId: number; decision: PruneDecision }
  | { type: 'stop' }
  | { type: 'exit' };

export type FromWorker =
  | { type: 'report'; requestId: number; trialId: number; epoch: number; value: number }
  | { type: 'log'; line: string }
  | { type: 'done'; outcome: TrialOutcome }
  | { type: 'failed'; error: string };
