/**
 * Seed 004's Model_1, its baseline: "Basic CNN with 2 conv layers and 2 FC layers", 26,698 parameters.
 * The README gives nothing more about the layers, so this is a reconstruction: the plainest such net
 * that has exactly that count, two padded 3x3 convs (8 and 16 channels) each followed by ReLU and a
 * 2x2 max pool (28 -> 14 -> 7), then fc1 (784 -> 32), ReLU and fc2 (32 -> 10). The seed trained it with
 * CrossEntropyLoss on its logits; like every zoo model this one returns log_softmax of those logits,
 * which leaves the cross-entropy loss (and every prediction) unchanged.
 *
 *     class Model_1(nn.Module):
 *         def __init__(self):
 *             super().__init__()
 *             self.conv1 = nn.Conv2d(1, 8, 3, padding=1); self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
 *             self.fc1 = nn.Linear(16 * 7 * 7, 32); self.fc2 = nn.Linear(32, 10)
 *         def forward(self, x):
 *             x = F.max_pool2d(F.relu(self.conv1(x)), 2)
 *             x = F.max_pool2d(F.relu(self.conv2(x)), 2)
 *             return F.log_softmax(self.fc2(F.relu(self.fc1(x.flatten(1)))), dim=1)
 */
import { Module } from '../../nn/module.js';
import { Conv2d } from '../../nn/layers/conv2d.js';
import { Linear } from '../../nn/layers/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import { relu } from '../../tensor/ops/activations.js';
import { maxPool2d } from '../../tensor/ops/pool2d.js';
import { logSoftmax } from '../../tensor/ops/softmax.js';

export class BasicCnn extends Module {
  readonly conv1 = new Conv2d(1, 8, 3, { padding: 1 });
  readonly conv2 = new Conv2d(8, 16, 3, { padding: 1 });
  readonly fc1 = new Linear(16 * 7 * 7, 32);
  readonly fc2 = new Linear(32, 10);

  forward(x: Tensor): Tensor {
    x = maxPool2d(relu(this.conv1.call(x)), 2); // 14
    x = maxPool2d(relu(this.conv2.call(x)), 2); // 7
    return logSoftmax(this.fc2.call(relu(this.fc1.call(x.flatten(1)))), 1);
  }
}
