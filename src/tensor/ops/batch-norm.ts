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
  const s = batchNormShape(x, runningMean, runningVar, weight, bias);
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
  if (options.training && runningMean && runningVar) updateRunningStats(runningMean, runningVar, mean, variance, count, momentum);
  return recordBatchNormWithBatchStats('batchNorm', out, x, weight, bias, (dy, dx, dGamma, dBeta) => {
    backend.batchNormBackward(dy, x.data, weight?.data ?? null, mean, invStd, dx, dGamma, dBeta, s);
  });
}

/** The (n, c, spatial) view of an (N, C, ...) input; every per-channel tensor must have c values. */
export function batchNormShape(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
): BatchNormShape {
  const s: BatchNormShape = { n: x.shape[0]!, c: x.shape[1]!, spatial: x.shape.slice(2).reduce((p, d) => p * d, 1) };
  for (const [name, t] of [['weight', weight], ['bias', bias], ['runningMean', runningMean], ['runningVar', runningVar]] as const) {
    if (t && t.size !== s.c) throw new Error(`batchNorm: ${name} has ${t.size} values for ${s.c} channels`);
  }
  return s;
}

/**
 * Records the output of a batch norm that normalized with the batch statistics; `backward` writes
 * dx and the gradients of the weight and bias where they exist.
 */
export function recordBatchNormWithBatchStats(
  name: string, out: Tensor, x: Tensor, weight: Tensor | null, bias: Tensor | null,
  backward: (dy: Float32Array, dx: Float32Array, dGamma: Float32Array | null, dBeta: Float32Array | null) => void,
): Tensor {
  return Tensor.record(out, {
    name,
    inputs: [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])],
    backward: (dy) => {
      const dx = allocKernelOutput(x.size);
      const dGamma = weight ? allocFloat32(weight.size) : null;
      const dBeta = bias ? allocFloat32(bias.size) : null;
      backward(dy, dx, dGamma, dBeta);
      return [dx, ...(weight ? [dGamma] : []), ...(bias ? [dBeta] : [])];
    },
  });
}

/**
 * PyTorch's running-stat update after a training batch of `count` values per channel:
 * running = (1 - momentum)·running + momentum·batch, with the batch variance made unbiased.
 */
export function updateRunningStats(
  runningMean: Tensor, runningVar: Tensor, mean: Float32Array, variance: Float32Array, count: number, momentum: number,
): void {
  const unbias = count / (count - 1);
  for (let c = 0; c < runningMean.size; c++) {
    runningMean.data[c] = (1 - momentum) * runningMean.data[c]! + momentum * mean[c]!;
    runningVar.data[c] = (1 - momentum) * runningVar.data[c]! + momentum * variance[c]! * unbias;
  }
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
