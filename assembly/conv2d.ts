/**
 * Convolution tasks (NCHW input, OIHW weight, any stride/padding/dilation/groups).
 *
 * Forward:      per image and group, out = W · im2col(x) on the GEMM of gemm.ts. With stride 1 the
 *               im2col matrix is never built: the B-row offset table points into the (zero-padded
 *               if needed) input, and each output row is one GEMM run. Stride > 1 builds im2col.
 * Backward-in:  dcol = Wᵀ · dy (GEMM), then a col2im scatter-add (a direct correlation over
 *               zero-padded dy would waste most of its multiply-adds on these small images).
 * Backward-w:   dW += dy · im2col(x)ᵀ as dot products, with the batch split into a fixed number of
 *               chunks whose partial sums the host reduces in chunk order: the result does not depend
 *               on the number of threads at all.
 *
 * The three tasks share one job layout (src/backend/wasm/job-layout.ts), read here as Conv's slots.
 */
import { arg, ptr, shareStart, align16, zeroF32, copyF32, addF32 } from './job';
import { chooseMR, packedASize, packA, gemmRun, linearOffsets, dotBlock } from './gemm';
import { Conv2dForwardJob as Conv, Conv2dBackwardWeightJob, ReducePartialsJob } from '../build/job-layout';

// Geometry, loaded per call into this instance's globals (each thread has its own instance).
let n: i32, cIn: i32, h: i32, w: i32, cOut: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32;
let dH: i32, dW: i32, groups: i32, outH: i32, outW: i32, cInG: i32, cOutG: i32, K: i32, Hp: i32, Wp: i32;
let strided: bool, padded: bool;

function loadGeometry(job: usize): void {
  n = arg(job, Conv.n); cIn = arg(job, Conv.cIn); h = arg(job, Conv.h); w = arg(job, Conv.w); cOut = arg(job, Conv.cOut);
  kH = arg(job, Conv.kH); kW = arg(job, Conv.kW); sH = arg(job, Conv.strideH); sW = arg(job, Conv.strideW);
  pH = arg(job, Conv.padH); pW = arg(job, Conv.padW); dH = arg(job, Conv.dilationH); dW = arg(job, Conv.dilationW);
  groups = arg(job, Conv.groups); outH = arg(job, Conv.outH); outW = arg(job, Conv.outW);
  cInG = cIn / groups; cOutG = cOut / groups; K = cInG * kH * kW;
  Hp = h + 2 * pH; Wp = w + 2 * pW;
  strided = sH != 1 || sW != 1;
  padded = pH != 0 || pW != 0;
}

/** Offsets of the implicit im2col rows into a cInG × Hp × Wp image (stride 1). */
function windowOffsets(offs: usize): void {
  let kk = 0;
  for (let ic = 0; ic < cInG; ic++) {
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        store<i32>(offs + (<usize>kk << 2), (ic * Hp * Wp + ky * dH * Wp + kx * dW) << 2);
        kk++;
      }
    }
  }
}

/** Copies cInG planes of h×w into a zeroed Hp×Wp frame. */
function padCopy(src: usize, dst: usize): void {
  zeroF32(dst, cInG * Hp * Wp);
  for (let ic = 0; ic < cInG; ic++) {
    for (let y = 0; y < h; y++) {
      copyF32(dst + (<usize>((ic * Hp + y + pH) * Wp + pW) << 2), src + (<usize>((ic * h + y) * w) << 2), w);
    }
  }
}

function im2col(src: usize, col: usize): void {
  const nOut = outH * outW;
  let kk = 0;
  for (let ic = 0; ic < cInG; ic++) {
    const plane = src + (<usize>(ic * h * w) << 2);
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const row = col + (<usize>(kk * nOut) << 2);
        for (let oy = 0; oy < outH; oy++) {
          const iy = oy * sH - pH + ky * dH;
          const dst = row + (<usize>(oy * outW) << 2);
          if (iy < 0 || iy >= h) {
            zeroF32(dst, outW);
            continue;
          }
          const srow = plane + (<usize>(iy * w) << 2);
          for (let ox = 0; ox < outW; ox++) {
            const ix = ox * sW - pW + kx * dW;
            store<f32>(dst + (<usize>ox << 2), ix >= 0 && ix < w ? load<f32>(srow + (<usize>ix << 2)) : 0);
          }
        }
        kk++;
      }
    }
  }
}

// ---------------------------------------------------------------- forward

let fPack: usize, fOffs: usize, fPad: usize, fCol: usize, fWideOut: usize, fMR: i32, fPackFloats: i32;
let fWide: i32, fUseWide: bool;

