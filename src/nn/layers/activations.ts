import { Module } from '../module.js';
import type { Tensor } from '../../tensor/tensor.js';
import { gelu, leakyRelu, relu, sigmoid, tanh } from '../../tensor/ops/activations.js';
import { logSoftmax, softmax } from '../../tensor/ops/softmax.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return relu(x); }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  forward(x: Tensor): Tensor { return leakyRelu(x, this.negativeSlope); }
}

export class GELU extends Module {
  forward(x: Tensor): Tensor { return gelu(x); }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return sigmoid(x); }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor { return tanh(x); }
}

export class LogSoftmax extends Module {
  constructor(readonly dim = 1) { super(); }
  forward(x: Tensor): Tensor { return logSoftmax(x, this.dim); }
}

export class Softmax extends Module {
  constructor(readonly dim = 1) { super(); }
  forward(x: Tensor): Tensor { return softmax(x, this.dim); }
}
