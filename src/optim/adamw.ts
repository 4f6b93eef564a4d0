/**
 * AdamW (torch.optim.AdamW 1.13): Adam with decoupled weight decay, p *= 1 - lr * weight_decay
 * before each update, instead of adding weight_decay * p to the gradient. Default weight decay 1e-2.
 */
import type { Tensor } from '../tensor/tensor.js';
import { type LoadedParamState, Optimizer, type ParamsInput } from './optimizer.js';
import {
  type AdamOptions,
  type AdamParamGroup,
  type AdamState,
  adamDefaults,
  adamGroupStep,
  adamStateFromDict,
  validateAdamGroup,
} from './adam-family.js';

export type AdamWOptions = AdamOptions;

export class AdamW extends Optimizer<AdamParamGroup, AdamState> {
  /** Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 1e-2, amsgrad false, maximize false. */
  constructor(params: ParamsInput<AdamParamGroup>, options: AdamWOptions = {}) {
    super(params, adamDefaults(options, 1e-2));
  }

  step(): void {
    for (let gi = 0; gi < this.paramGroups.length; gi++) adamGroupStep(this.paramGroups[gi]!, this.state, true);
  }

  protected validateGroup(group: AdamParamGroup): void {
    validateAdamGroup('AdamW', group);
  }

  protected stateFromDict(saved: LoadedParamState, param: Tensor, _group: AdamParamGroup, where: string): AdamState {
    return adamStateFromDict(saved, param, where);
  }
}
