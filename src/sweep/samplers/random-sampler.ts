/** Independent uniform draws on each parameter's internal line (log-uniform for log parameters). */
import { Rng } from '../../util/rng.js';
import { fromInternal, internalRange, type ParameterDef, type Params, type ParamValue, type SearchSpace } from '../search-space.js';
import type { Sampler, TrialRecord } from './sampler.js';

export function sampleUniform(p: ParameterDef, rng: Rng): ParamValue {
  if (p.type === 'choice') return p.values[rng.int(p.values.length)]!;
  const [lo, hi] = internalRange(p);
  // An int parameter's end points each get half a step of the line, so widen by half a step to be fair.
  const half = p.type === 'int' && !p.log ? (p.step ?? 1) / 2 : 0;
  return fromInternal(p, rng.uniform(lo - half, hi + half));
}

export class RandomSampler implements Sampler {
  constructor(private readonly space: SearchSpace, private readonly seed: number) {}

  sample(id: number, _history: readonly TrialRecord[]): Params {
    const rng = Rng.forPurpose(this.seed, `sweep-trial-${id}`);
    const params: Params = {};
    for (const [name, p] of Object.entries(this.space)) params[name] = sampleUniform(p, rng);
    return params;
  }
}
