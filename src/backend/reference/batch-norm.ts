/**
 * Reference batch norm. Statistics are accumulated in float64, so the oracle is at least as
 * accurate as any float32 backend it checks.
 */
import type { BatchNormShape } from '../backend.js';
import { dropoutForward, reluForward } from './elementwise.js';

export function batchNormTrainForward(
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array,
  mean: Float32Array, variance: Float32Array, invStd: Float32Array, s: BatchNormShape, eps: number,
): void {
  const { n, c, spatial } = s;
  const count = n * spatial;
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * spatial;
      for (let i = 0; i < spatial; i++) sum += x[base + i]!;
    }
    const m = sum / count;
    let sq = 0;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * spatial;
      for (let i = 0; i < spatial; i++) {
        const d = x[base + i]! - m;
        sq += d * d;
      }
    }
    const v = sq / count;
    const is = 1 / Math.sqrt(v + eps);
    mean[ch] = m;
    variance[ch] = v;
    invStd[ch] = is;
    const scale = (gamma ? gamma[ch]! : 1) * is;
    const shift = (beta ? beta[ch]! : 0) - m * scale;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * spatial;
      for (let i = 0; i < spatial; i++) out[base + i] = x[base + i]! * scale + shift;
    }
  }
}

export function batchNormEvalForward(
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null,
  runningMean: Float32Array, runningVar: Float32Array, out: Float32Array, s: BatchNormShape, eps: number,
): void {
  const { n, c, spatial } = s;
  for (let ch = 0; ch < c; ch++) {
    const scale = (gamma ? gamma[ch]! : 1) / Math.sqrt(runningVar[ch]! + eps);
    const shift = (beta ? beta[ch]! : 0) - runningMean[ch]! * scale;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * spatial;
      for (let i = 0; i < spatial; i++) out[base + i] = x[base + i]! * scale + shift;
    }
  }
}

export function batchNormBackward(
  dy: Float32Array, x: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array,
  dx: Float32Array, dGamma: Float32Array | null, dBeta: Float32Array | null, s: BatchNormShape,
): void {
  const { n, c, spatial } = s;
  const count = n * spatial;
  for (let ch = 0; ch < c; ch++) {
    const m = mean[ch]!;
    const is = invStd[ch]!;
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * spatial;
      for (let i = 0; i < spatial; i++) {
        const g = dy[base + i]!;
        sumDy += g;
        sumDyXhat += g * (x[base + i]! - m) * is;
      }
    }
    if (dGamma) dGamma[ch] = sumDyXhat;
    if (dBeta) dBeta[ch] = sumDy;
    const k = (gamma ? gamma[ch]! : 1) * is;
    const meanDy = sumDy / count;
    const meanDyXhat = sumDyXhat / count;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * spatial;
      for (let i = 0; i < spatial; i++) {
        const xhat = (x[base + i]! - m) * is;
        dx[base + i] = k * (dy[base + i]! - meanDy - xhat * meanDyXhat);
      }
    }
  }
}

/** batchNormTrainForward, reluForward and dropoutForward in a row (see Backend). */
export function batchNormReluDropoutForward(
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array,
  mean: Float32Array, variance: Float32Array, invStd: Float32Array, s: BatchNormShape, eps: number, p: number, seed: number,
): void {
  const size = s.n * s.c * s.spatial;
  const normalized = new Float32Array(size);
  batchNormTrainForward(x, gamma, beta, normalized, mean, variance, invStd, s, eps);
  if (p === 0) {
    reluForward(normalized, out);
    return;
  }
  const rectified = new Float32Array(size);
  reluForward(normalized, rectified);
  dropoutForward(rectified, out, new Float32Array(size), p, seed, 1);
}

/** Dropout's mask multiply, reluBackward and batchNormBackward in a row, the masks read back from `out`. */
export function batchNormReluDropoutBackward(
  dy: Float32Array, x: Float32Array, out: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array,
  dx: Float32Array, dGamma: Float32Array | null, dBeta: Float32Array | null, s: BatchNormShape, p: number,
): void {
  const maskValue = Math.fround(1 / (1 - p));
  const size = s.n * s.c * s.spatial;
  const g = new Float32Array(size);
  // A kept element has out = relu·scale, positive exactly where relu > 0; a dropped one has out = 0.
  for (let i = 0; i < size; i++) g[i] = out[i]! > 0 ? dy[i]! * maskValue : 0;
  batchNormBackward(g, x, gamma, mean, invStd, dx, dGamma, dBeta, s);
}
