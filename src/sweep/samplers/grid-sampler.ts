/**
 * Every combination of the parameters' values, in a fixed order (the first parameter varies slowest).
 * Choices give their values; a numeric parameter gives `pointsPerNumeric` points spread evenly on
 * its internal line (log-spaced for log parameters), an int parameter every step when that is fewer.
 */
import { fromInternal, internalRange, type ParameterDef, type Params, type ParamValue, type SearchSpace } from '../search-space.js';
import type { Sampler, TrialRecord } from './sampler.js';

export function gridValues(p: ParameterDef, points: number): ParamValue[] {
  if (p.type === 'choice') return [...p.values];
  if (p.type === 'int' && !p.log) {
    const step = p.step ?? 1;
    const count = (p.high - p.low) / step + 1;
    if (count <= points) return Array.from({ length: count }, (_, i) => p.low + i * step);
  }
  const [lo, hi] = internalRange(p);
  const values = Array.from({ length: points }, (_, i) => fromInternal(p, points === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (points - 1)));
  return [...new Set(values)];
}

export class GridSampler implements Sampler {
  private readonly axes: [string, ParamValue[]][];
  readonly size: number;

  constructor(space: SearchSpace, pointsPerNumeric = 3) {
    this.axes = Object.entries(space).map(([name, p]) => [name, gridValues(p, pointsPerNumeric)]);
    this.size = this.axes.reduce((n, [, values]) => n * values.length, 1);
  }

  sample(id: number, _history: readonly TrialRecord[]): Params | null {
    if (id >= this.size) return null;
    const params: Params = {};
    let rest = id;
    for (let a = this.axes.length - 1; a >= 0; a--) {
      const [name, values] = this.axes[a]!;
      params[name] = values[rest % values.length]!;
      rest = Math.floor(rest / values.length);
    }
    // In the space's own order, for readable tables.
    return Object.fromEntries(this.axes.map(([name]) => [name, params[name]!]));
  }
}
