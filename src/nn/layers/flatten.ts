import { Module } from '../module.js';
import type { Tensor } from '../../tensor/tensor.js';
import { flatten } from '../../tensor/ops/reshape.js';

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor { return flatten(x, this.startDim, this.endDim); }
}
