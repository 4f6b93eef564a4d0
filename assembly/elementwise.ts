/**
 * ReLU and dropout, split into fixed contiguous ranges of whole 4-lane groups.
 * Dropout reproduces src/backend/random-hash.ts exactly: the murmur3 finalizer over a Weyl counter,
 * keep when (h >>> 8) / 2^24 >= p, i.e. when (h >>> 8) >= ceil(p·2^24) (the host passes that
 * threshold). out = x·scale is computed in f64 and rounded once, exactly as the oracle's JS does.
 */
import { arg, ptr, argF32, argF64, shareStart } from './job';

@inline function range0(len: i32, tid: i32, nt: i32): i32 {
  return shareStart((len + 3) >> 2, tid, nt) << 2;
}

@inline function range1(len: i32, tid: i32, nt: i32): i32 {
  return min(shareStart((len + 3) >> 2, tid + 1, nt) << 2, len);
}

/** Slots: 0 x, 1 out, 2 length. */
export function relu_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, 0), out = ptr(job, 1), len = arg(job, 2);
  const i1 = range1(len, tid, nt);
  let i = range0(len, tid, nt);
  const z = f32x4.splat(0);
  // Zero only where v < 0, so NaN passes through as in PyTorch (and the reference kernel).
  for (; i + 4 <= i1; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    v128.store(out + (<usize>i << 2), v128.andnot(v, f32x4.lt(v, z)));
  }
  for (; i < i1; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(out + (<usize>i << 2), v < 0 ? 0 : v);
  }
}

/** Slots: 0 a, 1 b, 2 out, 3 length. */
export function multiply(job: usize, tid: i32, nt: i32): void {
  const a = ptr(job, 0), b = ptr(job, 1), out = ptr(job, 2), len = arg(job, 3);
  const i1 = range1(len, tid, nt);
  let i = range0(len, tid, nt);
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

/** Slots: 0 dy, 1 y, 2 dx, 3 length. */
export function relu_backward(job: usize, tid: i32, nt: i32): void {
  const dy = ptr(job, 0), y = ptr(job, 1), dx = ptr(job, 2), len = arg(job, 3);
  const i1 = range1(len, tid, nt);
  let i = range0(len, tid, nt);
  const z = f32x4.splat(0);
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), z)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

@inline function hashBits(seed: i32, i: i32): i32 {
  let h = (i * 0x9e3779b1) ^ seed;
  h ^= <i32>(<u32>h >> 16);
  h *= 0x85ebca6b;
  h ^= <i32>(<u32>h >> 13);
  h *= 0xc2b2ae35;
  h ^= <i32>(<u32>h >> 16);
  return <i32>(<u32>h >> 8);
}

/** x (4 lanes) times a per-lane f64 factor, rounded to f32 once. */
@inline function mulF64(x: v128, lo: v128, hi: v128): v128 {
  const xl = f64x2.promote_low_f32x4(x);
  const xh = f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 2, 3));
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(f64x2.mul(xl, lo)), f32x4.demote_f64x2_zero(f64x2.mul(xh, hi)), 0, 1, 4, 5);
}

/**
 * Slots: 0 x, 1 out, 2 mask, 3 length, 4 threshold, 5 seed, 6 channelSize, 7 mask value (f32),
 * 8-9 scale (f64), 10-12 the hash's three multipliers (0x9e3779b1, 0x85ebca6b, 0xc2b2ae35),
 * 13 nonzero when the scale is exactly an f32 (then the f32 product is the same correctly rounded value).
 * The multipliers come from the host only so that they stay in registers: as literals, binaryen
 * folds them back into the loop and V8 rebuilds each v128 constant on every iteration (4× slower).
 */
export function dropout_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, 0), out = ptr(job, 1), mask = ptr(job, 2), len = arg(job, 3);
  const threshold = arg(job, 4), seed = arg(job, 5), channelSize = arg(job, 6);
  const maskValue = argF32(job, 7);
  const scale = argF64(job, 8);
  if (channelSize > 1) {
    // One draw per plane (Dropout2d); the host guarantees len % channelSize == 0.
    const planes = len / channelSize;
    const p1 = shareStart(planes, tid + 1, nt);
    for (let p = shareStart(planes, tid, nt); p < p1; p++) {
      const keep = hashBits(seed, p) >= threshold;
      const m64: f64 = keep ? scale : 0;
      const m64v = f64x2.splat(m64);
      const mv = f32x4.splat(keep ? maskValue : 0);
      const base = <usize>(p * channelSize) << 2;
      let i = 0;
      for (; i + 4 <= channelSize; i += 4) {
        const o = base + (<usize>i << 2);
        v128.store(mask + o, mv);
        v128.store(out + o, mulF64(v128.load(x + o), m64v, m64v));
      }
      for (; i < channelSize; i++) {
        const o = base + (<usize>i << 2);
        store<f32>(mask + o, keep ? maskValue : 0);
        store<f32>(out + o, <f32>(<f64>load<f32>(x + o) * m64));
      }
    }
    return;
  }
  const i1 = range1(len, tid, nt);
  let i = range0(len, tid, nt);
  const tv = i32x4.splat(threshold), sv = i32x4.splat(seed);
  const mvAll = f32x4.splat(maskValue);
  const scaleV = f64x2.splat(scale);
  const m1 = i32x4.splat(arg(job, 10)), m2 = i32x4.splat(arg(job, 11)), m3 = i32x4.splat(arg(job, 12));
  // Counter lanes advance by 4 per step; the step vector is built from a runtime value for the same reason.
  const step = i32x4.splat(arg(job, 10) - arg(job, 10) + 4);
  let counter = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
  const exactF32 = arg(job, 13) != 0;
  for (; i + 4 <= i1; i += 4) {
    let hv = v128.xor(i32x4.mul(counter, m1), sv);
    counter = i32x4.add(counter, step);
    hv = v128.xor(hv, i32x4.shr_u(hv, 16));
    hv = i32x4.mul(hv, m2);
    hv = v128.xor(hv, i32x4.shr_u(hv, 13));
    hv = i32x4.mul(hv, m3);
    hv = v128.xor(hv, i32x4.shr_u(hv, 16));
    const keep = i32x4.ge_s(i32x4.shr_u(hv, 8), tv);
    const o = <usize>i << 2;
    const m = v128.and(mvAll, keep);
    v128.store(mask + o, m);
    if (exactF32) {
      v128.store(out + o, f32x4.mul(v128.load(x + o), m));
      continue;
    }
    const lo = v128.and(scaleV, i64x2.extend_low_i32x4_s(keep));
    const hi = v128.and(scaleV, i64x2.extend_high_i32x4_s(keep));
    v128.store(out + o, mulF64(v128.load(x + o), lo, hi));
  }
  for (; i < i1; i++) {
    const keep = hashBits(seed, i) >= threshold;
    const o = <usize>i << 2;
    store<f32>(mask + o, keep ? maskValue : 0);
    store<f32>(out + o, <f32>(<f64>load<f32>(x + o) * (keep ? scale : 0)));
  }
}
