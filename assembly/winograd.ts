/**
 * Winograd F(2×2, 3×3) for dense (groups 1) 3×3, stride 1, dilation 1 convolutions with equal
 * padding on both axes: each 2×2 output tile costs 16 multiply-adds per channel pair instead of 36,
 * so the GEMMs do 2.25× fewer multiply-adds than the im2col path of conv2d.ts (Lavin & Gray, 2015).
 *
 *   U[ξ] = (G g Gᵀ)[ξ]            per (oc, ic) filter, 16 values ξ = 4k + l
 *   V[ξ] = (Bᵀ d B)[ξ]            per input channel and 4×4 input tile d (tiles overlap by 2)
 *   M[ξ] = U[ξ] · V[ξ]            16 GEMMs, cOut × cIn times cIn × tiles (gemm.ts)
 *   y    = Aᵀ M A                 per output channel and tile: the 2×2 outputs
 *
 * Forward runs it as is. Backward-input is the forward conv of dy, zero-padded by 2 - pad, with
 * the flipped, transposed kernel (W'[ic][oc] = rot180(W[oc][ic])), which replaces conv2d.ts's
 * GEMM + col2im. Backward-weight runs the transposed algorithm: dU[ξ] = Σ_tiles (A dY Aᵀ)[ξ] ⊙ V[ξ],
 * summed over a chunk of the batch as dot products (gemm.ts's dotBlock), then dW = Gᵀ dU G per
 * chunk, so the host reduces weight-sized partials in chunk order as for the GEMM path.
 *
 * Transforms run on four horizontally adjacent tiles at once, one tile per SIMD lane: the columns
 * of four tiles are the even and odd lanes of two contiguous loads. Tile rows whose width is not a
 * multiple of 4 end with an overlapping group (the same values written twice); fewer than 4 tiles,
 * odd sizes and padding go through a zeroed frame. Each image is computed the same way by whichever
 * thread gets it, so results do not depend on the thread count.
 *
 * Why it is numerically looser than GEMM: the transforms add and subtract before multiplying, so
 * each product carries the rounding of sums of up to 9 inputs (and U of 9 weights); the error grows
 * with the magnitude of those sums, not of the result (test/backend/wasm-winograd.test.ts bounds it).
 */
import { arg, ptr, shareStart, align16, zeroF32, copyF32 } from './job';
import { chooseMR, packedASize, packA, gemmRun, linearOffsets, dotBlock } from './gemm';
import { Conv2dWinogradForwardJob as Conv, Conv2dWinogradBackwardWeightJob } from '../build/job-layout';

const MODE_FORWARD = 0, MODE_BACKWARD_INPUT = 1, MODE_BACKWARD_WEIGHT = 2;

// The convolution as Winograd runs it: cI input planes iH × iW zero-padded by p, cO output planes oH × oW.
let n: i32, cI: i32, iH: i32, iW: i32, cO: i32, oH: i32, oW: i32, p: i32;
let tilesH: i32, tilesW: i32, T: i32, Hf: i32, Wf: i32, oFH: i32, oFW: i32, directIn: bool, directOut: bool;
let mr: i32, packFloats: i32;
let sU: usize, sPack: usize, sOffs: usize, sFrame: usize, sV: usize, sM: usize, sOut: usize;

