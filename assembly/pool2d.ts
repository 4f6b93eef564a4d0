/**
 * Pooling fast paths, split by plane: 2×2/stride 2 max pooling (SIMD, with the oracle's NaN and
 * tie rules) and global average pooling. Other window shapes use the reference kernels.
 */
import { arg, ptr, shareStart, zeroF32 } from './job';
import { MaxPool2x2ForwardJob as MaxJob, MaxPoolBackwardJob as MaxBackJob } from '../build/job-layout';
import { GlobalAvgPoolForwardJob as AvgJob, GlobalAvgPoolBackwardJob as AvgBackJob } from '../build/job-layout';

/** Four outputs (oy, ox..ox+3) of a 2×2/2 max pool. */
@inline function max2x2x4(x: usize, w: i32, oy: i32, ox: i32, out: usize, idx: usize): void {
  const r0 = x + (<usize>(2 * oy * w + 2 * ox) << 2);
  const r1 = r0 + (<usize>w << 2);
  const a0 = v128.load(r0), a1 = v128.load(r0, 16);
  const b0 = v128.load(r1), b1 = v128.load(r1, 16);
  const v00 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6);
  const v01 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
  const v10 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
  const v11 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
  const i00 = i32x4.add(i32x4.splat(2 * oy * w + 2 * ox), i32x4(0, 2, 4, 6));
  const one = i32x4.splat(1), row = i32x4.splat(w);
  // Scan order (0,0) (0,1) (1,0) (1,1); strictly greater wins, a NaN wins and ends its window row.
  let best = v00;
  let bi = i00;
  const nan00 = f32x4.ne(v00, v00);
  const c1 = v128.andnot(v128.or(f32x4.gt(v01, best), f32x4.ne(v01, v01)), nan00);
  best = v128.bitselect(v01, best, c1);
  bi = v128.bitselect(i32x4.add(i00, one), bi, c1);
  const nan10 = f32x4.ne(v10, v10);
  const c2 = v128.or(f32x4.gt(v10, best), nan10);
  best = v128.bitselect(v10, best, c2);
  bi = v128.bitselect(i32x4.add(i00, row), bi, c2);
  const c3 = v128.andnot(v128.or(f32x4.gt(v11, best), f32x4.ne(v11, v11)), nan10);
  best = v128.bitselect(v11, best, c3);
  bi = v128.bitselect(i32x4.add(i32x4.add(i00, row), one), bi, c3);
  v128.store(out, best);
  v128.store(idx, bi);
}

function max2x2x1(x: usize, w: i32, oy: i32, ox: i32, out: usize, idx: usize): void {
  let best: f32 = 0;
  let bi = -1;
  for (let ky = 0; ky < 2; ky++) {
    for (let kx = 0; kx < 2; kx++) {
      const i = (2 * oy + ky) * w + 2 * ox + kx;
      const v = load<f32>(x + (<usize>i << 2));
      if (v > best || v != v || bi < 0) {
        best = v;
        bi = i;
        if (v != v) break;
      }
    }
  }
  store<f32>(out, best);
  store<i32>(idx, bi);
}

export function max_pool2x2_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, MaxJob.x), out = ptr(job, MaxJob.out), indices = ptr(job, MaxJob.indices);
  const planes = arg(job, MaxJob.planes), h = arg(job, MaxJob.h), w = arg(job, MaxJob.w);
  const outH = arg(job, MaxJob.outH), outW = arg(job, MaxJob.outW);
  const p1 = shareStart(planes, tid + 1, nt);
  for (let p = shareStart(planes, tid, nt); p < p1; p++) {
    const xp = x + (<usize>(p * h * w) << 2);
    const op = out + (<usize>(p * outH * outW) << 2);
    const ip = indices + (<usize>(p * outH * outW) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const o = <usize>(oy * outW) << 2;
      if (outW >= 4) {
        let ox = 0;
        for (; ox + 4 <= outW; ox += 4) max2x2x4(xp, w, oy, ox, op + o + (<usize>ox << 2), ip + o + (<usize>ox << 2));
        if (ox < outW) max2x2x4(xp, w, oy, outW - 4, op + o + (<usize>(outW - 4) << 2), ip + o + (<usize>(outW - 4) << 2));
      } else {
        for (let ox = 0; ox < outW; ox++) max2x2x1(xp, w, oy, ox, op + o + (<usize>ox << 2), ip + o + (<usize>ox << 2));
      }
    }
  }
}

export function max_pool_backward(job: usize, tid: i32, nt: i32): void {
  const dy = ptr(job, MaxBackJob.dy), indices = ptr(job, MaxBackJob.indices), dx = ptr(job, MaxBackJob.dx);
  const planes = arg(job, MaxBackJob.planes), inPlane = arg(job, MaxBackJob.inPlaneSize), outPlane = arg(job, MaxBackJob.outPlaneSize);
  const p1 = shareStart(planes, tid + 1, nt);
  for (let p = shareStart(planes, tid, nt); p < p1; p++) {
    const dxp = dx + (<usize>(p * inPlane) << 2);
    zeroF32(dxp, inPlane);
    const o = <usize>(p * outPlane) << 2;
    for (let i = 0; i < outPlane; i++) {
      const oi = o + (<usize>i << 2);
      const d = dxp + (<usize>load<i32>(indices + oi) << 2);
      store<f32>(d, load<f32>(d) + load<f32>(dy + oi));
    }
  }
}

/** Sums in f64 in index order, as the oracle does. */
export function global_avg_pool_forward(job: usize, tid: i32, nt: i32): void {
  const x = ptr(job, AvgJob.x), out = ptr(job, AvgJob.out), planes = arg(job, AvgJob.planes), size = arg(job, AvgJob.planeSize);
  const p1 = shareStart(planes, tid + 1, nt);
  for (let p = shareStart(planes, tid, nt); p < p1; p++) {
    const xp = x + (<usize>(p * size) << 2);
    let s: f64 = 0;
    for (let i = 0; i < size; i++) s += <f64>load<f32>(xp + (<usize>i << 2));
    store<f32>(out + (<usize>p << 2), <f32>(s / <f64>size));
  }
}

export function global_avg_pool_backward(job: usize, tid: i32, nt: i32): void {
  const dy = ptr(job, AvgBackJob.dy), dx = ptr(job, AvgBackJob.dx), planes = arg(job, AvgBackJob.planes), size = arg(job, AvgBackJob.planeSize);
  const p1 = shareStart(planes, tid + 1, nt);
  for (let p = shareStart(planes, tid, nt); p < p1; p++) {
    const v = f32x4.splat(<f32>(<f64>load<f32>(dy + (<usize>p << 2)) / <f64>size));
    const dxp = dx + (<usize>(p * size) << 2);
    let i = 0;
    for (; i + 4 <= size; i += 4) v128.store(dxp + (<usize>i << 2), v);
    for (; i < size; i++) store<f32>(dxp + (<usize>i << 2), f32x4.extract_lane(v, 0));
  }
}
