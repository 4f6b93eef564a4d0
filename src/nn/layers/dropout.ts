import { Module } from '../module.js';
import type { Tensor } from '../../tensor/tensor.js';
import { dropout, dropout2d } from '../../tensor/ops/dropout.js';

export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: probability must be between 0 and 1, got ${p}`);
  }
  forward(x: Tensor): Tensor { return dropout(x, this.p, this.training); }
}

export class Dropout2d extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout2d: probability must be between 0 and 1, got ${p}`);
  }
  forward(x: Tensor): Tensor { return dropout2d(x, this.p, this.training); }
}
