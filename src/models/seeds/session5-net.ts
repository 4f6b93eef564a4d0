/**
 * Seed 000 (Session 5): four iterations of a small conv net with two fully connected layers. The
 * README states, per iteration, the parameter count, the BatchNorm layers (none; 2x BatchNorm2d; 2x
 * BatchNorm2d and 1x BatchNorm1d), the two fully connected layers (hidden 65, 65, 32, 48, then 10) and
 * ReLU + LogSoftmax, but not the conv layers, so these are reconstructions: one conv body for all
 * four, with widths chosen to give each count exactly.
 *
 * The body: two 3x3 convs at full resolution (26, 24), a 2x2 max pool (12), a 1x1 conv, a 3x3 conv (10)
 * and a second pool (5), then fc1 on the 5x5 map, [BatchNorm1d], ReLU, fc2 and log_softmax. The two
 * BatchNorm2d follow the first two convs; every layer keeps PyTorch's default bias.
 *
 *     class Session5Net(nn.Module):
 *         def __init__(self, w=(16, 32, 20, 10), hidden=65, bn2d=False, bn1d=False):
 *             super().__init__()
 *             self.conv1 = nn.Conv2d(1, w[0], 3); self.bn1 = nn.BatchNorm2d(w[0]) if bn2d else None
 *             self.conv2 = nn.Conv2d(w[0], w[1], 3); self.bn2 = nn.BatchNorm2d(w[1]) if bn2d else None
 *             self.conv3 = nn.Conv2d(w[1], w[2], 1)
 *             self.conv4 = nn.Conv2d(w[2], w[3], 3)
 *             self.fc1 = nn.Linear(w[3] * 5 * 5, hidden); self.bn3 = nn.BatchNorm1d(hidden) if bn1d else None
 *             self.fc2 = nn.Linear(hidden, 10)
 *         def forward(self, x):
 *             x = F.relu(self.bn1(self.conv1(x)) if self.bn1 else self.conv1(x))
 *             x = F.relu(self.bn2(self.conv2(x)) if self.bn2 else self.conv2(x))
 *             x = F.relu(self.conv3(F.max_pool2d(x, 2)))
 *             x = F.max_pool2d(F.relu(self.conv4(x)), 2)
 *             x = self.fc1(x.view(x.size(0), -1))
 *             x = F.relu(self.bn3(x) if self.bn3 else x)
 *             return F.log_softmax(self.fc2(x), dim=1)
 */
import { Module } from '../../nn/module.js';
import { Conv2d } from '../../nn/layers/conv2d.js';
import { BatchNorm1d, BatchNorm2d } from '../../nn/layers/batch-norm.js';
import { Linear } from '../../nn/layers/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import { relu } from '../../tensor/ops/activations.js';
import { maxPool2d } from '../../tensor/ops/pool2d.js';
import { logSoftmax } from '../../tensor/ops/softmax.js';

export interface Session5NetConfig {
  /** conv1 and conv2 (3x3), conv3 (1x1), conv4 (3x3). */
  widths: readonly [number, number, number, number];
  /** fc1's output features. */
  hidden: number;
  /** BatchNorm2d after conv1 and conv2. */
  batchNorm2d?: boolean;
  /** BatchNorm1d after fc1. */
  batchNorm1d?: boolean;
}

export class Session5Net extends Module {
  readonly conv1: Conv2d;
  readonly bn1?: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2?: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly conv4: Conv2d;
  readonly fc1: Linear;
  readonly bn3?: BatchNorm1d;
  readonly fc2: Linear;

  constructor(config: Session5NetConfig) {
    super();
    const [c1, c2, c3, c4] = config.widths;
    this.conv1 = new Conv2d(1, c1, 3);
    if (config.batchNorm2d) this.bn1 = new BatchNorm2d(c1);
    this.conv2 = new Conv2d(c1, c2, 3);
    if (config.batchNorm2d) this.bn2 = new BatchNorm2d(c2);
    this.conv3 = new Conv2d(c2, c3, 1);
    this.conv4 = new Conv2d(c3, c4, 3);
    this.fc1 = new Linear(c4 * 5 * 5, config.hidden);
    if (config.batchNorm1d) this.bn3 = new BatchNorm1d(config.hidden);
    this.fc2 = new Linear(config.hidden, 10);
  }

  forward(x: Tensor): Tensor {
    x = this.conv1.call(x); // 26
    x = relu(this.bn1 ? this.bn1.call(x) : x);
    x = this.conv2.call(x); // 24
    x = relu(this.bn2 ? this.bn2.call(x) : x);
    x = relu(this.conv3.call(maxPool2d(x, 2))); // 12
    x = maxPool2d(relu(this.conv4.call(x)), 2); // 10 -> 5
    x = this.fc1.call(x.flatten(1));
    x = relu(this.bn3 ? this.bn3.call(x) : x);
    return logSoftmax(this.fc2.call(x), 1);
  }
}
