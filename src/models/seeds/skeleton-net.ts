/**
 * The course skeleton that seed 001 (Session 6, Model 1) and seed 003 (CNN-MNIST3, iterations 1-3)
 * start from: three 3x3 convs at full resolution, a 2x2 max pool, a 1x1 transition, two more 3x3 convs,
 * a 1x1 conv down to 10 channels and a 7x7 conv that reads the 7x7 map out to the 10 classes (no GAP,
 * no fully connected layer). Every conv is unpadded and bias-free, each in its own nn.Sequential block.
 *
 * The seeds' READMEs give only parameter counts (194,884; 10,790; 10,970) and, for seed 003, torchsummary's
 * "Params size" and "Estimated Total Size" (0.74/2.94 MB, 0.04/0.45 MB, 0.04/0.73 MB); this layout is
 * the course's (its "basic skeleton", "lighter model" and "regularization" steps), which gives all of
 * them exactly, so these models are reconstructions that match every figure the READMEs state.
 *
 * The PyTorch module with the same state_dict keys and summary rows:
 *
 *     def block(cin, cout, k, bn, drop=None):   # Conv2d(bias=False), [BatchNorm2d], ReLU, [Dropout]
 *         layers = [nn.Conv2d(cin, cout, k, bias=False)] + ([nn.BatchNorm2d(cout)] if bn else []) + [nn.ReLU()]
 *         return nn.Sequential(*(layers + ([nn.Dropout(drop)] if drop is not None else [])))
 *
 *     class SkeletonNet(nn.Module):
 *         def __init__(self, w=(10, 10, 20, 10, 10, 20), bn=False, dropout=None):
 *             super().__init__()
 *             self.convblock1 = block(1, w[0], 3, bn)              # 26
 *             self.convblock2 = block(w[0], w[1], 3, bn)           # 24
 *             self.convblock3 = block(w[1], w[2], 3, bn, dropout)  # 22
 *             self.pool1 = nn.MaxPool2d(2, 2)                      # 11
 *             self.convblock4 = block(w[2], w[3], 1, bn)           # 11
 *             self.convblock5 = block(w[3], w[4], 3, bn)           # 9
 *             self.convblock6 = block(w[4], w[5], 3, bn, dropout)  # 7
 *             self.convblock7 = block(w[5], 10, 1, bn)             # 7
 *             self.convblock8 = nn.Sequential(nn.Conv2d(10, 10, 7, bias=False))  # 1
 *         def forward(self, x):
 *             x = self.pool1(self.convblock3(self.convblock2(self.convblock1(x))))
 *             for b in (self.convblock4, self.convblock5, self.convblock6, self.convblock7, self.convblock8):
 *                 x = b(x)
 *             return F.log_softmax(x.view(-1, 10), dim=-1)
 */
import { Module } from '../../nn/module.js';
import { MaxPool2d } from '../../nn/layers/pooling.js';
import type { Sequential } from '../../nn/layers/sequential.js';
import type { Tensor } from '../../tensor/tensor.js';
import { logSoftmax } from '../../tensor/ops/softmax.js';
import { convBlock } from './conv-block.js';

export interface SkeletonNetConfig {
  /** Widths of convblock1-3 (3x3), the 1x1 transition convblock4, and convblock5-6 (3x3). */
  widths: readonly [number, number, number, number, number, number];
  /** BatchNorm2d after every conv but the last (Conv, BN, ReLU). */
  batchNorm?: boolean;
  /** Dropout at the end of convblock3 and convblock6 (the last block at each resolution). */
  dropout?: number;
}

export class SkeletonNet extends Module {
  readonly convblock1: Sequential;
  readonly convblock2: Sequential;
  readonly convblock3: Sequential;
  readonly pool1 = new MaxPool2d(2, { stride: 2 });
  readonly convblock4: Sequential;
  readonly convblock5: Sequential;
  readonly convblock6: Sequential;
  readonly convblock7: Sequential;
  readonly convblock8: Sequential;

  constructor(config: SkeletonNetConfig) {
    super();
    const [c1, c2, c3, t, c5, c6] = config.widths;
    const after = config.batchNorm ? 'bn-relu' : 'relu';
    const drop = config.dropout;
    this.convblock1 = convBlock(1, c1, 3, { after });
    this.convblock2 = convBlock(c1, c2, 3, { after });
    this.convblock3 = convBlock(c2, c3, 3, { after, dropout: drop });
    this.convblock4 = convBlock(c3, t, 1, { after });
    this.convblock5 = convBlock(t, c5, 3, { after });
    this.convblock6 = convBlock(c5, c6, 3, { after, dropout: drop });
    this.convblock7 = convBlock(c6, 10, 1, { after });
    this.convblock8 = convBlock(10, 10, 7, { after: 'none' });
  }

  forward(x: Tensor): Tensor {
    x = this.pool1.call(this.convblock3.call(this.convblock2.call(this.convblock1.call(x)))); // 22 -> 11
    for (const block of [this.convblock4, this.convblock5, this.convblock6, this.convblock7, this.convblock8]) x = block.call(x); // 11, 9, 7, 7, 1
    return logSoftmax(x.reshape([-1, 10]), 1);
  }
}
