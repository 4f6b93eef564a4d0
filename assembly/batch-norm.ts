/**
 * Batch norm tasks, split by channel: each channel's statistics come from one thread in one fixed
 * order, so no cross-thread reduction exists. Per-plane partial sums run in f32 SIMD and are
 * accumulated across the batch in f64 (the oracle accumulates in f64 throughout).
 */
import { arg, ptr, argF32, argF64, shareStart, hsum } from './job';
import { hashBits, hashBits4, keptTimesScale } from './dropout';
import { BatchNormTrainForwardJob as Train, BatchNormEvalForwardJob as Eval, BatchNormBackwardJob as Back } from '../build/job-layout';
import { BatchNormReluDropoutForwardJob as Fused, BatchNormReluDropoutBackwardJob as FusedBack } from '../build/job-layout';

function planeSum(p: usize, len: i32): f64 {
  let s = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) s = f32x4.add(s, v128.load(p + (<usize>i << 2)));
  let r = <f64>hsum(s);
  for (; i < len; i++) r += <f64>load<f32>(p + (<usize>i << 2));
  return r;
}

function planeSquaredDeviation(p: usize, len: i32, m: f32): f64 {
  const mv = f32x4.splat(m);
  let s = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const d = f32x4.sub(v128.load(p + (<usize>i << 2)), mv);
    s = f32x4.add(s, f32x4.mul(d, d));
  }
  let r = <f64>hsum(s);
  for (; i < len; i++) {
    const d = <f64>load<f32>(p + (<usize>i << 2)) - <f64>m;
    r += d * d;
  }
  return r;
}

/** out = x·scale + shift over one plane. */
function planeAffine(src: usize, dst: usize, len: i32, scale: f32, shift: f32): void {
  const sv = f32x4.splat(scale), tv = f32x4.splat(shift);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    v128.store(dst + (<usize>i << 2), f32x4.add(f32x4.mul(v128.load(src + (<usize>i << 2)), sv), tv));
  }
  for (; i < len; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)) * scale + shift);
}

// What channelStatistics leaves for its caller, in this instance's globals (each thread has its own instance).
let affineScale: f32, affineShift: f32;

/**
 * The batch statistics of channel ch, stored to its mean, variance (biased) and invStd, and the
 * channel's affine out = x·affineScale + affineShift (computed in f64, rounded to f32 once).
 */
function channelStatistics(
  x: usize, n: i32, c: i32, spatial: i32, ch: i32, eps: f64, gamma: usize, beta: usize, meanOut: usize, varOut: usize, invStdOut: usize,
): void {
  const count = <f64>n * <f64>spatial;
  let sum: f64 = 0;
  for (let b = 0; b < n; b++) sum += planeSum(x + (<usize>((b * c + ch) * spatial) << 2), spatial);
  const mean = sum / count;
  let sq: f64 = 0;
  for (let b = 0; b < n; b++) sq += planeSquaredDeviation(x + (<usize>((b * c + ch) * spatial) << 2), spatial, <f32>mean);
  const variance = sq / count;
  const invStd = 1 / Math.sqrt(variance + eps);
  store<f32>(meanOut + (<usize>ch << 2), <f32>mean);
  store<f32>(varOut + (<usize>ch << 2), <f32>variance);
  store<f32>(invStdOut + (<usize>ch << 2), <f32>invStd);
  const scale = (gamma != 0 ? <f64>load<f32>(gamma + (<usize>ch << 2)) : 1) * invStd;
  affineScale = <f32>scale;
  affineShift = <f32>((beta != 0 ? <f64>load<f32>(beta + (<usize>ch << 2)) : 0) - mean * scale);
}

export function batch_norm_train_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, Train.x), gamma = ptr(job, Train.gamma), beta = ptr(job, Train.beta), out = ptr(job, Train.out);
  const meanOut = ptr(job, Train.mean), varOut = ptr(job, Train.variance), invStdOut = ptr(job, Train.invStd);
  const n = arg(job, Train.n), c = arg(job, Train.c), spatial = arg(job, Train.spatial);
  const eps = argF64(job, Train.eps);
  const c1 = shareStart(c, tid + 1, nt);
  for (let ch = shareStart(c, tid, nt); ch < c1; ch++) {
    channelStatistics(x, n, c, spatial, ch, eps, gamma, beta, meanOut, varOut, invStdOut);
    for (let b = 0; b < n; b++) {
      const off = <usize>((b * c + ch) * spatial) << 2;
      planeAffine(x + off, out + off, spatial, affineScale, affineShift);
    }
  }
}