/** Rough cost of one gemmRun over n columns, in 8-column block units (4-column blocks run at about 60%). */
function runCost(n: i32): f32 {
  if (n >= 8) {
    const rest = n & 7;
    return <f32>(n >> 3) + (rest > 4 ? 1.0 : rest > 0 ? 0.6 : 0.0);
  }
  if (n >= 4) return n > 4 ? 1.2 : 0.6;
  return <f32>n * 0.5;
}

function planForward(job: usize, scratch: usize): i32 {
  loadGeometry(job);
  fMR = chooseMR(cOutG);
  fPackFloats = packedASize(cOutG, K, fMR);
  // Stride 1 with Wp > outW: either one GEMM run per output row, or one "wide" run over the input's
  // row pitch ((outH-1)·Wp + outW columns, the Wp-outW columns between rows computed and dropped),
  // whichever does fewer blocks: small planes (6-12 wide) waste most of a per-row run's last block
  // (measured: conv 16→16 on 8×8 about 20% faster wide, 10→16 on 12×12 about 8%; on 28×28 wide was slower).
  fWide = (outH - 1) * Wp + outW;
  fUseWide = !strided && Wp != outW && outW < 16 && runCost(fWide) < <f32>outH * runCost(outW);
  let at: usize = 0;
  fPack = scratch + at; at += align16(<usize>(groups * fPackFloats) << 2);
  fOffs = scratch + at; at += align16(<usize>K << 2);
  fPad = scratch + at; if (!strided && padded) at += align16(<usize>(cInG * Hp * Wp) << 2);
  fCol = scratch + at; if (strided) at += align16(<usize>(K * outH * outW) << 2);
  fWideOut = scratch + at; if (fUseWide) at += align16(<usize>(cOutG * fWide) << 2);
  return <i32>at;
}

export function conv2d_forward_scratch(job: usize): i32 {
  return planForward(job, 0);
}

export function conv2d_forward(job: usize, tid: i32, nt: i32): void {
  const scratch = ptr(job, Conv.scratch) + <usize>tid * ptr(job, Conv.scratchStride);
  planForward(job, scratch);
  const x = ptr(job, Conv.a), wt = ptr(job, Conv.b), bias = ptr(job, Conv.bias), out = ptr(job, Conv.out);
  for (let g = 0; g < groups; g++) {
    packA(fPack + (<usize>(g * fPackFloats) << 2), wt + (<usize>(g * cOutG * K) << 2), K, 1, cOutG, K, fMR);
  }
  const nOut = outH * outW;
  if (strided) linearOffsets(fOffs, K, nOut << 2);
  else windowOffsets(fOffs);
  const planeBytes = <usize>nOut << 2;
  const b0 = shareStart(n, tid, nt), b1 = shareStart(n, tid + 1, nt);
  for (let b = b0; b < b1; b++) {
    for (let g = 0; g < groups; g++) {
      const src = x + (<usize>((b * cIn + g * cInG) * h * w) << 2);
      const dst = out + (<usize>((b * cOut + g * cOutG) * nOut) << 2);
      const ap = fPack + (<usize>(g * fPackFloats) << 2);
      if (strided) {
        im2col(src, fCol);
        gemmRun(ap, fMR, cOutG, K, fCol, fOffs, nOut, dst, planeBytes);
      } else {
        let base = src;
        if (padded) { padCopy(src, fPad); base = fPad; }
        if (Wp == outW) {
          gemmRun(ap, fMR, cOutG, K, base, fOffs, nOut, dst, planeBytes);
        } else if (fUseWide) {
          gemmRun(ap, fMR, cOutG, K, base, fOffs, fWide, fWideOut, <usize>fWide << 2);
          for (let oc = 0; oc < cOutG; oc++) {
            for (let oy = 0; oy < outH; oy++) {
              copyF32(dst + (<usize>((oc * outH + oy) * outW) << 2), fWideOut + (<usize>(oc * fWide + oy * Wp) << 2), outW);
            }
          }
        } else {
          for (let oy = 0; oy < outH; oy++) {
            gemmRun(ap, fMR, cOutG, K, base + (<usize>(oy * Wp) << 2), fOffs, outW, dst + (<usize>(oy * outW) << 2), planeBytes);
          }
        }
      }
    }
    if (bias != 0) {
      for (let oc = 0; oc < cOut; oc++) {
        const bv = f32x4.splat(load<f32>(bias + (<usize>oc << 2)));
        const p = out + (<usize>((b * cOut + oc) * nOut) << 2);
        let i = 0;
        for (; i + 4 <= nOut; i += 4) v128.store(p + (<usize>i << 2), f32x4.add(v128.load(p + (<usize>i << 2)), bv));
        for (; i < nOut; i++) store<f32>(p + (<usize>i << 2), load<f32>(p + (<usize>i << 2)) + f32x4.extract_lane(bv, 0));
      }
    }
  }
}

