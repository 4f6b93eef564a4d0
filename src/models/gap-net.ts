/**
 * GapNet: seed MNIST-8k Model 3's topology with its widths as parameters and no dropout by default. Two 3x3 blocks
 * at full resolution, a 1x1 transition and 2x2 max pool, three more 3x3 blocks down to 6x6, global
 * average pooling and a 1x1 classifier. Attribute names follow m3 (conv1…conv7, bn1…bn6), so the
 * same PyTorch module definition with other widths loads these checkpoints.
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

export interface GapNetConfig {
  /** Widths of conv1, conv2, the 1x1 transition conv3, conv4, conv5 and conv6. */
  widths: readonly [number, number, number, number, number, number];
  dropout?: number;
  /**
   * Speed option: run BN → ReLU → dropout as one fused op while training (about 10% faster steps).
   * Same values, running stats and dropout draws, but on the wasm backend its backward sums in
   * another order, so gradients differ in the last bits from the default path; the recorded
   * experiments use the default, and a run is only bit-reproducible with the same setting.
   */
  fusedBlocks?: boolean;
}

export class GapNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly conv4: Conv2d;
  readonly bn4: BatchNorm2d;
  readonly conv5: Conv2d;
  readonly bn5: BatchNorm2d;
  readonly conv6: Conv2d;
  readonly bn6: BatchNorm2d;
  readonly conv7: Conv2d;
  readonly drop: Dropout;
  private readonly fusedBlocks: boolean;

  constructor(config: GapNetConfig) {
    super();
    const [c1, c2, t, c4, c5, c6] = config.widths;
    this.conv1 = new Conv2d(1, c1, 3, { bias: false });
    this.bn1 = new BatchNorm2d(c1);
    this.conv2 = new Conv2d(c1, c2, 3, { bias: false });
    this.bn2 = new BatchNorm2d(c2);
    this.conv3 = new Conv2d(c2, t, 1, { bias: false });
    this.conv4 = new Conv2d(t, c4, 3, { bias: false });
    this.bn4 = new BatchNorm2d(c4);
    this.conv5 = new Conv2d(c4, c5, 3, { bias: false });
    this.bn5 = new BatchNorm2d(c5);
    this.conv6 = new Conv2d(c5, c6, 3, { bias: false });
    this.bn6 = new BatchNorm2d(c6);
    this.conv7 = new Conv2d(c6, 10, 1, { bias: false });
    this.drop = new Dropout(config.dropout ?? 0);
    this.fusedBlocks = config.fusedBlocks ?? false;
  }

  private block(conv: Conv2d, bn: BatchNorm2d, x: Tensor): Tensor {
    const y = conv.call(x);
    if (this.fusedBlocks && bn.training && this.drop.training) return this.fusedBnReluDropout(bn, y);
    return this.drop.call(relu(bn.call(y)));
  }

  /**
   * BN's own bookkeeping (num_batches_tracked, cumulative momentum), then the fused op. The forward
   * hooks of bn and drop do not fire on this path; the summary runs in eval mode, on the plain path.
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
