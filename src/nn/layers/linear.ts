import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { defaultLayerInit } from '../init.js';
import type { Tensor } from '../../tensor/tensor.js';
import { linear } from '../../tensor/ops/linear.js';

export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, config: { bias?: boolean } = {}) {
    super();
    this.weight = new Parameter([outFeatures, inFeatures]);
    this.bias = config.bias ?? true ? new Parameter([outFeatures]) : null;
    defaultLayerInit(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