// ---------------------------------------------------------------- backward input

let iPack: usize, iOffs: usize, iCol: usize, iPad: usize, iMR: i32, iPackFloats: i32, iDirect: bool;

function planBackwardInput(job: usize, scratch: usize): i32 {
  loadGeometry(job);
  iMR = chooseMR(K);
  iPackFloats = packedASize(K, cOutG, iMR);
  iDirect = kH == 1 && kW == 1 && !strided && !padded;
  let at: usize = 0;
  iPack = scratch + at; at += align16(<usize>(groups * iPackFloats) << 2);
  iOffs = scratch + at; at += align16(<usize>cOutG << 2);
  iCol = scratch + at; if (!iDirect) at += align16(<usize>(K * outH * outW) << 2);
  iPad = scratch + at; if (padded) at += align16(<usize>(cInG * Hp * Wp) << 2);
  return <i32>at;
}

export function conv2d_backward_input_scratch(job: usize): i32 {
  return planBackwardInput(job, 0);
}

/** Scatter-adds dcol (K × outH·outW) into a zeroed cInG × Hp × Wp frame. */
function col2im(col: usize, dst: usize): void {
  zeroF32(dst, cInG * Hp * Wp);
  const nOut = outH * outW;
  let kk = 0;
  for (let ic = 0; ic < cInG; ic++) {
    for (let ky = 0; ky < kH; ky++) {
      for (let kx = 0; kx < kW; kx++) {
        const row = col + (<usize>(kk * nOut) << 2);
        if (sW == 1) {
          // The hot case: one pass over the tap's whole plane, vector body inline (a call per
          // 24-float row cost more than the adds).
          const w4 = outW & ~3;
          const rowStep = <usize>(sH * Wp) << 2;
          let drow = dst + (<usize>((ic * Hp + ky * dH) * Wp + kx * dW) << 2);
          let srow = row;
          for (let oy = 0; oy < outH; oy++) {
            let i = 0;
            for (; i < w4; i += 4) {
              const o = <usize>i << 2;
              v128.store(drow + o, f32x4.add(v128.load(drow + o), v128.load(srow + o)));
            }
            for (; i < outW; i++) {
              const o = <usize>i << 2;
              store<f32>(drow + o, load<f32>(drow + o) + load<f32>(srow + o));
            }
            drow += rowStep;
            srow += <usize>outW << 2;
          }
          kk++;
          continue;
        }
        for (let oy = 0; oy < outH; oy++) {
          const drow = dst + (<usize>((ic * Hp + oy * sH + ky * dH) * Wp + kx * dW) << 2);
          const srow = row + (<usize>(oy * outW) << 2);
          {
            for (let ox = 0; ox < outW; ox++) {
              const d = drow + (<usize>(ox * sW) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(srow + (<usize>ox << 2)));
            }
          }
        }
        kk++;
      }
    }
  }
}

export function conv2d_backward_input(job: usize, tid: i32, nt: i32): void {
  const scratch = ptr(job, Conv.scratch) + <usize>tid * ptr(job, Conv.scratchStride);
  planBackwardInput(job, scratch);
  const dy = ptr(job, Conv.a), wt = ptr(job, Conv.b), dx = ptr(job, Conv.out);
  // A = Wᵀ per group: A[kk][oc] = W[oc][kk].
  for (let g = 0; g < groups; g++) {
    packA(iPack + (<usize>(g * iPackFloats) << 2), wt + (<usize>(g * cOutG * K) << 2), 1, K, K, cOutG, iMR);
  }
  const nOut = outH * outW;
  linearOffsets(iOffs, cOutG, nOut << 2);
  const b0 = shareStart(n, tid, nt), b1 = shareStart(n, tid + 1, nt);
  for (let b = b0; b < b1; b++) {
    for (let g = 0; g < groups; g++) {
      const dyG = dy + (<usize>((b * cOut + g * cOutG) * nOut) << 2);
      const dxG = dx + (<usize>((b * cIn + g * cInG) * h * w) << 2);
      const ap = iPack + (<usize>(g * iPackFloats) << 2);
      if (iDirect) {
        gemmRun(ap, iMR, K, cOutG, dyG, iOffs, nOut, dxG, <usize>(h * w) << 2);
        continue;
      }
      gemmRun(ap, iMR, K, cOutG, dyG, iOffs, nOut, iCol, <usize>nOut << 2);
      if (padded) {
        col2im(iCol, iPad);
        for (let ic = 0; ic < cInG; ic++) {
          for (let y = 0; y < h; y++) {
            copyF32(dxG + (<usize>((ic * h + y) * w) << 2), iPad + (<usize>((ic * Hp + y + pH) * Wp + pW) << 2), w);
          }
        }
      } else {
        col2im(iCol, dxG);
      }
    }
  }
}

