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
  /**
   * Widths of conv1, conv2, the 1x1 transition conv3, then one or more 3x3 blocks after the pool
   * (m3 has three: conv4, conv5, conv6). Each 3x3 block shrinks the map by 2, so at most five fit (six with stemPadding).
   */
  widths: readonly [number, number, number, number, ...number[]];
  dropout?: number;
  /**
   * Give the 1x1 transition conv3 a BN and ReLU of its own (bn3, 2 x its width in parameters) instead
   * of feeding its linear output straight to the max pool, as m3 does.
   */
  transitionBn?: boolean;
  /**
   * Zero padding of conv1 and conv2 (PyTorch's padding=1 keeps the 28x28 map): the pool then gives
   * 14x14 and GAP sees a map 2 wider. Same parameters, about 40% more compute. Default 0, as m3.
   */
  stemPadding?: 0 | 1;
  /**
   * Speed option: run BN → ReLU → dropout as one fused op while training (about 10% faster steps).
   * Same values, running stats and dropout draws, but on the wasm backend its backward sums in
   * another order, so gradients differ in the last bits from the default path; the recorded
   * experiments use the default, and a run is only bit-reproducible with the same setting.
   */
  fusedBlocks?: boolean;
}

interface Block {
  conv: Conv2d;
  bn: BatchNorm2d;
}

export class GapNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  /** Only with transitionBn; m3 has none, and so no bn3 key. */
  readonly bn3?: BatchNorm2d;
  /** conv4/bn4, conv5/bn5, ...: registered under those generated names (an ES private field is not a property, so not registered twice). */
  readonly #tail: Block[] = [];
  /** The 1x1 classifier, registered as the next convN (conv7 in m3's layout). */
  readonly #classifier: Conv2d;
  readonly drop: Dropout;
  private readonly fusedBlocks: boolean;
  /** Side of the map that global average pooling sees. */
  private readonly finalSize: number;

  /**
   * Registers its members in the order of m3's PyTorch __init__: conv1, bn1, conv2, bn2, conv3, (bn3),
   * conv4, bn4, ..., the classifier convN, drop. So state_dict is conv1.weight, bn1.{weight, bias,
   * running_mean, running_var, num_batches_tracked}, conv2.weight, ... convN.weight.
   */
  constructor(config: GapNetConfig) {
    super();
    const [c1, c2, t, ...tailWidths] = config.widths;
    const padding = config.stemPadding ?? 0;
    const pooled = (28 - 4 + 4 * padding) / 2;
    const maxBlocks = Math.floor((pooled - 1) / 2);
    if (tailWidths.length < 1 || tailWidths.length > maxBlocks) {
      throw new Error(`GapNet: 1 to ${maxBlocks} blocks after the pool fit a ${pooled}x${pooled} map, got ${tailWidths.length}`);
    }
    this.conv1 = new Conv2d(1, c1, 3, { bias: false, padding });
    this.bn1 = new BatchNorm2d(c1);
    this.conv2 = new Conv2d(c1, c2, 3, { bias: false, padding });
    this.bn2 = new BatchNorm2d(c2);
    this.conv3 = new Conv2d(c2, t, 1, { bias: false });
    if (config.transitionBn) this.bn3 = new BatchNorm2d(t);
    let inChannels = t;
    tailWidths.forEach((width, i) => {
      const block = { conv: new Conv2d(inChannels, width, 3, { bias: false }), bn: new BatchNorm2d(width) };
      this.registerModule(`conv${4 + i}`, block.conv);
      this.registerModule(`bn${4 + i}`, block.bn);
      this.#tail.push(block);
      inChannels = width;
    });
    this.#classifier = new Conv2d(inChannels, 10, 1, { bias: false });
    this.registerModule(`conv${4 + tailWidths.length}`, this.#classifier);
    this.drop = new Dropout(config.dropout ?? 0);
    this.fusedBlocks = config.fusedBlocks ?? false;
    this.finalSize = pooled - 2 * tailWidths.length;
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
    x = this.block(this.conv1, this.bn1, x); // 26x26 (28x28 with stemPadding)
    x = this.block(this.conv2, this.bn2, x); // 24x24 (28x28)
    x = maxPool2d(this.bn3 ? this.block(this.conv3, this.bn3, x) : this.conv3.call(x), 2); // 12x12 (14x14)
    for (const { conv, bn } of this.#tail) x = this.block(conv, bn, x); // 10x10, 8x8, 6x6, ...
    x = avgPool2d(x, this.finalSize);
    return logSoftmax(this.#classifier.call(x).flatten(1), 1);
  }
}
