/**
 * Batch norm tasks, split by channel: each channel's statistics come from one thread in one fixed
 * order, so no cross-thread reduction exists. Per-plane partial sums run in f32 SIMD and are
 * accumulated across the batch in f64 (the oracle accumulates in f64 throughout).
 */
import { arg, ptr, argF32, argF64, shareStart, hsum } from './job';

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

/** Slots: 0 x, 1 gamma, 2 beta, 3 out, 4 mean, 5 variance, 6 invStd, 7 n, 8 c, 9 spatial, 10-11 eps (f64). */
export function batch_norm_train_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, 0), gamma = ptr(job, 1), beta = ptr(job, 2), out = ptr(job, 3);
  const meanOut = ptr(job, 4), varOut = ptr(job, 5), invStdOut = ptr(job, 6);
  const n = arg(job, 7), c = arg(job, 8), spatial = arg(job, 9);
  const eps = argF64(job, 10);
  const count = <f64>n * <f64>spatial;
  const c1 = shareStart(c, tid + 1, nt);
  for (let ch = shareStart(c, tid, nt); ch < c1; ch++) {
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
    const shift = (beta != 0 ? <f64>load<f32>(beta + (<usize>ch << 2)) : 0) - mean * scale;
    for (let b = 0; b < n; b++) {
      const off = <usize>((b * c + ch) * spatial) << 2;
      planeAffine(x + off, out + off, spatial, <f32>scale, <f32>shift);
    }
  }
}

/** Slots: 0 x, 1 gamma, 2 beta, 3 runningMean, 4 runningVar, 5 out, 6 n, 7 c, 8 spatial, 10-11 eps (f64). */
export function batch_norm_eval_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, 0), gamma = ptr(job, 1), beta = ptr(job, 2), rm = ptr(job, 3), rv = ptr(job, 4), out = ptr(job, 5);
  const n = arg(job, 6), c = arg(job, 7), spatial = arg(job, 8);
  const eps = argF64(job, 10);
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

/** Slots: 0 dy, 1 x, 2 gamma, 3 mean, 4 invStd, 5 dx, 6 dGamma, 7 dBeta, 8 n, 9 c, 10 spatial. */
export function batch_norm_backward(job: usize, tid: i32, nt: i32): void {
  const dy = ptr(job, 0), x = ptr(job, 1), gamma = ptr(job, 2), meanIn = ptr(job, 3), invStdIn = ptr(job, 4);
  const dx = ptr(job, 5), dGamma = ptr(job, 6), dBeta = ptr(job, 7);
  const n = arg(job, 8), c = arg(job, 9), spatial = arg(job, 10);
  const count = <f64>n * <f64>spatial;
  const c1 = shareStart(c, tid + 1, nt);
  for (let ch = shareStart(c, tid, nt); ch < c1; ch++) {
    const m = load<f32>(meanIn + (<usize>ch << 2));
    const is = <f64>load<f32>(invStdIn + (<usize>ch << 2));
    const mv = f32x4.splat(m);
    let sumDy: f64 = 0, sumDyDev: f64 = 0;
    for (let b = 0; b < n; b++) {
      const off = <usize>((b * c + ch) * spatial) << 2;
      const g = dy + off, xp = x + off;
      let s = f32x4.splat(0), t = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= spatial; i += 4) {
        const gv = v128.load(g + (<usize>i << 2));
        s = f32x4.add(s, gv);
        t = f32x4.add(t, f32x4.mul(gv, f32x4.sub(v128.load(xp + (<usize>i << 2)), mv)));
      }
      let ps = <f64>hsum(s), pt = <f64>hsum(t);
      for (; i < spatial; i++) {
        const gv = <f64>load<f32>(g + (<usize>i << 2));
        ps += gv;
        pt += gv * (<f64>load<f32>(xp + (<usize>i << 2)) - <f64>m);
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
      const g = dy + off, xp = x + off, d = dx + off;
      let i = 0;
      for (; i + 4 <= spatial; i += 4) {
        const o = <usize>i << 2;
        const dev = f32x4.sub(v128.load(xp + o), mv);
        v128.store(d + o, f32x4.mul(kv, f32x4.sub(f32x4.sub(v128.load(g + o), mdyv), f32x4.mul(dev, qv))));
      }
      for (; i < spatial; i++) {
        const o = <usize>i << 2;
        store<f32>(d + o, <f32>k * ((load<f32>(g + o) - mdy) - (load<f32>(xp + o) - m) * q));
      }
    }
  }
}

