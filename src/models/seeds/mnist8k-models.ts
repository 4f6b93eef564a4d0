/**
 * Seed MNIST-8k's three models as its own `models/` files define them (found in the public code
 * index: each file's docstring carries the README's target, parameters and accuracies word for word),
 * so these are transcriptions, not reconstructions. Their attribute names are the seed's, so a
 * state_dict that the seed's code saved loads as it is.
 *
 * - Model 1 (6,379,786 parameters, the README's "6.3M"): seven plain convs with biases and two max
 *   pools, the last 3x3 conv reading the 3x3 map out to the 10 classes.
 * - Model 2 (16,352): four padded 3x3 convs in two pooled blocks, each conv followed by ReLU, BN and
 *   one shared Dropout2d(0.1); two unpadded convs, a 1x1 conv to 10 channels ("antman"), AvgPool2d(3).
 * - Model 3 (7,944): the table in the README, row for row. mnist8k-m3 is the same network under the
 *   attribute names of test/fixtures/pytorch/make_fixtures.py (conv1, bn1, ...); this one keeps the
 *   seed's nn.Sequential blocks (convblock1.0.weight, ...), its ReLU, MaxPool2d and AvgPool2d modules,
 *   and so its summary rows.
 */
import { Module } from '../../nn/module.js';
import { Conv2d } from '../../nn/layers/conv2d.js';
import { BatchNorm2d } from '../../nn/layers/batch-norm.js';
import { Dropout, Dropout2d } from '../../nn/layers/dropout.js';
import { AvgPool2d, MaxPool2d } from '../../nn/layers/pooling.js';
import { Sequential } from '../../nn/layers/sequential.js';
import type { Tensor } from '../../tensor/tensor.js';
import { relu } from '../../tensor/ops/activations.js';
import { logSoftmax } from '../../tensor/ops/softmax.js';
import { convBlock } from './conv-block.js';

/**
 *     class Net(nn.Module):                      # the seed's models/model_1.py
 *         def __init__(self):
 *             self.conv1 = nn.Conv2d(1, 32, 3, padding=1); self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
 *             self.pool1 = nn.MaxPool2d(2, 2)
 *             self.conv3 = nn.Conv2d(64, 128, 3, padding=1); self.conv4 = nn.Conv2d(128, 256, 3, padding=1)
 *             self.pool2 = nn.MaxPool2d(2, 2)
 *             self.conv5 = nn.Conv2d(256, 512, 3); self.conv6 = nn.Conv2d(512, 1024, 3); self.conv7 = nn.Conv2d(1024, 10, 3)
 *         def forward(self, x):
 *             x = self.pool1(F.relu(self.conv2(F.relu(self.conv1(x)))))
 *             x = self.pool2(F.relu(self.conv4(F.relu(self.conv3(x)))))
 *             x = F.relu(self.conv6(F.relu(self.conv5(x))))
 *             return F.log_softmax(self.conv7(x).view(-1, 10), dim=-1)
 */
export class Mnist8kModel1 extends Module {
  readonly conv1 = new Conv2d(1, 32, 3, { padding: 1 });
  readonly conv2 = new Conv2d(32, 64, 3, { padding: 1 });
  readonly pool1 = new MaxPool2d(2, { stride: 2 });
  readonly conv3 = new Conv2d(64, 128, 3, { padding: 1 });
  readonly conv4 = new Conv2d(128, 256, 3, { padding: 1 });
  readonly pool2 = new MaxPool2d(2, { stride: 2 });
  readonly conv5 = new Conv2d(256, 512, 3);
  readonly conv6 = new Conv2d(512, 1024, 3);
  readonly conv7 = new Conv2d(1024, 10, 3);

  forward(x: Tensor): Tensor {
    x = this.pool1.call(relu(this.conv2.call(relu(this.conv1.call(x))))); // 28 -> 14
    x = this.pool2.call(relu(this.conv4.call(relu(this.conv3.call(x))))); // 14 -> 7
    x = relu(this.conv6.call(relu(this.conv5.call(x)))); // 5, 3
    return logSoftmax(this.conv7.call(x).reshape([-1, 10]), 1);
  }
}

/**
 *     class Net(nn.Module):                      # the seed's models/model_2.py
 *         def __init__(self):
 *             self.conv1 = nn.Conv2d(1, 8, 3, padding=1, bias=False); self.norm1 = nn.BatchNorm2d(8)
 *             self.drop = nn.Dropout2d(0.1)
 *             self.conv2 = nn.Conv2d(8, 12, 3, padding=1, bias=False); self.norm2 = nn.BatchNorm2d(12)
 *             self.pool = nn.MaxPool2d(2, 2)
 *             self.conv3 = nn.Conv2d(12, 16, 3, padding=1, bias=False); self.norm3 = nn.BatchNorm2d(16)
 *             self.conv4 = nn.Conv2d(16, 20, 3, padding=1, bias=False); self.norm4 = nn.BatchNorm2d(20)
 *             self.conv5 = nn.Conv2d(20, 24, 3, bias=False); self.norm5 = nn.BatchNorm2d(24)
 *             self.conv6 = nn.Conv2d(24, 28, 3, bias=False)
 *             self.antman = nn.Conv2d(28, 10, 1, bias=False)
 *             self.gap = nn.AvgPool2d(3)
 *         def forward(self, x):
 *             x = self.drop(self.norm1(F.relu(self.conv1(x))))
 *             x = self.pool(self.drop(self.norm2(F.relu(self.conv2(x)))))        # 14
 *             x = self.drop(self.norm3(F.relu(self.conv3(x))))
 *             x = self.pool(self.drop(self.norm4(F.relu(self.conv4(x)))))        # 7
 *             x = F.relu(self.conv6(self.norm5(F.relu(self.conv5(x)))))          # 5, 3
 *             return F.log_softmax(self.gap(self.antman(x)).view(-1, 10))
 *
 * (The seed assigns `self.drop` and `self.pool` again between the convs; re-assigning an attribute
 * keeps its first place, so the registration order is the one above.)
 */