/** Loads the geometry of `mode`'s convolution and lays out the scratch at `scratch`; returns its size in bytes. */
function plan(job: usize, scratch: usize, mode: i32): i32 {
  n = arg(job, Conv.n);
  const cIn = arg(job, Conv.cIn), h = arg(job, Conv.h), w = arg(job, Conv.w), cOut = arg(job, Conv.cOut);
  const outH = arg(job, Conv.outH), outW = arg(job, Conv.outW), pad = arg(job, Conv.padH);
  if (mode == MODE_BACKWARD_INPUT) {
    cI = cOut; iH = outH; iW = outW; cO = cIn; oH = h; oW = w; p = 2 - pad;
  } else {
    cI = cIn; iH = h; iW = w; cO = cOut; oH = outH; oW = outW; p = pad;
  }
  tilesH = (oH + 1) >> 1;
  // Fewer than 4 tiles in a row: pad the row to one SIMD group of tiles.
  tilesW = max((oW + 1) >> 1, 4);
  T = tilesH * tilesW;
  // The input tiles span 2·tiles + 2 rows and columns; the last group's loads reach column 2·tilesW + 1.
  Hf = 2 * tilesH + 2; Wf = 2 * tilesW + 2;
  directIn = p == 0 && iH == Hf && iW == Wf;
  oFH = 2 * tilesH; oFW = 2 * tilesW;
  directOut = oH == oFH && oW == oFW;
  mr = chooseMR(cO);
  packFloats = packedASize(cO, cI, mr);
  let at: usize = 0;
  sU = scratch + at; at += align16(<usize>(16 * cO * cI) << 2);
  sPack = scratch + at; if (mode != MODE_BACKWARD_WEIGHT) at += align16(<usize>(16 * packFloats) << 2);
  sOffs = scratch + at; at += align16(<usize>cI << 2);
  sFrame = scratch + at; if (!directIn) at += align16(<usize>(cI * Hf * Wf) << 2);
  sV = scratch + at; at += align16(<usize>(16 * cI * T) << 2);
  sM = scratch + at; at += align16(<usize>(16 * cO * T) << 2);
  // Forward/backward-input: the output frame; backward-weight: dy in a zeroed frame of whole tiles.
  sOut = scratch + at; if (!directOut) at += align16(<usize>(cO * oFH * oFW) << 2);
  return <i32>at;
}

export function conv2d_winograd_forward_scratch(job: usize): i32 {
  return plan(job, 0, MODE_FORWARD);
}

export function conv2d_winograd_backward_input_scratch(job: usize): i32 {
  return plan(job, 0, MODE_BACKWARD_INPUT);
}

export function conv2d_winograd_backward_weight_scratch(job: usize): i32 {
  return plan(job, 0, MODE_BACKWARD_WEIGHT);
}

// ---------------------------------------------------------------- transforms

/** U = G g Gᵀ for every (o, i) into sU as [ξ][o][i]; `flip` reads g = rot180(W[i][o]) (backward-input's kernel). */
function filterTransform(wt: usize, flip: bool): void {
  const xiStride = <usize>(cO * cI) << 2;
  for (let o = 0; o < cO; o++) {
    for (let i = 0; i < cI; i++) {
      const src = wt + (<usize>((flip ? i * cO + o : o * cI + i) * 9) << 2);
      // g[r][c], flipped: g[r][c] = W[2 - r][2 - c], i.e. the nine values in reverse order.
      const g00 = tap(src, flip, 0), g01 = tap(src, flip, 1), g02 = tap(src, flip, 2);
      const g10 = tap(src, flip, 3), g11 = tap(src, flip, 4), g12 = tap(src, flip, 5);
      const g20 = tap(src, flip, 6), g21 = tap(src, flip, 7), g22 = tap(src, flip, 8);
      // Rows of G g (4 × 3).
      const a0 = g00, a1 = g01, a2 = g02;
      const b0: f32 = 0.5 * (g00 + g10 + g20), b1: f32 = 0.5 * (g01 + g11 + g21), b2: f32 = 0.5 * (g02 + g12 + g22);
      const c0: f32 = 0.5 * (g00 - g10 + g20), c1: f32 = 0.5 * (g01 - g11 + g21), c2: f32 = 0.5 * (g02 - g12 + g22);
      const d0 = g20, d1 = g21, d2 = g22;
      let dst = sU + (<usize>(o * cI + i) << 2);
      dst = filterRow(dst, xiStride, a0, a1, a2);
      dst = filterRow(dst, xiStride, b0, b1, b2);
      dst = filterRow(dst, xiStride, c0, c1, c2);
      filterRow(dst, xiStride, d0, d1, d2);
    }
  }
}

@inline function tap(src: usize, flip: bool, k: i32): f32 {
  return load<f32>(src + (<usize>(flip ? 8 - k : k) << 2));
}

/** One row of (G g) times Gᵀ: four values, ξ-strided; returns the next row's first slot. */
@inline function filterRow(dst: usize, xiStride: usize, r0: f32, r1: f32, r2: f32): usize {
  store<f32>(dst, r0); dst += xiStride;
  store<f32>(dst, 0.5 * (r0 + r1 + r2)); dst += xiStride;
  store<f32>(dst, 0.5 * (r0 - r1 + r2)); dst += xiStride;
  store<f32>(dst, r2); dst += xiStride;
  return dst;
}