// ---------------------------------------------------------------- fused batch norm + ReLU + dropout

/** The murmur3 finalizer of random-hash.ts on four counters; multipliers come in registers (see elementwise.ts). */
@inline function hash4(counter: v128, seed: v128, m1: v128, m2: v128, m3: v128): v128 {
  let hv = v128.xor(i32x4.mul(counter, m1), seed);
  hv = v128.xor(hv, i32x4.shr_u(hv, 16));
  hv = i32x4.mul(hv, m2);
  hv = v128.xor(hv, i32x4.shr_u(hv, 13));
  hv = i32x4.mul(hv, m3);
  hv = v128.xor(hv, i32x4.shr_u(hv, 16));
  return i32x4.shr_u(hv, 8);
}

@inline function hash1(seed: i32, i: i32): i32 {
  let h = (i * 0x9e3779b1) ^ seed;
  h ^= <i32>(<u32>h >> 16);
  h *= 0x85ebca6b;
  h ^= <i32>(<u32>h >> 13);
  h *= 0xc2b2ae35;
  h ^= <i32>(<u32>h >> 16);
  return <i32>(<u32>h >> 8);
}

/** r (4 lanes) times a per-lane f64 factor, rounded to f32 once (as the oracle's JS does). */
@inline function mulF64x4(x: v128, lo: v128, hi: v128): v128 {
  const xl = f64x2.promote_low_f32x4(x);
  const xh = f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 2, 3));
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(f64x2.mul(xl, lo)), f32x4.demote_f64x2_zero(f64x2.mul(xh, hi)), 0, 1, 4, 5);
}

/**
 * Training batch norm, ReLU and inverted dropout in one pass over the output: the statistics and
 * the per-channel affine are computed exactly as batch_norm_train_forward does, ReLU zeroes v < 0
 * (NaN passes), and element i is kept when hash(seed, i) >= threshold (threshold 0: no dropout),
 * out = relu · scale in f64, rounded once, as dropout_forward does. The mask is not stored: the
 * backward reads it back from out (out > 0 exactly where both ReLU and dropout let the gradient through).
 * Slots: 0 x, 1 gamma, 2 beta, 3 out, 4 mean, 5 variance, 6 invStd, 7 n, 8 c, 9 spatial, 10-11 eps (f64),
 * 12 threshold, 13 seed, 14 scale is exactly an f32, 16-17 scale (f64), 18-20 the hash multipliers.
 */