export class Mnist8kModel2 extends Module {
  readonly conv1 = new Conv2d(1, 8, 3, { padding: 1, bias: false });
  readonly norm1 = new BatchNorm2d(8);
  readonly drop: Dropout2d;
  readonly conv2 = new Conv2d(8, 12, 3, { padding: 1, bias: false });
  readonly norm2 = new BatchNorm2d(12);
  readonly pool = new MaxPool2d(2, { stride: 2 });
  readonly conv3 = new Conv2d(12, 16, 3, { padding: 1, bias: false });
  readonly norm3 = new BatchNorm2d(16);
  readonly conv4 = new Conv2d(16, 20, 3, { padding: 1, bias: false });
  readonly norm4 = new BatchNorm2d(20);
  readonly conv5 = new Conv2d(20, 24, 3, { bias: false });
  readonly norm5 = new BatchNorm2d(24);
  readonly conv6 = new Conv2d(24, 28, 3, { bias: false });
  readonly antman = new Conv2d(28, 10, 1, { bias: false });
  readonly gap = new AvgPool2d(3);

  constructor(config: { dropout?: number } = {}) {
    super();
    this.drop = new Dropout2d(config.dropout ?? 0.1);
  }

  forward(x: Tensor): Tensor {
    x = this.drop.call(this.norm1.call(relu(this.conv1.call(x)))); // 28
    x = this.pool.call(this.drop.call(this.norm2.call(relu(this.conv2.call(x))))); // 14
    x = this.drop.call(this.norm3.call(relu(this.conv3.call(x))));
    x = this.pool.call(this.drop.call(this.norm4.call(relu(this.conv4.call(x))))); // 7
    x = relu(this.conv6.call(this.norm5.call(relu(this.conv5.call(x))))); // 5, 3
    return logSoftmax(this.gap.call(this.antman.call(x)).reshape([-1, 10]), 1);
  }
}

/**
 *     class Net(nn.Module):                      # the seed's models/model_3.py
 *         def __init__(self):
 *             self.convblock1 = nn.Sequential(nn.Conv2d(1, 10, 3, bias=False), nn.BatchNorm2d(10), nn.ReLU())
 *             self.convblock2 = nn.Sequential(nn.Conv2d(10, 15, 3, bias=False), nn.BatchNorm2d(15), nn.ReLU())
 *             self.convblock3 = nn.Sequential(nn.Conv2d(15, 10, 1, bias=False))
 *             self.pool1 = nn.MaxPool2d(2, 2)
 *             self.convblock4 = nn.Sequential(nn.Conv2d(10, 16, 3, bias=False), nn.BatchNorm2d(16), nn.ReLU())
 *             self.convblock5 = nn.Sequential(nn.Conv2d(16, 16, 3, bias=False), nn.BatchNorm2d(16), nn.ReLU())
 *             self.convblock6 = nn.Sequential(nn.Conv2d(16, 16, 3, bias=False), nn.BatchNorm2d(16), nn.ReLU())
 *             self.gap = nn.Sequential(nn.AvgPool2d(kernel_size=6))
 *             self.convblock7 = nn.Sequential(nn.Conv2d(16, 10, 1, bias=False))
 *             self.dropout = nn.Dropout(0.05)
 *         def forward(self, x):
 *             x = self.dropout(self.convblock1(x)); x = self.dropout(self.convblock2(x))
 *             x = self.pool1(self.convblock3(x))
 *             x = self.dropout(self.convblock4(x)); x = self.dropout(self.convblock5(x)); x = self.dropout(self.convblock6(x))
 *             return F.log_softmax(self.convblock7(self.gap(x)).view(-1, 10), dim=-1)
 */
export class Mnist8kModel3 extends Module {
  readonly convblock1 = convBlock(1, 10, 3);
  readonly convblock2 = convBlock(10, 15, 3);
  readonly convblock3 = convBlock(15, 10, 1, { after: 'none' });
  readonly pool1 = new MaxPool2d(2, { stride: 2 });
  readonly convblock4 = convBlock(10, 16, 3);
  readonly convblock5 = convBlock(16, 16, 3);
  readonly convblock6 = convBlock(16, 16, 3);
  readonly gap = new Sequential(new AvgPool2d(6));
  readonly convblock7 = convBlock(16, 10, 1, { after: 'none' });
  readonly dropout: Dropout;

  constructor(config: { dropout?: number } = {}) {
    super();
    this.dropout = new Dropout(config.dropout ?? 0.05);
  }

  forward(x: Tensor): Tensor {
    x = this.dropout.call(this.convblock1.call(x)); // 26
    x = this.dropout.call(this.convblock2.call(x)); // 24
    x = this.pool1.call(this.convblock3.call(x)); // 12
    x = this.dropout.call(this.convblock4.call(x)); // 10
    x = this.dropout.call(this.convblock5.call(x)); // 8
    x = this.dropout.call(this.convblock6.call(x)); // 6
    return logSoftmax(this.convblock7.call(this.gap.call(x)).reshape([-1, 10]), 1);
  }
}
