/**
 * PyTorch's `torch.optim.swa_utils.update_bn`: recompute every BatchNorm layer's running statistics
 * for the model's current weights, as a cumulative average over one pass of a loader.
 *
 * An average of weights (optim/ema.ts) is a network that never ran forward during training, so the
 * running statistics that training left behind describe other weights; this pass measures its own.
 *
 * One departure from PyTorch, which puts the whole model in training mode: only the BN layers are,
 * so dropout stays off. The statistics are then those the evaluated network sees, and the pass draws
 * nothing from the engine's random stream, so it leaves the training run's draws untouched.
 */
import type { Module } from '../nn/module.js';
import { BatchNormBase } from '../nn/layers/batch-norm.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/grad-mode.js';
import { scope } from '../tensor/memory-scope.js';
import type { DataLoader } from '../data/data-loader.js';

export function updateBn(model: Module, loader: DataLoader): void {
  const modules = model.namedModules().map(([, m]) => m);
  const layers = modules.filter((m): m is BatchNormBase => m instanceof BatchNormBase && m.running_mean !== null);
  if (layers.length === 0) return;
  const modes = modules.map((m) => m.training);
  const momenta = layers.map((bn) => bn.momentum);
  model.eval();
  for (const bn of layers) {
    bn.resetRunningStats();
    bn.momentum = null;
    bn.training = true;
  }
  try {
    const { height, width } = loader.dataset;
    for (const batch of loader) {
      noGrad(() => scope(() => void model.call(new Tensor(batch.images, [batch.size, 1, height, width], false, false))));
    }
  } finally {
    layers.forEach((bn, i) => (bn.momentum = momenta[i]!));
    modules.forEach((m, i) => (m.training = modes[i]!));
  }
}
