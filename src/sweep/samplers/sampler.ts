/**
 * Samplers propose the next trial's parameters from the trials so far (Optuna's ask). Each proposal
 * draws from a generator seeded by (sweep seed, trial number), so a sweep that is interrupted and
 * resumed proposes exactly what it would have proposed without the interruption.
 */
import type { Params, SearchSpace } from '../search-space.js';

export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

export interface TrialRecord {
  id: number;
  params: Params;
  state: TrialState;
  /** The objective (higher is better) for a complete trial; null otherwise. */
  value: number | null;
}

export interface Sampler {
  /** Parameters for trial `id`; null when the sampler has nothing left to propose (a finished grid). */
  sample(id: number, history: readonly TrialRecord[]): Params | null;
}

export type SamplerSpec =
  | { name: 'grid'; pointsPerNumeric?: number }
  | { name: 'random'; seed: number }
  | { name: 'tpe'; seed: number; startupTrials?: number; candidates?: number };

export type { SearchSpace };