/**
 * One row k of Bᵀ d for four tiles, as columns 0-7 (lo0, lo1) and 2-9 (hi0, hi1) of the frame,
 * times B: the tiles' columns j are lanes (2t + j) of those, so evens and odds.
 */
@inline function inputRow(lo0: v128, lo1: v128, hi0: v128, hi1: v128, dst: usize, xiStride: usize): void {
  const c0 = v128.shuffle<f32>(lo0, lo1, 0, 2, 4, 6);
  const c1 = v128.shuffle<f32>(lo0, lo1, 1, 3, 5, 7);
  const c2 = v128.shuffle<f32>(hi0, hi1, 0, 2, 4, 6);
  const c3 = v128.shuffle<f32>(hi0, hi1, 1, 3, 5, 7);
  v128.store(dst, f32x4.sub(c0, c2));
  v128.store(dst + xiStride, f32x4.add(c1, c2));
  v128.store(dst + 2 * xiStride, f32x4.sub(c2, c1));
  v128.store(dst + 3 * xiStride, f32x4.sub(c1, c3));
}

/** V = Bᵀ d B for every input channel and tile of the frame at `src` (cI × Hf × Wf), into sV as [ξ][ic][t]. */
function inputTransform(src: usize): void {
  const xiStride = <usize>(cI * T) << 2;
  const rowBytes = <usize>Wf << 2;
  const lastGroup = tilesW - 4;
  for (let ic = 0; ic < cI; ic++) {
    const plane = src + (<usize>(ic * Hf * Wf) << 2);
    for (let ty = 0; ty < tilesH; ty++) {
      const row = plane + <usize>(2 * ty) * rowBytes;
      for (let tx0 = 0; tx0 < tilesW; tx0 += 4) {
        const tx = min(tx0, lastGroup);
        const r0 = row + (<usize>(2 * tx) << 2), r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
        const dst = sV + (<usize>(ic * T + ty * tilesW + tx) << 2);
        // Rows of Bᵀ d: d0 - d2, d1 + d2, d2 - d1, d1 - d3 (elementwise on the untransposed rows);
        // rows 1 and 2 are loaded once for the two middle combinations.
        inputRow(
          f32x4.sub(v128.load(r0), v128.load(r2)), f32x4.sub(v128.load(r0, 16), v128.load(r2, 16)),
          f32x4.sub(v128.load(r0, 8), v128.load(r2, 8)), f32x4.sub(v128.load(r0, 24), v128.load(r2, 24)), dst, xiStride);
        const p0 = v128.load(r1), p1 = v128.load(r1, 16), p2 = v128.load(r1, 8), p3 = v128.load(r1, 24);
        const q0 = v128.load(r2), q1 = v128.load(r2, 16), q2 = v128.load(r2, 8), q3 = v128.load(r2, 24);
        inputRow(f32x4.add(p0, q0), f32x4.add(p1, q1), f32x4.add(p2, q2), f32x4.add(p3, q3), dst + 4 * xiStride, xiStride);
        inputRow(f32x4.sub(q0, p0), f32x4.sub(q1, p1), f32x4.sub(q2, p2), f32x4.sub(q3, p3), dst + 8 * xiStride, xiStride);
        inputRow(
          f32x4.sub(p0, v128.load(r3)), f32x4.sub(p1, v128.load(r3, 16)),
          f32x4.sub(p2, v128.load(r3, 8)), f32x4.sub(p3, v128.load(r3, 24)), dst + 12 * xiStride, xiStride);
      }
    }
  }
}

/**
 * Copies cI planes iH × iW into the frame at offset (p, p), clipped to the frame. Every image writes
 * the same interior, so the margins stay as zeroFrame() left them at the start of the task.
 */
function frameCopy(src: usize): void {
  const cols = min(iW, Wf - p);
  const rows = min(iH, Hf - p);
  for (let ic = 0; ic < cI; ic++) {
    for (let y = 0; y < rows; y++) {
      copyF32(sFrame + (<usize>((ic * Hf + y + p) * Wf + p) << 2), src + (<usize>((ic * iH + y) * iW) << 2), cols);
    }
  }
}