export function batch_norm_eval_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, Eval.x), gamma = ptr(job, Eval.gamma), beta = ptr(job, Eval.beta);
  const rm = ptr(job, Eval.runningMean), rv = ptr(job, Eval.runningVar), out = ptr(job, Eval.out);
  const n = arg(job, Eval.n), c = arg(job, Eval.c), spatial = arg(job, Eval.spatial);
  const eps = argF64(job, Eval.eps);
  // Split by sample: each plane's result does not depend on who computes it.
  const b1 = shareStart(n, tid + 1, nt);
  for (let b = shareStart(n, tid, nt); b < b1; b++) {
    for (let ch = 0; ch < c; ch++) {
      const scale = (gamma != 0 ? <f64>load<f32>(gamma + (<usize>ch << 2)) : 1) / Math.sqrt(<f64>load<f32>(rv + (<usize>ch << 2)) + eps);
      const shift = (beta != 0 ? <f64>load<f32>(beta + (<usize>ch << 2)) : 0) - <f64>load<f32>(rm + (<usize>ch << 2)) * scale;
      const off = <usize>((b * c + ch) * spatial) << 2;
      planeAffine(x + off, out + off, spatial, <f32>scale, <f32>shift);
    }
  }
}

/**
 * The shared body of both backward tasks, for channels [ch0, ch1): the gradient of batch norm
 * given g, the gradient of its output. Unmasked, g = dy; masked (the fused block), g is dropout's
 * mask multiply then ReLU's select, read back from the forward's output y: y > 0 ? dy·maskValue : 0.
 * `masked` is a constant at both call sites, so inlining leaves each task only its own loads.
 */
@inline function backwardChannels(
  dy: usize, x: usize, y: usize, gamma: usize, meanIn: usize, invStdIn: usize, dx: usize, dGamma: usize, dBeta: usize,
  n: i32, c: i32, spatial: i32, masked: bool, maskValue: f32, ch0: i32, ch1: i32,
): void {
  const mvv = f32x4.splat(maskValue);
  const count = <f64>n * <f64>spatial;
  for (let ch = ch0; ch < ch1; ch++) {
    const m = load<f32>(meanIn + (<usize>ch << 2));
    const is = <f64>load<f32>(invStdIn + (<usize>ch << 2));
    const mv = f32x4.splat(m);
    let sumDy: f64 = 0, sumDyDev: f64 = 0;
    for (let b = 0; b < n; b++) {
      const off = <usize>((b * c + ch) * spatial) << 2;
      const g = dy + off, xp = x + off, yp = y + off;
      let s = f32x4.splat(0), t = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= spatial; i += 4) {
        const o = <usize>i << 2;
        const gv = gradient4(g + o, yp + o, masked, mvv);
        s = f32x4.add(s, gv);
        t = f32x4.add(t, f32x4.mul(gv, f32x4.sub(v128.load(xp + o), mv)));
      }
      let ps = <f64>hsum(s), pt = <f64>hsum(t);
      for (; i < spatial; i++) {
        const o = <usize>i << 2;
        const gv = <f64>gradient1(g + o, yp + o, masked, maskValue);
        ps += gv;
        pt += gv * (<f64>load<f32>(xp + o) - <f64>m);
      }
      sumDy += ps;
      sumDyDev += pt;
    }
    const sumDyXhat = sumDyDev * is;
    if (dGamma != 0) store<f32>(dGamma + (<usize>ch << 2), <f32>sumDyXhat);
    if (dBeta != 0) store<f32>(dBeta + (<usize>ch << 2), <f32>sumDy);
    const k = (gamma != 0 ? <f64>load<f32>(gamma + (<usize>ch << 2)) : 1) * is;
    const kv = f32x4.splat(<f32>k);
    const mdy = <f32>(sumDy / count);
    const q = <f32>(is * (sumDyXhat / count));
    const mdyv = f32x4.splat(mdy), qv = f32x4.splat(q);
    for (let b = 0; b < n; b++) {
      const off = <usize>((b * c + ch) * spatial) << 2;
      const g = dy + off, xp = x + off, yp = y + off, d = dx + off;
      let i = 0;
      for (; i + 4 <= spatial; i += 4) {
        const o = <usize>i << 2;
        const gv = gradient4(g + o, yp + o, masked, mvv);
        const dev = f32x4.sub(v128.load(xp + o), mv);
        v128.store(d + o, f32x4.mul(kv, f32x4.sub(f32x4.sub(gv, mdyv), f32x4.mul(dev, qv))));
      }
      for (; i < spatial; i++) {
        const o = <usize>i << 2;
        const gv = gradient1(g + o, yp + o, masked, maskValue);
        store<f32>(d + o, <f32>k * ((gv - mdy) - (load<f32>(xp + o) - m) * q));
      }
    }
  }
}

/** g at four elements: dy, or (masked) y > 0 ? dy·maskValue : 0. */
@inline function gradient4(dy: usize, y: usize, masked: bool, maskValue: v128): v128 {
  if (!masked) return v128.load(dy);
  return v128.and(f32x4.mul(v128.load(dy), maskValue), f32x4.gt(v128.load(y), f32x4.splat(0)));
}

@inline function gradient1(dy: usize, y: usize, masked: bool, maskValue: f32): f32 {
  if (!masked) return load<f32>(dy);
  return load<f32>(y) > 0 ? load<f32>(dy) * maskValue : 0;
}

