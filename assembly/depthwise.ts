/**
 * Depthwise 3×3 convolutions (groups = cIn = cOut, stride 1, dilation 1, padding <= 2): forward and
 * backward-input as direct SIMD correlations over one plane at a time, four output columns a vector.
 *
 * Through conv2d.ts these are GEMMs with M = 1 (a 4-row panel for 1 live row) and K = 9, and the
 * backward pass adds a col2im: most of the work was padding and memory traffic. Here each output
 * is the sum over the 9 taps in the GEMM path's order (kk = 3·ky + kx ascending, starting from +0,
 * one f32 multiply and one add per tap), so the results are bit-identical to it:
 *   forward:        y[oy][ox]  = Σ_kk w[kk] · xpad[oy + ky][ox + kx]          (+ bias afterwards)
 *   backward-input: dx[y][x]   = Σ_kk w[kk] · dypad[y + 2 - ky][x + 2 - kx]   (dy framed by 2 - pad)
 * The GEMM path's col2im adds w[kk]·dy in the same kk order into a zeroed dx; a tap that falls
 * outside dy here adds a zero product, which leaves the sum unchanged (it is never -0).
 * Work is split by (image, channel) plane, each computed the same way by any thread.
 */
import { arg, ptr, shareStart, zeroF32, copyF32 } from './job';
import { Depthwise3x3ForwardJob as Conv } from '../build/job-layout';

// One plane's geometry: the input framed into fH × fW, the output oH × oW.
let planes: i32, iH: i32, iW: i32, oH: i32, oW: i32, p: i32, fH: i32, fW: i32, framed: bool;

function plan(job: usize, backward: bool): void {
  planes = arg(job, Conv.n) * arg(job, Conv.cIn);
  const h = arg(job, Conv.h), w = arg(job, Conv.w), outH = arg(job, Conv.outH), outW = arg(job, Conv.outW);
  const pad = arg(job, Conv.padH);
  if (backward) {
    iH = outH; iW = outW; oH = h; oW = w; p = 2 - pad;
  } else {
    iH = h; iW = w; oH = outH; oW = outW; p = pad;
  }
  fH = oH + 2; fW = oW + 2;
  framed = p != 0;
}

function planeBytes(): i32 {
  return framed ? fH * fW * 4 : 0;
}

export function depthwise3x3_forward_scratch(job: usize): i32 {
  plan(job, false);
  return planeBytes();
}

export function depthwise3x3_backward_input_scratch(job: usize): i32 {
  plan(job, true);
  return planeBytes();
}

/**
 * out (oH × oW, rows oW apart) = the 9-tap correlation of the frame at `src` (rows fW apart) with
 * the taps at `wt`, summed in kk order; `flip` reads tap kk = (ky, kx) at frame offset (2 - ky, 2 - kx)
 * instead of (ky, kx). `bias` is added after the sum, as the GEMM path does.
 */