export function batch_norm_relu_dropout_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, 0), gamma = ptr(job, 1), beta = ptr(job, 2), out = ptr(job, 3);
  const meanOut = ptr(job, 4), varOut = ptr(job, 5), invStdOut = ptr(job, 6);
  const n = arg(job, 7), c = arg(job, 8), spatial = arg(job, 9);
  const eps = argF64(job, 10);
  const threshold = arg(job, 12), seed = arg(job, 13), exactF32 = arg(job, 14) != 0;
  const dscale = argF64(job, 16);
  const m1 = i32x4.splat(arg(job, 18)), m2 = i32x4.splat(arg(job, 19)), m3 = i32x4.splat(arg(job, 20));
  const tv = i32x4.splat(threshold), sv = i32x4.splat(seed);
  const scaleV = f64x2.splat(dscale);
  const maskV = f32x4.splat(<f32>dscale);
  const lanes = i32x4(0, 1, 2, 3);
  const zero = f32x4.splat(0);
  const count = <f64>n * <f64>spatial;
  const c1 = shareStart(c, tid + 1, nt);
  for (let ch = shareStart(c, tid, nt); ch < c1; ch++) {
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
    // The affine exactly as batch_norm_train_forward rounds it (f64, then f32), so v matches its output bit for bit.
    const scale64 = (gamma != 0 ? <f64>load<f32>(gamma + (<usize>ch << 2)) : 1) * invStd;
    const scale = <f32>scale64;
    const shift = <f32>((beta != 0 ? <f64>load<f32>(beta + (<usize>ch << 2)) : 0) - mean * scale64);
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
        const keep = i32x4.ge_s(hash4(counter, sv, m1, m2, m3), tv);
        counter = i32x4.add(counter, step);
        if (exactF32) {
          v128.store(dst + o, f32x4.mul(r, v128.and(maskV, keep)));
        } else {
          const lo = v128.and(scaleV, i64x2.extend_low_i32x4_s(keep));
          const hi = v128.and(scaleV, i64x2.extend_high_i32x4_s(keep));
          v128.store(dst + o, mulF64x4(r, lo, hi));
        }
      }
      for (; i < spatial; i++) {
        const o = <usize>i << 2;
        const v = load<f32>(src + o) * scale + shift;
        const r: f32 = v < 0 ? 0 : v;
        const keep = hash1(seed, first + i) >= threshold;
        store<f32>(dst + o, <f32>(<f64>r * (keep ? dscale : 0)));
      }
    }
  }
}

/**
 * Gradient of batch_norm_relu_dropout_forward: g = out > 0 ? dy · maskValue : 0 (dropout's mask
 * multiply, then ReLU's select), then batch_norm_backward's formulas on g.
 * Slots: 0 dy, 1 x, 2 out, 3 gamma, 4 mean, 5 invStd, 6 dx, 7 dGamma, 8 dBeta, 9 n, 10 c, 11 spatial,
 * 12 maskValue (f32).
 */
export function batch_norm_relu_dropout_backward(job: usize, tid: i32, nt: i32): void {
  const dy = ptr(job, 0), x = ptr(job, 1), y = ptr(job, 2), gamma = ptr(job, 3), meanIn = ptr(job, 4), invStdIn = ptr(job, 5);
  const dx = ptr(job, 6), dGamma = ptr(job, 7), dBeta = ptr(job, 8);
  const n = arg(job, 9), c = arg(job, 10), spatial = arg(job, 11);
  const maskValue = argF32(job, 12);
  const mvv = f32x4.splat(maskValue);
  const zero = f32x4.splat(0);
  const count = <f64>n * <f64>spatial;
  const c1 = shareStart(c, tid + 1, nt);
  for (let ch = shareStart(c, tid, nt); ch < c1; ch++) {
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
        const gv = v128.and(f32x4.mul(v128.load(g + o), mvv), f32x4.gt(v128.load(yp + o), zero));
        s = f32x4.add(s, gv);
        t = f32x4.add(t, f32x4.mul(gv, f32x4.sub(v128.load(xp + o), mv)));
      }
      let ps = <f64>hsum(s), pt = <f64>hsum(t);
      for (; i < spatial; i++) {
        const o = <usize>i << 2;
        const gv = <f64>(load<f32>(yp + o) > 0 ? load<f32>(g + o) * maskValue : 0);
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
        const gv = v128.and(f32x4.mul(v128.load(g + o), mvv), f32x4.gt(v128.load(yp + o), zero));
        const dev = f32x4.sub(v128.load(xp + o), mv);
        v128.store(d + o, f32x4.mul(kv, f32x4.sub(f32x4.sub(gv, mdyv), f32x4.mul(dev, qv))));
      }
      for (; i < spatial; i++) {
        const o = <usize>i << 2;
        const gv: f32 = load<f32>(yp + o) > 0 ? load<f32>(g + o) * maskValue : 0;
        store<f32>(d + o, <f32>k * ((gv - mdy) - (load<f32>(xp + o) - m) * q));
      }
    }
  }
}
