/**
 * Seed MNIST-8k's Model 3 (7,944 parameters). Attribute names and order are part of the spec: a
 * state_dict saved from the PyTorch module of the same name loads as it is.
 */
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/layers/conv2d.js';
import { BatchNorm2d } from '../nn/layers/batch-norm.js';
import { Dropout } from '../nn/layers/dropout.js';
import type { Tensor } from '../tensor/tensor.js';
import { relu } from '../tensor/ops/activations.js';
import { avgPool2d, maxPool2d } from '../tensor/ops/pool2d.js';
import { logSoftmax } from '../tensor/ops/softmax.js';
import { batchNormReluDropout } from '../tensor/ops/batch-norm-relu-dropout.js';

export interface Mnist8kM3Config {
  /** Dropout after every conv block. */
  dropout?: number;
}

export class Mnist8kM3 extends Module {
  readonly conv1 = new Conv2d(1, 10, 3, { bias: false });
  readonly bn1 = new BatchNorm2d(10);
  readonly conv2 = new Conv2d(10, 15, 3, { bias: false });
  readonly bn2 = new BatchNorm2d(15);
  readonly conv3 = new Conv2d(15, 10, 1, { bias: false });
  readonly conv4 = new Conv2d(10, 16, 3, { bias: false });
  readonly bn4 = new BatchNorm2d(16);
  readonly conv5 = new Conv2d(16, 16, 3, { bias: false });
  readonly bn5 = new BatchNorm2d(16);
  readonly conv6 = new Conv2d(16, 16, 3, { bias: false });
  readonly bn6 = new BatchNorm2d(16);
  readonly conv7 = new Conv2d(16, 10, 1, { bias: false });
  readonly drop: Dropout;

  constructor(config: Mnist8kM3Config = {}) {
    super();
    this.drop = new Dropout(config.dropout ?? 0.05);
  }

  private block(conv: Conv2d, bn: BatchNorm2d, x: Tensor): Tensor {
    const y = conv.call(x);
    if (bn.training && this.drop.training) return this.fusedBnReluDropout(bn, y);
    return this.drop.call(relu(bn.call(y)));
  }

  /**
   * Speed: in training, bn → ReLU → drop as one fused op (same values, running-stat updates, dropout
   * draws and gradients; one pass over memory instead of three each way). It does what
   * BatchNorm2d.forward does around the op; forward hooks of bn and drop do not fire on this path
   * (the model summary runs in eval mode, which takes the plain path).
   */
  private fusedBnReluDropout(bn: BatchNorm2d, x: Tensor): Tensor {
    let momentum = bn.momentum ?? 0;
    if (bn.num_batches_tracked) {
      bn.num_batches_tracked.data[0]! += 1;
      if (bn.momentum === null) momentum = 1 / bn.num_batches_tracked.data[0]!;
    }
    return batchNormReluDropout(x, bn.running_mean, bn.running_var, bn.weight, bn.bias, { training: true, momentum, eps: bn.eps, p: this.drop.p });
  }

  forward(x: Tensor): Tensor {
    x = this.block(this.conv1, this.bn1, x); // 26x26
    x = this.block(this.conv2, this.bn2, x); // 24x24
    x = maxPool2d(this.conv3.call(x), 2); // 12x12
    x = this.block(this.conv4, this.bn4, x); // 10x10
    x = this.block(this.conv5, this.bn5, x); // 8x8
    x = this.block(this.conv6, this.bn6, x); // 6x6
    x = avgPool2d(x, 6);
    return logSoftmax(this.conv7.call(x).flatten(1), 1);
  }
}