function zeroFrame(): void {
  if (!directIn) zeroF32(sFrame, cI * Hf * Wf);
}

/** The input of one image as the transforms read it: in place, or in the frame. */
function framed(src: usize): usize {
  if (directIn) return src;
  frameCopy(src);
  return sFrame;
}

/** y = Aᵀ M A (+ bias) for every output channel and tile, from sM ([ξ][oc][t]) into `dst` (cO planes, rows `ldy` floats apart). */
function outputTransform(dst: usize, planeFloats: i32, ldy: i32, bias: usize): void {
  const xiStride = <usize>(cO * T) << 2;
  const lastGroup = tilesW - 4;
  const ldyBytes = <usize>ldy << 2;
  for (let oc = 0; oc < cO; oc++) {
    const bv = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0);
    const plane = dst + (<usize>(oc * planeFloats) << 2);
    for (let ty = 0; ty < tilesH; ty++) {
      for (let tx0 = 0; tx0 < tilesW; tx0 += 4) {
        const tx = min(tx0, lastGroup);
        const m = sM + (<usize>(oc * T + ty * tilesW + tx) << 2);
        // Column l of Aᵀ M: s_l = m0l + m1l + m2l, d_l = m1l - m2l - m3l (m_kl at ξ = 4k + l).
        let s0: v128, d0: v128, s1: v128, d1: v128, s2: v128, d2: v128, s3: v128, d3: v128;
        {
          const a = v128.load(m), b = v128.load(m + 4 * xiStride), c = v128.load(m + 8 * xiStride), d = v128.load(m + 12 * xiStride);
          s0 = f32x4.add(f32x4.add(a, b), c); d0 = f32x4.sub(f32x4.sub(b, c), d);
        }
        {
          const mm = m + xiStride;
          const a = v128.load(mm), b = v128.load(mm + 4 * xiStride), c = v128.load(mm + 8 * xiStride), d = v128.load(mm + 12 * xiStride);
          s1 = f32x4.add(f32x4.add(a, b), c); d1 = f32x4.sub(f32x4.sub(b, c), d);
        }
        {
          const mm = m + 2 * xiStride;
          const a = v128.load(mm), b = v128.load(mm + 4 * xiStride), c = v128.load(mm + 8 * xiStride), d = v128.load(mm + 12 * xiStride);
          s2 = f32x4.add(f32x4.add(a, b), c); d2 = f32x4.sub(f32x4.sub(b, c), d);
        }
        {
          const mm = m + 3 * xiStride;
          const a = v128.load(mm), b = v128.load(mm + 4 * xiStride), c = v128.load(mm + 8 * xiStride), d = v128.load(mm + 12 * xiStride);
          s3 = f32x4.add(f32x4.add(a, b), c); d3 = f32x4.sub(f32x4.sub(b, c), d);
        }
        // Times A: y_r0 = t_r0 + t_r1 + t_r2, y_r1 = t_r1 - t_r2 - t_r3.
        const y00 = f32x4.add(f32x4.add(f32x4.add(s0, s1), s2), bv), y01 = f32x4.add(f32x4.sub(f32x4.sub(s1, s2), s3), bv);
        const y10 = f32x4.add(f32x4.add(f32x4.add(d0, d1), d2), bv), y11 = f32x4.add(f32x4.sub(f32x4.sub(d1, d2), d3), bv);
        const out0 = plane + <usize>(2 * ty) * ldyBytes + (<usize>(2 * tx) << 2);
        const out1 = out0 + ldyBytes;
        v128.store(out0, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
        v128.store(out0, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
        v128.store(out1, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
        v128.store(out1, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
      }
    }
  }
}

// ---------------------------------------------------------------- forward and backward-input

function convolve(job: usize, tid: i32, nt: i32, flip: bool, bias: usize): void {
  const x = ptr(job, Conv.a), wt = ptr(job, Conv.b), out = ptr(job, Conv.out);
  filterTransform(wt, flip);
  for (let xi = 0; xi < 16; xi++) {
    packA(sPack + (<usize>(xi * packFloats) << 2), sU + (<usize>(xi * cO * cI) << 2), cI, 1, cO, cI, mr);
  }
  linearOffsets(sOffs, cI, T << 2);
  zeroFrame();
  const inPlanes = <usize>(cI * iH * iW) << 2, outPlanes = <usize>(cO * oH * oW) << 2;
  const b0 = shareStart(n, tid, nt), b1 = shareStart(n, tid + 1, nt);
  for (let b = b0; b < b1; b++) {
    inputTransform(framed(x + <usize>b * inPlanes));
    for (let xi = 0; xi < 16; xi++) {
      gemmRun(sPack + (<usize>(xi * packFloats) << 2), mr, cO, cI, sV + (<usize>(xi * cI * T) << 2), sOffs, T,
        sM + (<usize>(xi * cO * T) << 2), <usize>T << 2);
    }
    const dst = out + <usize>b * outPlanes;
    if (directOut) {
      outputTransform(dst, oH * oW, oW, bias);
    } else {
      outputTransform(sOut, oFH * oFW, oFW, bias);
      for (let oc = 0; oc < cO; oc++) {
        for (let y = 0; y < oH; y++) {
          copyF32(dst + (<usize>((oc * oH + y) * oW) << 2), sOut + (<usize>((oc * oFH + y) * oFW) << 2), oW);
        }
      }
    }
  }
}

export function conv2d_winograd_forward(job: usize, tid: i32, nt: i32): void {
  plan(job, ptr(job, Conv.scratch) + <usize>tid * ptr(job, Conv.scratchStride), MODE_FORWARD);
  convolve(job, tid, nt, false, ptr(job, Conv.bias));
}

export function conv2d_winograd_backward_input(job: usize, tid: i32, nt: i32): void {
  plan(job, ptr(job, Conv.scratch) + <usize>tid * ptr(job, Conv.scratchStride), MODE_BACKWARD_INPUT);
  convolve(job, tid, nt, true, 0);
}

// ---------------------------------------------------------------- backward weight

/** One row pair of A dY for four tiles, times Aᵀ: the four ξ = 4k + l values of row k of A dY Aᵀ. */
@inline function gradRow(e: v128, o: v128, dst: usize, xiStride: usize): void {
  v128.store(dst, e);
  v128.store(dst + xiStride, f32x4.add(e, o));
  v128.store(dst + 2 * xiStride, f32x4.sub(e, o));
  v128.store(dst + 3 * xiStride, f32x4.neg(o));
}

/** dM = A dY Aᵀ (A = Aᵀᵀ, 4 × 2) for every output channel and tile of the dy planes at `src` (rows `ldy` floats apart), into sM. */
function gradTransform(src: usize, planeFloats: i32, ldy: i32): void {
  const xiStride = <usize>(cO * T) << 2;
  const lastGroup = tilesW - 4;
  const ldyBytes = <usize>ldy << 2;
  for (let oc = 0; oc < cO; oc++) {
    const plane = src + (<usize>(oc * planeFloats) << 2);
    for (let ty = 0; ty < tilesH; ty++) {
      for (let tx0 = 0; tx0 < tilesW; tx0 += 4) {
        const tx = min(tx0, lastGroup);
        const r0 = plane + <usize>(2 * ty) * ldyBytes + (<usize>(2 * tx) << 2), r1 = r0 + ldyBytes;
        const a0 = v128.load(r0), a1 = v128.load(r0, 16), b0 = v128.load(r1), b1 = v128.load(r1, 16);
        // dY[i][j] of the four tiles: row i, column j = the even (j = 0) or odd (j = 1) lanes.
        const y00 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), y01 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
        const y10 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6), y11 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        const dst = sM + (<usize>(oc * T + ty * tilesW + tx) << 2);
        // Rows of A dY: y0, y0 + y1, y0 - y1, -y1.
        gradRow(y00, y01, dst, xiStride);
        gradRow(f32x4.add(y00, y10), f32x4.add(y01, y11), dst + 4 * xiStride, xiStride);
        gradRow(f32x4.sub(y00, y10), f32x4.sub(y01, y11), dst + 8 * xiStride, xiStride);
        gradRow(f32x4.neg(y10), f32x4.neg(y11), dst + 12 * xiStride, xiStride);
      }
    }
  }
}

/** partial[o][i] (3×3) = Gᵀ dU[·][o][i] G for every filter: the chunk's weight gradient. */
function filterGradTransform(partial: usize): void {
  const xiStride = <usize>(cO * cI) << 2;
  for (let o = 0; o < cO; o++) {
    for (let i = 0; i < cI; i++) {
      const src = sU + (<usize>(o * cI + i) << 2);
      const dst = partial + (<usize>((o * cI + i) * 9) << 2);
      // Columns l of Gᵀ dU (3 × 4): rows Gᵀ = [1, ½, ½, 0], [0, ½, -½, 0], [0, ½, ½, 1] over k.
      for (let l = 0; l < 4; l++) {
        const u0 = load<f32>(src + <usize>l * xiStride), u1 = load<f32>(src + <usize>(4 + l) * xiStride);
        const u2 = load<f32>(src + <usize>(8 + l) * xiStride), u3 = load<f32>(src + <usize>(12 + l) * xiStride);
        // Stash the 3 × 4 intermediate in dU's own slots k = 0..2 (each column is read before it is written).
        store<f32>(src + <usize>l * xiStride, u0 + 0.5 * (u1 + u2));
        store<f32>(src + <usize>(4 + l) * xiStride, 0.5 * (u1 - u2));
        store<f32>(src + <usize>(8 + l) * xiStride, 0.5 * (u1 + u2) + u3);
      }
      for (let r = 0; r < 3; r++) {
        const t = src + <usize>(4 * r) * xiStride;
        const t0 = load<f32>(t), t1 = load<f32>(t + xiStride), t2 = load<f32>(t + 2 * xiStride), t3 = load<f32>(t + 3 * xiStride);
        const row = dst + <usize>(r * 12);
        store<f32>(row, t0 + 0.5 * (t1 + t2));
        store<f32>(row, 0.5 * (t1 - t2), 4);
        store<f32>(row, 0.5 * (t1 + t2) + t3, 8);
      }
    }
  }
}

export function conv2d_winograd_backward_weight(job: usize, tid: i32, nt: i32): void {
  plan(job, ptr(job, Conv.scratch) + <usize>tid * ptr(job, Conv.scratchStride), MODE_BACKWARD_WEIGHT);
  const x = ptr(job, Conv.a), dy = ptr(job, Conv.b), partials = ptr(job, Conv.out);
  const chunks = arg(job, Conv2dWinogradBackwardWeightJob.chunks);
  const weightFloats = cO * cI * 9;
  const inPlanes = <usize>(cI * iH * iW) << 2, outPlanes = <usize>(cO * oH * oW) << 2;
  linearOffsets(sOffs, cI, T << 2);
  // Tiles past the output's edge must see dy = 0 (their V is not zero): the frame's margin stays zero.
  if (!directOut) zeroF32(sOut, cO * oFH * oFW);
  zeroFrame();
  const c0 = shareStart(chunks, tid, nt), c1 = shareStart(chunks, tid + 1, nt);
  for (let c = c0; c < c1; c++) {
    zeroF32(sU, 16 * cO * cI);
    const b1 = shareStart(n, c + 1, chunks);
    for (let b = shareStart(n, c, chunks); b < b1; b++) {
      inputTransform(framed(x + <usize>b * inPlanes));
      const dyB = dy + <usize>b * outPlanes;
      if (directOut) {
        gradTransform(dyB, oH * oW, oW);
      } else {
        for (let oc = 0; oc < cO; oc++) {
          for (let y = 0; y < oH; y++) {
            copyF32(sOut + (<usize>((oc * oFH + y) * oFW) << 2), dyB + (<usize>((oc * oH + y) * oW) << 2), oW);
          }
        }
        gradTransform(sOut, oFH * oFW, oFW);
      }
      for (let xi = 0; xi < 16; xi++) {
        dotBlock(sM + (<usize>(xi * cO * T) << 2), <usize>T << 2, cO, sV + (<usize>(xi * cI * T) << 2), sOffs, cI, T,
          sU + (<usize>(xi * cO * cI) << 2), <usize>cI << 2);
      }
    }
    filterGradTransform(partials + (<usize>(c * weightFloats) << 2));
  }
}
