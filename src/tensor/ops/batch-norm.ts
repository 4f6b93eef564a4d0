/**
 * batch_norm with PyTorch's semantics: in training it normalizes with the batch statistics and
 * updates the running stats in place with the unbiased variance; in eval it uses the running stats.
 */
import { Tensor } from '../tensor.js';
import { allocKernelOutput } from './kernel-output.js';
import { allocFloat32 } from '../memory-scope.js';
import { formatShape } from '../shape.js';
import { getBackend } from '../../backend/current.js';
import type { BatchNormShape } from '../../backend/backend.js';

export interface BatchNormOptions {
  training: boolean;
  momentum?: number;
  eps?: number;
}

export function batchNorm(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  options: BatchNormOptions,
): Tensor {
  if (x.ndim < 2) throw new Error(`batchNorm: expected at least a 2-d (N, C, ...) input, got ${formatShape(x.shape)}`);
  const momentum = options.momentum ?? 0.1;
  const eps = options.eps ?? 1e-5;
  const s: BatchNormShape = { n: x.shape[0]!, c: x.shape[1]!, spatial: x.shape.slice(2).reduce((p, d) => p * d, 1) };
  for (const [name, t] of [['weight', weight], ['bias', bias], ['runningMean', runningMean], ['runningVar', runningVar]] as const) {
    if (t && t.size !== s.c) throw new Error(`batchNorm: ${name} has ${t.size} values for ${s.c} channels`);
  }
  const backend = getBackend();
  const out = new Tensor(allocKernelOutput(x.size), x.shape);
  const useBatchStats = options.training || runningMean === null || runningVar === null;

  if (!useBatchStats) {
    backend.batchNormEvalForward(x.data, weight?.data ?? null, bias?.data ?? null, runningMean!.data, runningVar!.data, out.data, s, eps);
    return Tensor.record(out, {
      name: 'batchNormEval',
      inputs: [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])],
      backward: (dy) => evalBackward(dy, x, weight, bias, runningMean!, runningVar!, s, eps),
    });
  }

  const count = s.n * s.spatial;
  if (options.training && count <= 1) {
    throw new Error(`batchNorm: expected more than 1 value per channel when training, got input ${formatShape(x.shape)}`);
  }
  const mean = allocFloat32(s.c);
  const variance = allocFloat32(s.c);
  const invStd = allocFloat32(s.c);
  backend.batchNormTrainForward(x.data, weight?.data ?? null, bias?.data ?? null, out.data, mean, variance, invStd, s, eps);
  if (options.training && runningMean && runningVar) {
    const unbias = count / (count - 1);
    for (let c = 0; c < s.c; c++) {
      runningMean.data[c] = (1 - momentum) * runningMean.data[c]! + momentum * mean[c]!;
      runningVar.data[c] = (1 - momentum) * runningVar.data[c]! + momentum * variance[c]! * unbias;
    }
  }
  return Tensor.record(out, {
    name: 'batchNorm',
    inputs: [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])],
    backward: (dy) => {
      const dx = allocKernelOutput(x.size);
      const dGamma = weight ? allocFloat32(s.c) : null;
      const dBeta = bias ? allocFloat32(s.c) : null;
      backend.batchNormBackward(dy, x.data, weight?.data ?? null, mean, invStd, dx, dGamma, dBeta, s);
      return [dx, ...(weight ? [dGamma] : []), ...(bias ? [dBeta] : [])];
    },
  });
}

function evalBackward(
  dy: Float32Array, x: Tensor, weight: Tensor | null, bias: Tensor | null, rm: Tensor, rv: Tensor, s: BatchNormShape, eps: number,
): (Float32Array | null)[] {
  const dx = allocFloat32(x.size);
  const dGamma = weight ? allocFloat32(s.c) : null;
  const dBeta = bias ? allocFloat32(s.c) : null;
  for (let c = 0; c < s.c; c++) {
    const is = 1 / Math.sqrt(rv.data[c]! + eps);
    const k = (weight ? weight.data[c]! : 1) * is;
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let b = 0; b < s.n; b++) {
      const base = (b * s.c + c) * s.spatial;
      for (let i = 0; i < s.spatial; i++) {
        const g = dy[base + i]!;
        dx[base + i] = g * k;
        sumDy += g;
        sumDyXhat += g * (x.data[base + i]! - rm.data[c]!) * is;
      }
    }
    if (dGamma) dGamma[c] = sumDyXhat;
    if (dBeta) dBeta[c] = sumDy;
  }
  return [dx, ...(weight ? [dGamma] : []), ...(bias ? [dBeta] : [])];
}