export function batch_norm_backward(job: usize, tid: i32, nt: i32): void {
  const dy = ptr(job, Back.dy), x = ptr(job, Back.x), gamma = ptr(job, Back.gamma), mean = ptr(job, Back.mean), invStd = ptr(job, Back.invStd);
  const dx = ptr(job, Back.dx), dGamma = ptr(job, Back.dGamma), dBeta = ptr(job, Back.dBeta);
  const n = arg(job, Back.n), c = arg(job, Back.c), spatial = arg(job, Back.spatial);
  const ch0 = shareStart(c, tid, nt), ch1 = shareStart(c, tid + 1, nt);
  backwardChannels(dy, x, 0, gamma, mean, invStd, dx, dGamma, dBeta, n, c, spatial, false, 0, ch0, ch1);
}

// ---------------------------------------------------------------- fused batch norm + ReLU + dropout

/**
 * Training batch norm, ReLU and inverted dropout in one pass over the output: the statistics and
 * the per-channel affine are batch_norm_train_forward's (so v matches its output bit for bit), ReLU
 * zeroes v < 0 (NaN passes), and element i is kept when hash(seed, i) >= threshold (threshold 0: no
 * dropout), out = relu · scale in f64, rounded once, as dropout_forward does. The mask is not stored:
 * the backward reads it back from out (out > 0 exactly where both ReLU and dropout let the gradient through).
 */
export function batch_norm_relu_dropout_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, Fused.x), gamma = ptr(job, Fused.gamma), beta = ptr(job, Fused.beta), out = ptr(job, Fused.out);
  const meanOut = ptr(job, Fused.mean), varOut = ptr(job, Fused.variance), invStdOut = ptr(job, Fused.invStd);
  const n = arg(job, Fused.n), c = arg(job, Fused.c), spatial = arg(job, Fused.spatial);
  const eps = argF64(job, Fused.eps);
  const threshold = arg(job, Fused.threshold), seed = arg(job, Fused.seed), exactF32 = arg(job, Fused.exactF32) != 0;
  const weylStep = arg(job, Fused.weylStep), fmixMul1 = arg(job, Fused.fmixMul1), fmixMul2 = arg(job, Fused.fmixMul2);
  const dscale = argF64(job, Fused.scale);
  const m1 = i32x4.splat(weylStep), m2 = i32x4.splat(fmixMul1), m3 = i32x4.splat(fmixMul2);
  const tv = i32x4.splat(threshold), sv = i32x4.splat(seed);
  const scaleV = f64x2.splat(dscale);
  const maskV = f32x4.splat(<f32>dscale);
  const lanes = i32x4(0, 1, 2, 3);
  const zero = f32x4.splat(0);
  const c1 = shareStart(c, tid + 1, nt);
  for (let ch = shareStart(c, tid, nt); ch < c1; ch++) {
    channelStatistics(x, n, c, spatial, ch, eps, gamma, beta, meanOut, varOut, invStdOut);
    const scale = affineScale, shift = affineShift;
    const av = f32x4.splat(scale), bv = f32x4.splat(shift);
    for (let b = 0; b < n; b++) {
      const first = (b * c + ch) * spatial;
      const src = x + (<usize>first << 2), dst = out + (<usize>first << 2);
      let counter = i32x4.add(i32x4.splat(first), lanes);
      const step = i32x4.splat(4);
      let i = 0;
      for (; i + 4 <= spatial; i += 4) {
        const o = <usize>i << 2;
        const v = f32x4.add(f32x4.mul(v128.load(src + o), av), bv);
        const r = v128.andnot(v, f32x4.lt(v, zero));
        const keep = i32x4.ge_s(hashBits4(counter, sv, m1, m2, m3), tv);
        counter = i32x4.add(counter, step);
        v128.store(dst + o, keptTimesScale(r, keep, maskV, scaleV, exactF32));
      }
      for (; i < spatial; i++) {
        const o = <usize>i << 2;
        const v = load<f32>(src + o) * scale + shift;
        const r: f32 = v < 0 ? 0 : v;
        const keep = hashBits(seed, first + i, weylStep, fmixMul1, fmixMul2) >= threshold;
        store<f32>(dst + o, <f32>(<f64>r * (keep ? dscale : 0)));
      }
    }
  }
}

/** Gradient of batch_norm_relu_dropout_forward: batch_norm_backward's formulas on the masked gradient. */
export function batch_norm_relu_dropout_backward(job: usize, tid: i32, nt: i32): void {
  const dy = ptr(job, FusedBack.dy), x = ptr(job, FusedBack.x), y = ptr(job, FusedBack.out), gamma = ptr(job, FusedBack.gamma);
  const mean = ptr(job, FusedBack.mean), invStd = ptr(job, FusedBack.invStd);
  const dx = ptr(job, FusedBack.dx), dGamma = ptr(job, FusedBack.dGamma), dBeta = ptr(job, FusedBack.dBeta);
  const n = arg(job, FusedBack.n), c = arg(job, FusedBack.c), spatial = arg(job, FusedBack.spatial);
  const maskValue = argF32(job, FusedBack.maskValue);
  const ch0 = shareStart(c, tid, nt), ch1 = shareStart(c, tid + 1, nt);
  backwardChannels(dy, x, y, gamma, mean, invStd, dx, dGamma, dBeta, n, c, spatial, true, maskValue, ch0, ch1);
}
