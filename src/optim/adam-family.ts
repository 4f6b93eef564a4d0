/**
 * What Adam and AdamW share: hyperparameters, state, and the per-parameter update of
 * torch.optim.adam/_single_tensor_adam (1.13). The only difference is where weight decay goes:
 *   Adam  (L2):        g = ±grad + weight_decay * p
 *   AdamW (decoupled): p = p * (1 - lr * weight_decay), before the Adam update, with g = ±grad
 * then, with t = step count of this parameter:
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   vmax = max(vmax, v)                                    (amsgrad only; used instead of v below)
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 */
import type { Tensor } from '../tensor/tensor.js';
import { allocPersistent } from '../tensor/memory-scope.js';
import {
  type LoadedParamState,
  type ParamGroup,
  checkRange,
  loadStateNumber,
  loadStateTensor,
} from './optimizer.js';

export interface AdamParamGroup extends ParamGroup {
  /** [beta1, beta2]. OneCycleLR cycles beta1 in place. */
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

/** Keys as in PyTorch; max_exp_avg_sq exists only with amsgrad. */
export type AdamState = {
  step: number;
  exp_avg: Float32Array;
  exp_avg_sq: Float32Array;
  max_exp_avg_sq?: Float32Array;
};

export function adamDefaults(options: AdamOptions, defaultWeightDecay: number): Omit<AdamParamGroup, 'params'> {
  const betas = options.betas ?? [0.9, 0.999];
  return {
    lr: options.lr ?? 1e-3,
    betas: [betas[0], betas[1]],
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? defaultWeightDecay,
    amsgrad: options.amsgrad ?? false,
    maximize: options.maximize ?? false,
  };
}

export function validateAdamGroup(owner: string, group: AdamParamGroup): void {
  const [beta1, beta2] = group.betas;
  checkRange(owner, 'learning rate', group.lr, group.lr >= 0, 'must be >= 0');
  checkRange(owner, 'epsilon value', group.eps, group.eps >= 0, 'must be >= 0');
  checkRange(owner, 'beta parameter at index 0', beta1, beta1 >= 0 && beta1 < 1, 'must be in [0, 1)');
  checkRange(owner, 'beta parameter at index 1', beta2, beta2 >= 0 && beta2 < 1, 'must be in [0, 1)');
  checkRange(owner, 'weight_decay value', group.weightDecay, group.weightDecay >= 0, 'must be >= 0');
}

/** Runs one Adam(W) step over a group; allocates only the first time a parameter is seen. */
export function adamGroupStep(group: AdamParamGroup, states: Map<Tensor, AdamState>, decoupledWeightDecay: boolean): void {
  const { lr, eps, weightDecay, amsgrad, maximize } = group;
  const beta1 = group.betas[0];
  const beta2 = group.betas[1];
  const l2 = decoupledWeightDecay ? 0 : weightDecay;
  const shrink = decoupledWeightDecay ? 1 - lr * weightDecay : 1;
  // Indexed loop: a training step must not allocate, not even an iterator object.
  for (let pi = 0; pi < group.params.length; pi++) {
    const p = group.params[pi]!;
    if (p.grad === null) continue;
    const n = p.size;
    let state = states.get(p);
    if (state === undefined) {
      state = { step: 0, exp_avg: allocPersistent(n), exp_avg_sq: allocPersistent(n) };
      if (amsgrad) state.max_exp_avg_sq = allocPersistent(n);
      states.set(p, state);
    }
    // A state saved without amsgrad starts its running max from zero, the value PyTorch initialises it with.
    if (amsgrad && state.max_exp_avg_sq === undefined) state.max_exp_avg_sq = allocPersistent(n);
    const step = ++state.step;
    const stepSize = lr / (1 - beta1 ** step);
    const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
    const x = p.data;
    const grad = p.grad.data;
    const m = state.exp_avg;
    const v = state.exp_avg_sq;
    const vmax = amsgrad ? state.max_exp_avg_sq : undefined;
    const sign = maximize ? -1 : 1; // exact, so maximize costs nothing in accuracy
    // Two loops rather than an amsgrad test per element: V8 does not hoist loop-invariant branches.
    if (vmax === undefined) {
      for (let i = 0; i < n; i++) {
        const g = sign * grad[i]! + l2 * x[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * g;
        v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
        x[i] = x[i]! * shrink - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bias2Sqrt + eps);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const g = sign * grad[i]! + l2 * x[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * g;
        v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
        if (v[i]! > vmax[i]!) vmax[i] = v[i]!;
        x[i] = x[i]! * shrink - (stepSize * m[i]!) / (Math.sqrt(vmax[i]!) / bias2Sqrt + eps);
      }
    }
  }
}

export function adamStateFromDict(saved: LoadedParamState, param: Tensor, where: string): AdamState {
  const state: AdamState = {
    step: loadStateNumber(saved, 'step', where),
    exp_avg: loadStateTensor(saved, 'exp_avg', param, where),
    exp_avg_sq: loadStateTensor(saved, 'exp_avg_sq', param, where),
  };
  if (saved['max_exp_avg_sq'] !== undefined) state.max_exp_avg_sq = loadStateTensor(saved, 'max_exp_avg_sq', param, where);
  return state;
}
