/**
 * ReLU and dropout, split into fixed contiguous ranges of whole 4-lane groups.
 * Dropout reproduces src/backend/random-hash.ts exactly (see dropout.ts): keep when
 * (h >>> 8) / 2^24 >= p, i.e. when (h >>> 8) >= ceil(p·2^24) (the host passes that threshold).
 */
import { arg, ptr, argF32, argF64, shareStart } from './job';
import { hashBits, hashBits4, mulF64, keptTimesScale } from './dropout';
import { ReluForwardJob, ReluBackwardJob, MultiplyJob, DropoutForwardJob as Drop, DropoutUniformJob as Uniform } from '../build/job-layout';

@inline function range0(len: i32, tid: i32, nt: i32): i32 {
  return shareStart((len + 3) >> 2, tid, nt) << 2;
}

@inline function range1(len: i32, tid: i32, nt: i32): i32 {
  return min(shareStart((len + 3) >> 2, tid + 1, nt) << 2, len);
}

export function relu_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, ReluForwardJob.x), out = ptr(job, ReluForwardJob.out), len = arg(job, ReluForwardJob.length);
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

export function multiply(job: usize, tid: i32, nt: i32): void {
  const a = ptr(job, MultiplyJob.a), b = ptr(job, MultiplyJob.b), out = ptr(job, MultiplyJob.out), len = arg(job, MultiplyJob.length);
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

export function relu_backward(job: usize, tid: i32, nt: i32): void {
  const dy = ptr(job, ReluBackwardJob.dy), y = ptr(job, ReluBackwardJob.y), dx = ptr(job, ReluBackwardJob.dx);
  const len = arg(job, ReluBackwardJob.length);
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

/** out = x·scale where kept and 0 elsewhere, mask = maskValue where kept and 0 elsewhere. */
export function dropout_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, Drop.x), out = ptr(job, Drop.out), mask = ptr(job, Drop.mask), len = arg(job, Drop.length);
  const threshold = arg(job, Drop.threshold), seed = arg(job, Drop.seed), channelSize = arg(job, Drop.channelSize);
  const weylStep = arg(job, Drop.weylStep), fmixMul1 = arg(job, Drop.fmixMul1), fmixMul2 = arg(job, Drop.fmixMul2);
  const maskValue = argF32(job, Drop.maskValue);
  const scale = argF64(job, Drop.scale);
  if (channelSize > 1) {
    // One draw per plane (Dropout2d); the host guarantees len % channelSize == 0.
    const planes = len / channelSize;
    const p1 = shareStart(planes, tid + 1, nt);
    for (let p = shareStart(planes, tid, nt); p < p1; p++) {
      const keep = hashBits(seed, p, weylStep, fmixMul1, fmixMul2) >= threshold;
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
  const m1 = i32x4.splat(weylStep), m2 = i32x4.splat(fmixMul1), m3 = i32x4.splat(fmixMul2);
  // Counter lanes advance by 4 per step; the step vector is built from a runtime value for the same reason.
  const step = i32x4.splat(weylStep - weylStep + 4);
  let counter = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
  const exactF32 = arg(job, Drop.exactF32) != 0;
  for (; i + 4 <= i1; i += 4) {
    const keep = i32x4.ge_s(hashBits4(counter, sv, m1, m2, m3), tv);
    counter = i32x4.add(counter, step);
    const o = <usize>i << 2;
    v128.store(mask + o, v128.and(mvAll, keep));
    v128.store(out + o, keptTimesScale(v128.load(x + o), keep, mvAll, scaleV, exactF32));
  }
  for (; i < i1; i++) {
    const keep = hashBits(seed, i, weylStep, fmixMul1, fmixMul2) >= threshold;
    const o = <usize>i << 2;
    store<f32>(mask + o, keep ? maskValue : 0);
    store<f32>(out + o, <f32>(<f64>load<f32>(x + o) * (keep ? scale : 0)));
  }
}

/** out[i] = hashBits(seed, i) / 2^24, which is random-hash.ts's dropoutUniform(seed, i) exactly (24 bits fit an f32). */
export function dropout_uniform(job: usize, tid: i32, nt: i32): void {
  const out = ptr(job, Uniform.out), len = arg(job, Uniform.length), seed = arg(job, Uniform.seed);
  const weylStep = arg(job, Uniform.weylStep), fmixMul1 = arg(job, Uniform.fmixMul1), fmixMul2 = arg(job, Uniform.fmixMul2);
  const unit: f32 = 1.0 / 16777216;
  const i1 = range1(len, tid, nt);
  let i = range0(len, tid, nt);
  const sv = i32x4.splat(seed), m1 = i32x4.splat(weylStep), m2 = i32x4.splat(fmixMul1), m3 = i32x4.splat(fmixMul2);
  let counter = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
  for (; i + 4 <= i1; i += 4) {
    const bits = hashBits4(counter, sv, m1, m2, m3);
    v128.store(out + (<usize>i << 2), f32x4.mul(f32x4.convert_i32x4_s(bits), f32x4.splat(unit)));
    counter = i32x4.add(counter, i32x4.splat(4));
  }
  for (; i < i1; i++) store<f32>(out + (<usize>i << 2), <f32>hashBits(seed, i, weylStep, fmixMul1, fmixMul2) * unit);
}
