/**
 * Shared by the optim tests: the PyTorch fixtures (test/fixtures/optim/*.json, made by
 * make_optim_fixtures.py), the deterministic problem they use, and factories that build our
 * optimizers and schedulers from a fixture case.
 *
 * Error measure: relativeError(a, b) = max_i |a_i - b_i| / max(max_i |b_i|, 1e-8), i.e. the
 * infinity-norm error relative to the infinity norm of the reference, per tensor (or per vector of
 * group lrs). An element-wise relative error would blow up on elements that pass close to zero
 * (a parameter crossing zero, a cosine schedule touching eta_min = 0), where float32 rounding in
 * PyTorch's intermediate tensors legitimately differs from our float64 intermediates; measuring
 * against the tensor's scale keeps the bound meaningful while staying as strict as the largest
 * element allows. The floor 1e-8 only matters for an all-zero reference.
 */
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/tensor/tensor.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { SGD, type SGDOptions } from '../../src/optim/sgd.js';
import { Adam, type AdamOptions } from '../../src/optim/adam.js';
import { AdamW } from '../../src/optim/adamw.js';
import type { Scheduler } from '../../src/optim/lr-scheduler/scheduler.js';
import { StepLR, type StepLROptions } from '../../src/optim/lr-scheduler/step-lr.js';
import { MultiStepLR, type MultiStepLROptions } from '../../src/optim/lr-scheduler/multi-step-lr.js';
import { CosineAnnealingLR, type CosineAnnealingLROptions } from '../../src/optim/lr-scheduler/cosine-annealing-lr.js';
import { OneCycleLR, type OneCycleLROptions } from '../../src/optim/lr-scheduler/one-cycle-lr.js';
import { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from '../../src/optim/lr-scheduler/reduce-lr-on-plateau.js';
import type { OptimizerStateDict } from '../../src/optim/state-dict.js';

export type OptimizerName = 'SGD' | 'Adam' | 'AdamW';
export type SchedulerName = 'StepLR' | 'MultiStepLR' | 'CosineAnnealingLR' | 'OneCycleLR' | 'ReduceLROnPlateau';
type Options = Record<string, unknown>;
type GroupSpec = { params: number[] } & Options;

export interface ProblemParam {
  shape: number[];
  init: number[];
  a: number;
  b: number;
}

export interface OptimizerCase {
  name: string;
  optimizer: OptimizerName;
  options: Options;
  groups?: GroupSpec[];
  skip?: { param: number; every: number };
  scheduler?: { type: SchedulerName; options: Options };
  steps: number;
  trajectory: { lrs: number[]; params: number[][] }[];
  finalStateDict: OptimizerStateDict;
}

export interface SchedulerCase {
  name: string;
  type: SchedulerName;
  optimizer: OptimizerName;
  options: Options;
  groups?: GroupSpec[];
  scheduler: Options;
  metrics?: number[];
  steps: number;
  initial: Snapshot;
  history: (Snapshot & { lastLr: number[] })[];
  overstepError?: string;
}

export interface Snapshot {
  lrs: number[];
  momenta: (number | null)[];
}

function readFixture<T>(name: string): T {
  // Compiled tests run from dist/test/optim/, the JSON stays in the source tree.
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/optim/${name}`, import.meta.url), 'utf8')) as T;
}

export const optimizerFixtures = readFixture<{ torch: string; problem: { params: ProblemParam[] }; cases: OptimizerCase[] }>('optimizers.json');
export const schedulerFixtures = readFixture<{ torch: string; cases: SchedulerCase[] }>('schedulers.json');

export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (Number.isNaN(diff)) return Infinity;
    if (diff > maxDiff) maxDiff = diff;
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return maxDiff / Math.max(scale, 1e-8);
}

/** Fresh parameters of the fixture problem, or copies of given values (a resumed run). */
export function makeParams(values?: readonly (readonly number[])[]): Tensor[] {
  return optimizerFixtures.problem.params.map((spec, k) => {
    const p = Tensor.persistent(spec.shape, true);
    p.data.set(values ? values[k]! : spec.init);
    return p;
  });
}

/** grad = 2 a p + b cos(p), the gradient of sum(a p^2 + b sin p), as PyTorch's autograd computes it. */
export function computeGrads(params: readonly Tensor[]): void {
  params.forEach((p, k) => {
    const { a, b } = optimizerFixtures.problem.params[k]!;
    if (p.grad === null) p.grad = Tensor.persistent(p.shape);
    const x = p.data;
    const g = p.grad.data;
    for (let i = 0; i < x.length; i++) g[i] = 2 * a * x[i]! + b * Math.cos(x[i]!);
  });
}

export function makeOptimizer(name: OptimizerName, params: readonly Tensor[], options: Options, groups?: GroupSpec[]): Optimizer {
  const input = groups ? groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]!) })) : params;
  // Fixture options are plain JSON; the constructors check them at run time anyway.
  switch (name) {
    case 'SGD':
      return new SGD(input as Tensor[], options as unknown as SGDOptions);
    case 'Adam':
      return new Adam(input as Tensor[], options as AdamOptions);
    case 'AdamW':
      return new AdamW(input as Tensor[], options as AdamOptions);
  }
}

export function makeScheduler(type: SchedulerName, optimizer: Optimizer, options: Options): Scheduler {
  switch (type) {
    case 'StepLR':
      return new StepLR(optimizer, options as unknown as StepLROptions);
    case 'MultiStepLR':
      return new MultiStepLR(optimizer, options as unknown as MultiStepLROptions);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(optimizer, options as unknown as CosineAnnealingLROptions);
    case 'OneCycleLR':
      return new OneCycleLR(optimizer, options as unknown as OneCycleLROptions);
    case 'ReduceLROnPlateau':
      return new ReduceLROnPlateau(optimizer, options as ReduceLROnPlateauOptions);
  }
}

/** What the fixtures record per group: lr, and momentum (SGD) or beta1 (Adam, AdamW). */
export function snapshot(optimizer: Optimizer): Snapshot {
  return {
    lrs: optimizer.paramGroups.map((g) => g.lr),
    momenta: optimizer.paramGroups.map((g) => {
      const group = g as { momentum?: number; betas?: number[] };
      return group.betas ? group.betas[0]! : (group.momentum ?? null);
    }),
  };
}
