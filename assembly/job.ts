/**
 * Every task export has the signature (job, tid, nt): `job` points at a block of 32-bit argument
 * slots in shared memory that the host filled in before dispatch, `tid` is this thread's index and
 * `nt` the number of threads sharing the task. Each task computes its own fixed share of the work
 * from (tid, nt), so the split never depends on timing.
 */

@inline export function arg(job: usize, slot: i32): i32 {
  return load<i32>(job + (<usize>slot << 2));
}

@inline export function ptr(job: usize, slot: i32): usize {
  return <usize>load<u32>(job + (<usize>slot << 2));
}

@inline export function argF32(job: usize, slot: i32): f32 {
  return load<f32>(job + (<usize>slot << 2));
}

/** An f64 argument occupies two slots; `slot` must be even so the value is 8-byte aligned. */
@inline export function argF64(job: usize, slot: i32): f64 {
  return load<f64>(job + (<usize>slot << 2));
}

/** Start of share `tid` when `total` items are split into `nt` contiguous shares. */
@inline export function shareStart(total: i32, tid: i32, nt: i32): i32 {
  return <i32>((<i64>total * <i64>tid) / <i64>nt);
}

@inline export function align16(bytes: usize): usize {
  return (bytes + 15) & ~(<usize>15);
}

@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Zero `count` floats (SIMD body, scalar tail). */
export function zeroF32(dst: usize, count: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** Copy `count` floats; the ranges must not overlap. Short rows make memory.copy's call overhead dominate. */
export function copyF32(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** dst[i] += src[i] for `count` floats. */
export function addF32(dst: usize, src: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const d = dst + (<usize>i << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>i << 2))));
  }
  for (; i < count; i++) {
    const d = dst + (<usize>i << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>i << 2)));
  }
}

/** Zeroes `bytes` bytes at `ptr` with bulk memory.fill (a native memset; TypedArray.fill on shared memory is far slower). */
export function zero_bytes(ptr: usize, bytes: usize): void {
  memory.fill(ptr, 0, bytes);
}
