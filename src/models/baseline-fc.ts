/**
 * The heavy baseline of the iteration story: plain convolutions, two max pools and two fully
 * connected layers, no batch norm, no dropout. Most of its 56k parameters sit in the first fully
 * connected layer, which is cheap to compute, so it trains about as fast as m3.
 */
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/layers/conv2d.js';
import { Linear } from '../nn/layers/linear.js';
import type { Tensor } from '../tensor/tensor.js';
import { relu } from '../tensor/ops/activations.js';
import { maxPool2d } from '../tensor/ops/pool2d.js';
import { logSoftmax } from '../tensor/ops/softmax.js';

export class BaselineFc extends Module {
  readonly conv1 = new Conv2d(1, 8, 3);
  readonly conv2 = new Conv2d(8, 16, 3);
  readonly conv3 = new Conv2d(16, 16, 3);
  readonly fc1 = new Linear(16 * 5 * 5, 128);
  readonly fc2 = new Linear(128, 10);

  forward(x: Tensor): Tensor {
    x = relu(this.conv1.call(x)); // 26x26
    x = maxPool2d(relu(this.conv2.call(x)), 2); // 24 -> 12
    x = maxPool2d(relu(this.conv3.call(x)), 2); // 10 -> 5
    x = relu(this.fc1.call(x.flatten(1)));
    return logSoftmax(this.fc2.call(x), 1);
  }
}
