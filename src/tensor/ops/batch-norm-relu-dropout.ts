/**
 * dropout(relu(batch_norm(x)), p) as one op: the conv block of mnist8k-m3 and its kin. Same values,
 * running-stat updates, dropout seed draws and gradients as the three ops in a row, but one kernel
 * pass forward and one backward instead of three each, and no stored dropout mask (the kernels read
 * the mask back from the output). Outside training it is exactly the three ops in a row.
 */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../memory-scope.js';
import { getBackend } from '../../backend/current.js';
import { getDropoutRng } from '../random.js';
import { formatShape } from '../shape.js';
import { batchNorm, batchNormShape, recordBatchNormWithBatchStats, updateRunningStats, type BatchNormOptions } from './batch-norm.js';
import { relu } from './activations.js';
import { dropout } from './dropout.js';
import { allocKernelOutput } from './kernel-output.js';

export interface BatchNormReluDropoutOptions extends BatchNormOptions {
  /** Dropout probability (inverted dropout, element-wise). */
  p: number;
  /** Whether dropout is active (a Dropout module's training flag); batch norm follows `training`. */
  dropoutTraining?: boolean;
}

export function batchNormReluDropout(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  options: BatchNormReluDropoutOptions,
): Tensor {
  const { p } = options;
  const dropoutTraining = options.dropoutTraining ?? options.training;
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: probability must be between 0 and 1, got ${p}`);
  const fusable = options.training && (dropoutTraining || p === 0) && p < 1 && x.ndim >= 2;
  if (!fusable) return dropout(relu(batchNorm(x, runningMean, runningVar, weight, bias, options)), p, dropoutTraining);

  const momentum = options.momentum ?? 0.1;
  const eps = options.eps ?? 1e-5;
  const s = batchNormShape(x, runningMean, runningVar, weight, bias);
  const count = s.n * s.spatial;
  if (count <= 1) throw new Error(`batchNorm: expected more than 1 value per channel when training, got input ${formatShape(x.shape)}`);
  const backend = getBackend();
  const out = new Tensor(allocKernelOutput(x.size), x.shape);
  const mean = allocFloat32(s.c);
  const variance = allocFloat32(s.c);
  const invStd = allocFloat32(s.c);
  // The unfused dropout draws its seed only when it runs (p > 0), after batch norm: same here.
  const seed = p > 0 ? getDropoutRng().nextU32() : 0;
  backend.batchNormReluDropoutForward(x.data, weight?.data ?? null, bias?.data ?? null, out.data, mean, variance, invStd, s, eps, p, seed);
  if (runningMean && runningVar) updateRunningStats(runningMean, runningVar, mean, variance, count, momentum);
  return recordBatchNormWithBatchStats('batchNormReluDropout', out, x, weight, bias, (dy, dx, dGamma, dBeta) => {
    backend.batchNormReluDropoutBackward(dy, x.data, out.data, weight?.data ?? null, mean, invStd, dx, dGamma, dBeta, s, p);
  });
}
