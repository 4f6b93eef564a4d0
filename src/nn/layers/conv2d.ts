import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { defaultLayerInit } from '../init.js';
import type { Tensor } from '../../tensor/tensor.js';
import { conv2d, type Pair } from '../../tensor/ops/conv2d.js';
import { pair } from '../../tensor/ops/conv2d.js';

/** PyTorch's padding modes; only 'zeros' (its default) is implemented, and the others are refused. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

const PADDING_MODES: readonly string[] = ['zeros', 'reflect', 'replicate', 'circular'];

export interface Conv2dConfig {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  /** PyTorch's padding_mode. Default 'zeros', the only one supported; any other throws. */
  paddingMode?: PaddingMode;
}

export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: 'zeros';

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, config: Conv2dConfig = {}) {
    super();
    this.paddingMode = checkPaddingMode(config.paddingMode);
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

function checkPaddingMode(mode: unknown): 'zeros' {
  if (mode === undefined || mode === 'zeros') return 'zeros';
  if (typeof mode === 'string' && PADDING_MODES.includes(mode)) {
    throw new Error(`Conv2d: padding_mode '${mode}' is not supported; only 'zeros' (PyTorch's default) is: drop paddingMode or pass 'zeros'`);
  }
  throw new Error(`Conv2d: padding_mode ${JSON.stringify(mode)} is not one of PyTorch's ('zeros', 'reflect', 'replicate', 'circular'); only 'zeros' is supported`);
}
