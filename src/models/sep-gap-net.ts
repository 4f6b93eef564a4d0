/**
 * SepGapNet: GapNet's stem (two dense 3x3 blocks at full resolution, then a 2x2 max pool) followed by
 * depthwise-separable 3x3 blocks down to a small map, global average pooling and a 1x1 classifier.
 *
 * Why separable: under a fixed parameter budget a dense 3x3 conv spends 9·cin·cout weights on every
 * block, so GapNet-8k's tail is only 14-18 channels wide and three blocks deep. A depthwise 3x3 plus a
 * pointwise 1x1 costs 9·cin + cin·cout, which buys twice the width and a fourth block for the same
 * budget. By default no 1x1 transition before the pool: the first pointwise conv already mixes the channels.
 *
 * The PyTorch module with the same state_dict keys:
 *
 *     class SeparableBlock(nn.Module):            # blocks.N.depthwise / [.depthwiseBn] / .pointwise / .bn
 *         def __init__(self, cin, cout, depthwise_norm=False):
 *             super().__init__()
 *             self.depthwise = nn.Conv2d(cin, cin, 3, groups=cin, bias=False)
 *             self.depthwiseBn = nn.BatchNorm2d(cin) if depthwise_norm else None
 *             self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)
 *             self.bn = nn.BatchNorm2d(cout)
 *         def forward(self, x):
 *             x = self.depthwise(x)
 *             if self.depthwiseBn is not None: x = F.relu(self.depthwiseBn(x))
 *             return F.relu(self.bn(self.pointwise(x)))
 *
 *     class SepGapNet(nn.Module):                 # conv1, bn1, conv2, bn2, blocks, classifier
 *         def __init__(self, stem=(10, 16), widths=(36, 36, 36, 36), transition=None, depthwise_norm=False):
 *             super().__init__()
 *             self.conv1 = nn.Conv2d(1, stem[0], 3, bias=False); self.bn1 = nn.BatchNorm2d(stem[0])
 *             self.conv2 = nn.Conv2d(stem[0], stem[1], 3, bias=False); self.bn2 = nn.BatchNorm2d(stem[1])
 *             self.transition = nn.Conv2d(stem[1], transition, 1, bias=False) if transition else None
 *             ins = (transition or stem[1],) + tuple(widths[:-1])
 *             self.blocks = nn.Sequential(*[SeparableBlock(i, o, depthwise_norm) for i, o in zip(ins, widths)])
 *             self.classifier = nn.Conv2d(widths[-1], 10, 1, bias=False)
 *         def forward(self, x):
 *             x = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))
 *             x = F.max_pool2d(self.transition(x) if self.transition else x, 2)
 *             x = F.adaptive_avg_pool2d(self.blocks(x), 1)
 *             return F.log_softmax(self.classifier(x).flatten(1), dim=1)
 */
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/layers/conv2d.js';
import { BatchNorm2d } from '../nn/layers/batch-norm.js';
import { Sequential } from '../nn/layers/sequential.js';
import type { Tensor } from '../tensor/tensor.js';
import { relu } from '../tensor/ops/activations.js';
import { avgPool2d, maxPool2d } from '../tensor/ops/pool2d.js';
import { logSoftmax } from '../tensor/ops/softmax.js';

export interface SepGapNetConfig {
  /** Widths of the two dense 3x3 convs at full resolution (26x26, then 24x24). */
  stem: readonly [number, number];
  /** Widths of the separable blocks after the pool; each shrinks the 12x12 map by 2, so at most five fit. */
  widths: readonly number[];
  /**
   * Width of an optional 1x1 conv between the stem and the pool (m3's conv3 layout, key `transition`),
   * which narrows the channels the first depthwise conv sees. Default: none.
   */
  transition?: number;
  /**
   * A BN and ReLU between each block's depthwise and pointwise convs (MobileNet v1's block, key
   * `blocks.N.depthwiseBn`), at 2·cin parameters a block. Without it the depthwise output reaches the 1x1
   * conv unnormalised, so the two convs act as one linear map. Default: off (the champion's blocks).
   */
  depthwiseNorm?: boolean;
}

/** Depthwise 3x3 (one filter per channel), [BN, ReLU,] pointwise 1x1, BN, ReLU: one unpadded block. */
export class SeparableBlock extends Module {
  readonly depthwise: Conv2d;
  readonly depthwiseBn?: BatchNorm2d;
  readonly pointwise: Conv2d;
  readonly bn: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, depthwiseNorm = false) {
    super();
    this.depthwise = new Conv2d(inChannels, inChannels, 3, { bias: false, groups: inChannels });
    // Registered in PyTorch's attribute order (depthwise, depthwiseBn, pointwise, bn), so that
    // state_dict keys and init draws follow the module written in the file's comment.
    if (depthwiseNorm) this.depthwiseBn = new BatchNorm2d(inChannels);
    this.pointwise = new Conv2d(inChannels, outChannels, 1, { bias: false });
    this.bn = new BatchNorm2d(outChannels);
  }

  forward(x: Tensor): Tensor {
    let y = this.depthwise.call(x);
    if (this.depthwiseBn) y = relu(this.depthwiseBn.call(y));
    return relu(this.bn.call(this.pointwise.call(y)));
  }
}

export class SepGapNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly transition?: Conv2d;
  readonly blocks: Sequential;
  readonly classifier: Conv2d;
  /** Side of the map that global average pooling sees. */
  private readonly finalSize: number;

  constructor(config: SepGapNetConfig) {
    super();
    const [c1, c2] = config.stem;
    const widths = config.widths;
    if (widths.length < 1 || widths.length > 5) {
      throw new Error(`SepGapNet: 1 to 5 separable blocks fit the 12x12 map after the pool, got ${widths.length}`);
    }
    this.conv1 = new Conv2d(1, c1, 3, { bias: false });
    this.bn1 = new BatchNorm2d(c1);
    this.conv2 = new Conv2d(c1, c2, 3, { bias: false });
    this.bn2 = new BatchNorm2d(c2);
    if (config.transition) this.transition = new Conv2d(c2, config.transition, 1, { bias: false });
    const inputs = [config.transition ?? c2, ...widths.slice(0, -1)];
    this.blocks = new Sequential(...widths.map((w, i) => new SeparableBlock(inputs[i]!, w, config.depthwiseNorm)));
    this.classifier = new Conv2d(widths[widths.length - 1]!, 10, 1, { bias: false });
    this.finalSize = 12 - 2 * widths.length;
  }

  forward(x: Tensor): Tensor {
    x = relu(this.bn1.call(this.conv1.call(x))); // 26x26
    x = relu(this.bn2.call(this.conv2.call(x))); // 24x24
    x = maxPool2d(this.transition ? this.transition.call(x) : x, 2); // 12x12
    x = avgPool2d(this.blocks.call(x), this.finalSize); // 12 - 2·blocks, averaged to 1x1
    return logSoftmax(this.classifier.call(x).flatten(1), 1);
  }
}
