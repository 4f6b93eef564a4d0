/**
 * How much each parameter mattered to the objective over the complete trials. Optuna's default is
 * fANOVA (a random forest); with the tens of trials a sweep here has, a forest overfits, so this
 * uses rank statistics that need no model: |Spearman's rho| between a numeric parameter (on its
 * internal line) and the objective, and for a choice the correlation ratio eta (the share of the
 * objective's spread that lies between the choices' means). The scores are normalised to sum to 1.
 */
import { toInternal, type SearchSpace } from './search-space.js';
import type { StudyTrial } from './study.js';

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2; // ties share their mean rank
    i = j + 1;
  }
  return r;
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

function correlationRatio(groups: readonly number[], y: readonly number[]): number {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const total = y.reduce((a, v) => a + (v - mean) ** 2, 0);
  if (total === 0) return 0;
  let between = 0;
  for (const g of new Set(groups)) {
    const members = y.filter((_, i) => groups[i] === g);
    const m = members.reduce((a, b) => a + b, 0) / members.length;
    between += members.length * (m - mean) ** 2;
  }
  return Math.sqrt(between / total);
}

export function parameterImportance(space: SearchSpace, trials: readonly StudyTrial[]): { parameter: string; importance: number }[] {
  const done = trials.filter((t) => t.state === 'complete' && t.value !== null);
  const y = done.map((t) => t.value!);
  const raw = Object.entries(space).map(([name, p]) => {
    const x = done.map((t) => toInternal(p, t.params[name]!));
    const score = done.length < 3 ? 0 : p.type === 'choice' ? correlationRatio(x, y) : Math.abs(pearson(ranks(x), ranks(y)));
    return { parameter: name, importance: score };
  });
  const sum = raw.reduce((a, r) => a + r.importance, 0);
  return raw.map((r) => ({ ...r, importance: sum === 0 ? 0 : r.importance / sum })).sort((a, b) => b.importance - a.importance);
}
