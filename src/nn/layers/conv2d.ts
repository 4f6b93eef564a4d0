import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { defaultLayerInit } from '../init.js';
import type { Tensor } from '../../tensor/tensor.js';
import { conv2d, type Pair } from '../../tensor/ops/conv2d.js';
import { pair } from '../../tensor/ops/conv2d.js';

export interface Conv2dConfig {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, config: Conv2dConfig = {}) {
    super();
    const groups = config.groups ?? 1;
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`Conv2d: in (${inChannels}) and out (${outChannels}) channels must both be divisible by groups=${groups}`);
    }
    const [kH, kW] = pair(kernelSize);
    this.weight = new Parameter([outChannels, inChannels / groups, kH, kW]);
    this.bias = config.bias ?? true ? new Parameter([outChannels]) : null;
    this.stride = pair(config.stride ?? 1);
    this.padding = pair(config.padding ?? 0);
    this.dilation = pair(config.dilation ?? 1);
    this.groups = groups;
    defaultLayerInit(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}
