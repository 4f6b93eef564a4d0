/**
 * What dropout_forward and the fused batch norm block share: the kernels' copy of the counter hash
 * of src/backend/random-hash.ts (the murmur3 finalizer over a Weyl counter, top 24 bits), and the
 * inverted-dropout scaling (x·scale in f64, rounded once, exactly as the oracle's JS does).
 *
 * The hash's multipliers are not written here: random-hash.ts defines them once and the host passes
 * them in every job that draws. That also keeps them in registers: as literals, binaryen folds them
 * back into the loop and V8 rebuilds each v128 constant on every iteration (4× slower).
 * test/backend/random-hash.test.ts checks this copy against random-hash.ts bit for bit.
 */

/** hash(seed, i) >>> 8 for one counter. */
@inline export function hashBits(seed: i32, i: i32, weylStep: i32, fmixMul1: i32, fmixMul2: i32): i32 {
  let h = (i * weylStep) ^ seed;
  h ^= <i32>(<u32>h >> 16);
  h *= fmixMul1;
  h ^= <i32>(<u32>h >> 13);
  h *= fmixMul2;
  h ^= <i32>(<u32>h >> 16);
  return <i32>(<u32>h >> 8);
}

/** hashBits on four counters, every argument splatted. */
@inline export function hashBits4(counter: v128, seed: v128, weylStep: v128, fmixMul1: v128, fmixMul2: v128): v128 {
  let hv = v128.xor(i32x4.mul(counter, weylStep), seed);
  hv = v128.xor(hv, i32x4.shr_u(hv, 16));
  hv = i32x4.mul(hv, fmixMul1);
  hv = v128.xor(hv, i32x4.shr_u(hv, 13));
  hv = i32x4.mul(hv, fmixMul2);
  hv = v128.xor(hv, i32x4.shr_u(hv, 16));
  return i32x4.shr_u(hv, 8);
}

/** x (4 lanes) times a per-lane f64 factor, rounded to f32 once. */
@inline export function mulF64(x: v128, lo: v128, hi: v128): v128 {
  const xl = f64x2.promote_low_f32x4(x);
  const xh = f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 2, 3));
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(f64x2.mul(xl, lo)), f32x4.demote_f64x2_zero(f64x2.mul(xh, hi)), 0, 1, 4, 5);
}

/**
 * x · scale where `keep` (all ones per lane) and 0 elsewhere, rounded once from f64: `scale` is
 * the f64 scale splatted, `maskValue` the same scale as an f32, used instead when `exactF32` says
 * it is exactly that scale (then the f32 product is the same correctly rounded value).
 */
@inline export function keptTimesScale(x: v128, keep: v128, maskValue: v128, scale: v128, exactF32: bool): v128 {
  if (exactF32) return f32x4.mul(x, v128.and(maskValue, keep));
  const lo = v128.and(scale, i64x2.extend_low_i32x4_s(keep));
  const hi = v128.and(scale, i64x2.extend_high_i32x4_s(keep));
  return mulF64(x, lo, hi);
}
