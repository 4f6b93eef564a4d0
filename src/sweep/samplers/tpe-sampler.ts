/**
 * The Tree-structured Parzen Estimator (Bergstra et al. 2011), univariate, as Optuna's TPESampler
 * does it by default. No maintained JavaScript implementation exists (the npm packages named "tpe"
 * or "hyperopt" are unmaintained toys), so it is written here and tested against its known
 * behaviour (test/sweep/samplers.test.ts):
 *
 * - The first `startupTrials` trials are random.
 * - After that the complete trials are split by their objective: the best gamma(n) = min(ceil(0.1 n), 25)
 *   are "good", the rest, with every pruned trial, are "bad" (Optuna's defaults).
 * - For each parameter, l(x) and g(x) are Parzen estimators over the good and the bad values: a
 *   truncated Gaussian at each value plus a prior spanning the range, with each bandwidth the larger gap
 *   to its neighbours, clipped to [range / min(100, n + 1), range] (Optuna's consider_magic_clip).
 *   A choice parameter gets smoothed frequencies instead.
 * - `candidates` values are drawn from l, and the one with the highest l(x) / g(x) is proposed.
 */
import { Rng } from '../../util/rng.js';
import { fromInternal, internalRange, toInternal, type ParameterDef, type Params, type ParamValue, type SearchSpace } from '../search-space.js';
import { sampleUniform } from './random-sampler.js';
import type { Sampler, TrialRecord } from './sampler.js';

interface Parzen {
  mus: number[];
  sigmas: number[];
  weights: number[];
  lo: number;
  hi: number;
}

/** The standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7: plenty for ranking). */
function normalCdf(z: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function parzen(values: readonly number[], lo: number, hi: number): Parzen {
  const range = hi - lo;
  const prior = (lo + hi) / 2;
  const points = [...values, prior].sort((a, b) => a - b);
  const minSigma = range / Math.min(100, values.length + 1);
  const sigmaOf = (mu: number, isPrior: boolean): number => {
    if (isPrior) return range;
    const i = points.indexOf(mu);
    const left = mu - (i > 0 ? points[i - 1]! : lo);
    const right = (i < points.length - 1 ? points[i + 1]! : hi) - mu;
    return Math.min(range, Math.max(minSigma, left, right));
  };
  const mus = [...values, prior];
  const sigmas = mus.map((mu, i) => sigmaOf(mu, i === values.length));
  const weights = mus.map(() => 1 / mus.length);
  return { mus, sigmas, weights, lo, hi };
}

function parzenSample(p: Parzen, rng: Rng): number {
  let u = rng.next();
  let k = 0;
  while (k < p.weights.length - 1 && u >= p.weights[k]!) u -= p.weights[k++]!;
  for (let tries = 0; tries < 100; tries++) {
    const x = p.mus[k]! + p.sigmas[k]! * rng.normal();
    if (x >= p.lo && x <= p.hi) return x;
  }
  return Math.min(p.hi, Math.max(p.lo, p.mus[k]!));
}

function parzenLogDensity(p: Parzen, x: number): number {
  let density = 0;
  for (let k = 0; k < p.mus.length; k++) {
    const mu = p.mus[k]!;
    const s = p.sigmas[k]!;
    const mass = normalCdf((p.hi - mu) / s) - normalCdf((p.lo - mu) / s);
    const z = (x - mu) / s;
    density += (p.weights[k]! * Math.exp(-0.5 * z * z)) / (s * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
  }
  return Math.log(Math.max(density, 1e-300));
}

export class TpeSampler implements Sampler {
  constructor(
    private readonly space: SearchSpace,
    private readonly seed: number,
    private readonly startupTrials = 10,
    private readonly candidates = 24,
  ) {}

  sample(id: number, history: readonly TrialRecord[]): Params {
    const rng = Rng.forPurpose(this.seed, `sweep-trial-${id}`);
    const complete = history.filter((t) => t.state === 'complete' && t.value !== null).sort((a, b) => b.value! - a.value! || a.id - b.id);
    const params: Params = {};
    if (complete.length < this.startupTrials) {
      for (const [name, p] of Object.entries(this.space)) params[name] = sampleUniform(p, rng);
      return params;
    }
    const nGood = Math.min(Math.ceil(0.1 * complete.length), 25);
    const good = complete.slice(0, nGood);
    const bad = [...complete.slice(nGood), ...history.filter((t) => t.state === 'pruned')];
    for (const [name, p] of Object.entries(this.space)) {
      params[name] = this.proposeOne(p, good.map((t) => t.params[name]!), bad.map((t) => t.params[name]!), rng);
    }
    return params;
  }

  private proposeOne(p: ParameterDef, good: ParamValue[], bad: ParamValue[], rng: Rng): ParamValue {
    if (p.type === 'choice') {
      const k = p.values.length;
      const freq = (obs: ParamValue[]): number[] => p.values.map((v) => (obs.filter((o) => o === v).length + 1 / k) / (obs.length + 1));
      const l = freq(good);
      const g = freq(bad);
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < this.candidates; c++) {
        let u = rng.next();
        let i = 0;
        while (i < k - 1 && u >= l[i]!) u -= l[i++]!;
        const score = Math.log(l[i]!) - Math.log(g[i]!);
        if (score > bestScore) [best, bestScore] = [i, score];
      }
      return p.values[best]!;
    }
    const [lo, hi] = internalRange(p);
    const l = parzen(good.map((v) => toInternal(p, v)), lo, hi);
    const g = parzen(bad.map((v) => toInternal(p, v)), lo, hi);
    let best = l.mus[0]!;
    let bestScore = -Infinity;
    for (let c = 0; c < this.candidates; c++) {
      const x = parzenSample(l, rng);
      const score = parzenLogDensity(l, x) - parzenLogDensity(g, x);
      if (score > bestScore) [best, bestScore] = [x, score];
    }
    return fromInternal(p, best);
  }
}