function correlate(src: usize, wt: usize, flip: bool, out: usize, bias: f32, hasBias: bool): void {
  const row = <usize>fW << 2;
  const w0 = f32x4.splat(load<f32>(wt)), w1 = f32x4.splat(load<f32>(wt, 4)), w2 = f32x4.splat(load<f32>(wt, 8));
  const w3 = f32x4.splat(load<f32>(wt, 12)), w4 = f32x4.splat(load<f32>(wt, 16)), w5 = f32x4.splat(load<f32>(wt, 20));
  const w6 = f32x4.splat(load<f32>(wt, 24)), w7 = f32x4.splat(load<f32>(wt, 28)), w8 = f32x4.splat(load<f32>(wt, 32));
  const bv = f32x4.splat(bias);
  // flip: tap (ky, kx) reads frame row 2 - ky, column 2 - kx.
  const top: usize = flip ? 2 * row : 0, bottom: usize = flip ? 0 : 2 * row;
  const left: usize = flip ? 8 : 0, right: usize = flip ? 0 : 8;
  const last = oW - 4;
  for (let oy = 0; oy < oH; oy++) {
    const r = src + <usize>oy * row;
    const dst = out + (<usize>(oy * oW) << 2);
    if (oW >= 4) {
      for (let ox0 = 0; ox0 < oW; ox0 += 4) {
        // The last vector may overlap the one before: it recomputes the same values.
        const ox = min(ox0, last);
        const a = r + (<usize>ox << 2);
        const t = a + top, m = a + row, b = a + bottom;
        let acc = f32x4.splat(0);
        acc = f32x4.add(acc, f32x4.mul(w0, v128.load(t + left)));
        acc = f32x4.add(acc, f32x4.mul(w1, v128.load(t + 4)));
        acc = f32x4.add(acc, f32x4.mul(w2, v128.load(t + right)));
        acc = f32x4.add(acc, f32x4.mul(w3, v128.load(m + left)));
        acc = f32x4.add(acc, f32x4.mul(w4, v128.load(m + 4)));
        acc = f32x4.add(acc, f32x4.mul(w5, v128.load(m + right)));
        acc = f32x4.add(acc, f32x4.mul(w6, v128.load(b + left)));
        acc = f32x4.add(acc, f32x4.mul(w7, v128.load(b + 4)));
        acc = f32x4.add(acc, f32x4.mul(w8, v128.load(b + right)));
        if (hasBias) acc = f32x4.add(acc, bv);
        v128.store(dst + (<usize>ox << 2), acc);
      }
    } else {
      for (let ox = 0; ox < oW; ox++) {
        const a = r + (<usize>ox << 2);
        const t = a + top, m = a + row, b = a + bottom;
        let acc: f32 = 0;
        acc += load<f32>(wt) * load<f32>(t + left);
        acc += load<f32>(wt, 4) * load<f32>(t + 4);
        acc += load<f32>(wt, 8) * load<f32>(t + right);
        acc += load<f32>(wt, 12) * load<f32>(m + left);
        acc += load<f32>(wt, 16) * load<f32>(m + 4);
        acc += load<f32>(wt, 20) * load<f32>(m + right);
        acc += load<f32>(wt, 24) * load<f32>(b + left);
        acc += load<f32>(wt, 28) * load<f32>(b + 4);
        acc += load<f32>(wt, 32) * load<f32>(b + right);
        if (hasBias) acc += bias;
        store<f32>(dst + (<usize>ox << 2), acc);
      }
    }
  }
}

function run(job: usize, tid: i32, nt: i32, backward: bool): void {
  plan(job, backward);
  const frame = ptr(job, Conv.scratch) + <usize>tid * ptr(job, Conv.scratchStride);
  const x = ptr(job, Conv.a), wt = ptr(job, Conv.b), out = ptr(job, Conv.out);
  const bias: usize = backward ? 0 : ptr(job, Conv.bias);
  const channels = arg(job, Conv.cIn);
  // Every plane writes the same interior of the frame, so its margin stays zero from here on.
  if (framed) zeroF32(frame, fH * fW);
  const rows = min(iH, fH - p), cols = min(iW, fW - p);
  const q0 = shareStart(planes, tid, nt), q1 = shareStart(planes, tid + 1, nt);
  for (let q = q0; q < q1; q++) {
    const c = q % channels;
    let src = x + (<usize>(q * iH * iW) << 2);
    if (framed) {
      for (let y = 0; y < rows; y++) {
        copyF32(frame + (<usize>((y + p) * fW + p) << 2), src + (<usize>(y * iW) << 2), cols);
      }
      src = frame;
    }
    const b: f32 = bias != 0 ? load<f32>(bias + (<usize>c << 2)) : 0;
    correlate(src, wt + (<usize>(c * 9) << 2), backward, out + (<usize>(q * oH * oW) << 2), b, bias != 0);
  }
}

export function depthwise3x3_forward(job: usize, tid: i32, nt: i32): void {
  run(job, tid, nt, false);
}

export function depthwise3x3_backward_input(job: usize, tid: i32, nt: i32): void {
  run(job, tid, nt, true);
}