// ---------------------------------------------------------------- backward weight

let wOffs: usize, wPad: usize, wCol: usize, wDy: usize, wWide: i32;

function planBackwardWeight(job: usize, scratch: usize): i32 {
  loadGeometry(job);
  wWide = (outH - 1) * Wp + outW;
  let at: usize = 0;
  wOffs = scratch + at; at += align16(<usize>K << 2);
  wPad = scratch + at; if (!strided && padded) at += align16(<usize>(cInG * Hp * Wp) << 2);
  wCol = scratch + at; if (strided) at += align16(<usize>(K * outH * outW) << 2);
  wDy = scratch + at; if (!strided && Wp != outW) at += align16(<usize>(cOutG * wWide) << 2);
  return <i32>at;
}

export function conv2d_backward_weight_scratch(job: usize): i32 {
  return planBackwardWeight(job, 0);
}

export function conv2d_backward_weight(job: usize, tid: i32, nt: i32): void {
  const scratch = ptr(job, Conv.scratch) + <usize>tid * ptr(job, Conv.scratchStride);
  planBackwardWeight(job, scratch);
  const x = ptr(job, Conv.a), dy = ptr(job, Conv.b), partials = ptr(job, Conv.out);
  const chunks = arg(job, Conv2dBackwardWeightJob.chunks);
  const nOut = outH * outW;
  const weightSize = cOut * K;
  if (strided) linearOffsets(wOffs, K, nOut << 2);
  else windowOffsets(wOffs);
  const c0 = shareStart(chunks, tid, nt), c1 = shareStart(chunks, tid + 1, nt);
  for (let c = c0; c < c1; c++) {
    const partial = partials + (<usize>(c * weightSize) << 2);
    zeroF32(partial, weightSize);
    const b1 = shareStart(n, c + 1, chunks);
    for (let b = shareStart(n, c, chunks); b < b1; b++) {
      for (let g = 0; g < groups; g++) {
        const src = x + (<usize>((b * cIn + g * cInG) * h * w) << 2);
        const dyG = dy + (<usize>((b * cOut + g * cOutG) * nOut) << 2);
        const dst = partial + (<usize>(g * cOutG * K) << 2);
        if (strided) {
          im2col(src, wCol);
          dotBlock(dyG, <usize>nOut << 2, cOutG, wCol, wOffs, K, nOut, dst, <usize>K << 2);
          continue;
        }
        let base = src;
        if (padded) { padCopy(src, wPad); base = wPad; }
        if (Wp == outW) {
          dotBlock(dyG, <usize>nOut << 2, cOutG, base, wOffs, K, nOut, dst, <usize>K << 2);
          continue;
        }
        // Spread dy over the input's row pitch (zeros in the columns a valid window never reaches),
        // so every im2col row is one contiguous run of the input.
        for (let oc = 0; oc < cOutG; oc++) {
          const drow = wDy + (<usize>(oc * wWide) << 2);
          for (let oy = 0; oy < outH; oy++) {
            const d = drow + (<usize>(oy * Wp) << 2);
            copyF32(d, dyG + (<usize>((oc * outH + oy) * outW) << 2), outW);
            if (oy + 1 < outH) zeroF32(d + (<usize>outW << 2), Wp - outW);
          }
        }
        dotBlock(wDy, <usize>wWide << 2, cOutG, base, wOffs, K, wWide, dst, <usize>K << 2);
      }
    }
  }
}

/** dst = Σ_c src_c over `count` blocks of `length` floats, summed in c order. */
export function reduce_partials(job: usize, tid: i32, nt: i32): void {
  const dst = ptr(job, ReducePartialsJob.dst), src = ptr(job, ReducePartialsJob.src);
  const count = arg(job, ReducePartialsJob.count), len = arg(job, ReducePartialsJob.length);
  const q = (len + 3) >> 2;
  const i0 = shareStart(q, tid, nt) << 2;
  const i1 = min(shareStart(q, tid + 1, nt) << 2, len);
  if (i0 >= i1) return;
  copyF32(dst + (<usize>i0 << 2), src + (<usize>i0 << 2), i1 - i0);
  for (let c = 1; c < count; c++) addF32(dst + (<usize>i0 << 2), src + (<usize>(c * len + i0) << 2), i1 - i0);
}
