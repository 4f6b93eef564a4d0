/**
 * Adam (torch.optim.Adam 1.13) with L2 weight decay folded into the gradient, optional AMSGrad and
 * maximize. The update is in adam-family.ts, shared with AdamW.
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

export type { AdamOptions, AdamParamGroup, AdamState } from './adam-family.js';

export class Adam extends Optimizer<AdamParamGroup, AdamState> {
  /** Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, amsgrad false, maximize false. */
  constructor(params: ParamsInput<AdamParamGroup>, options: AdamOptions = {}) {
    super(params, adamDefaults(options, 0));
  }

  step(): void {
    for (let gi = 0; gi < this.paramGroups.length; gi++) adamGroupStep(this.paramGroups[gi]!, this.state, false);
  }

  protected validateGroup(group: AdamParamGroup): void {
    validateAdamGroup('Adam', group);
  }

  protected stateFromDict(saved: LoadedParamState, param: Tensor, _group: AdamParamGroup, where: string): AdamState {
    return adamStateFromDict(saved, param, where);
  }
}
