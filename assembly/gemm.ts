/**
 * Register-blocked SIMD GEMM: C[m×n] = A[m×k] · B[k×n].
 *
 * A is packed into panels of MR rows (k-major, MR values per k) so the micro-kernel reads it with
 * immediate offsets. B is never packed: row kk of B starts at `b + offs[kk]` (a byte offset table),
 * which lets one kernel read a plain row-major matrix, an im2col buffer, or the input image itself
 * (for a stride-1 convolution, row (ic, ky, kx) of the implicit im2col matrix is just the input
 * shifted by ic·plane + ky·rowW + kx).
 *
 * Micro-kernels hold 4×8 accumulators plus two B vectors and one A splat (see chooseMR).
 * Every output element is the same sequential sum over k (mul, then add, in f32) whichever kernel
 * computes it, so overlapping tail blocks and different splits give bit-identical values.
 */

import { hsum } from './job';

/**
 * Rows per A panel. 4 rows × 8 columns keeps 8 accumulators, 2 B vectors, an A splat and a product
 * live (12 registers). A 5×8 kernel (13-14 live) measured 24 GFLOP/s against 36-38 for 4×8 on the
 * same product: V8 keeps a couple of the 16 xmm registers for itself, so it spills. Padding 15 rows
 * to 16 costs far less than that.
 */
export function chooseMR(m: i32): i32 {
  return 4;
}

export function packedASize(m: i32, k: i32, mr: i32): i32 {
  return ((m + mr - 1) / mr) * mr * k;
}

/** Packs the logical m×k matrix A[i][kk] = src[i·rs + kk·cs] (element strides) into MR-row panels, zero-padded. */
export function packA(dst: usize, src: usize, rs: i32, cs: i32, m: i32, k: i32, mr: i32): void {
  for (let p = 0; p < m; p += mr) {
    for (let kk = 0; kk < k; kk++) {
      for (let r = 0; r < mr; r++) {
        const i = p + r;
        const v: f32 = i < m ? load<f32>(src + (<usize>(i * rs + kk * cs) << 2)) : 0;
        store<f32>(dst, v);
        dst += 4;
      }
    }
  }
}

@inline function fma(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

function k4x8(a: usize, b: usize, offs: usize, k: i32, c: usize, ldc: usize, rows: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = offs + (<usize>k << 2);
  while (offs < end) {
    const bp = b + <usize>load<i32>(offs);
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(a);
    c00 = fma(c00, av, b0); c01 = fma(c01, av, b1);
    av = v128.load32_splat(a, 4);
    c10 = fma(c10, av, b0); c11 = fma(c11, av, b1);
    av = v128.load32_splat(a, 8);
    c20 = fma(c20, av, b0); c21 = fma(c21, av, b1);
    av = v128.load32_splat(a, 12);
    c30 = fma(c30, av, b0); c31 = fma(c31, av, b1);
    a += 16;
    offs += 4;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  if (rows > 1) { c += ldc; v128.store(c, c10); v128.store(c, c11, 16); }
  if (rows > 2) { c += ldc; v128.store(c, c20); v128.store(c, c21, 16); }
  if (rows > 3) { c += ldc; v128.store(c, c30); v128.store(c, c31, 16); }
}

/**
 * The last panel of an m that leaves 1-2 rows (m = 10, 9): only its live rows are computed (the panel
 * still holds MR=4 values per k). Measured 12% faster on the 1×1 conv 15→10; a 3-row variant gained nothing.
 */
function k2x8(a: usize, b: usize, offs: usize, k: i32, c: usize, ldc: usize, rows: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  const end = offs + (<usize>k << 2);
  while (offs < end) {
    const bp = b + <usize>load<i32>(offs);
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(a);
    c00 = fma(c00, av, b0); c01 = fma(c01, av, b1);
    av = v128.load32_splat(a, 4);
    c10 = fma(c10, av, b0); c11 = fma(c11, av, b1);
    a += 16;
    offs += 4;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  if (rows > 1) { c += ldc; v128.store(c, c10); v128.store(c, c11, 16); }
}

function k4x4(a: usize, b: usize, offs: usize, k: i32, c: usize, ldc: usize, rows: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const end = offs + (<usize>k << 2);
  while (offs < end) {
    const b0 = v128.load(b + <usize>load<i32>(offs));
    c0 = fma(c0, v128.load32_splat(a), b0);
    c1 = fma(c1, v128.load32_splat(a, 4), b0);
    c2 = fma(c2, v128.load32_splat(a, 8), b0);
    c3 = fma(c3, v128.load32_splat(a, 12), b0);
    a += 16;
    offs += 4;
  }
  v128.store(c, c0);
  if (rows > 1) { c += ldc; v128.store(c, c1); }
  if (rows > 2) { c += ldc; v128.store(c, c2); }
  if (rows > 3) { c += ldc; v128.store(c, c3); }
}

/** One output column, scalar: only for rows shorter than 4 columns. */
function k1(a: usize, mr: i32, b: usize, offs: usize, k: i32, c: usize, ldc: usize, rows: i32): void {
  for (let r = 0; r < rows; r++) {
    let s: f32 = 0;
    for (let kk = 0; kk < k; kk++) {
      s += load<f32>(a + (<usize>(kk * mr + r) << 2)) * load<f32>(b + <usize>load<i32>(offs + (<usize>kk << 2)));
    }
    store<f32>(c + <usize>r * ldc, s);
  }
}

function block8(ap: usize, mr: i32, m: i32, k: i32, b: usize, offs: usize, c: usize, ldc: usize): void {
  const panelBytes = <usize>(k * mr) << 2;
  for (let p = 0; p < m; p += mr) {
    const rows = min(mr, m - p);
    if (rows < 3) k2x8(ap, b, offs, k, c, ldc, rows);
    else k4x8(ap, b, offs, k, c, ldc, rows);
    ap += panelBytes;
    c += <usize>mr * ldc;
  }
}

function block4(ap: usize, mr: i32, m: i32, k: i32, b: usize, offs: usize, c: usize, ldc: usize): void {
  const panelBytes = <usize>(k * mr) << 2;
  for (let p = 0; p < m; p += mr) {
    const rows = min(mr, m - p);
    k4x4(ap, b, offs, k, c, ldc, rows);
    ap += panelBytes;
    c += <usize>mr * ldc;
  }
}

/**
 * C[:, 0..n) = A · B[:, 0..n) for one contiguous run of n columns. `ldc` is C's row stride in bytes.
 * A trailing partial block is computed as an overlapping full block (same values, rewritten), so the
 * whole run stays on the SIMD kernels.
 */
export function gemmRun(ap: usize, mr: i32, m: i32, k: i32, b: usize, offs: usize, n: i32, c: usize, ldc: usize): void {
  if (n >= 8) {
    let j = 0;
    for (; j + 8 <= n; j += 8) block8(ap, mr, m, k, b + (<usize>j << 2), offs, c + (<usize>j << 2), ldc);
    const rest = n - j;
    if (rest > 4) block8(ap, mr, m, k, b + (<usize>(n - 8) << 2), offs, c + (<usize>(n - 8) << 2), ldc);
    else if (rest > 0) block4(ap, mr, m, k, b + (<usize>(n - 4) << 2), offs, c + (<usize>(n - 4) << 2), ldc);
  } else if (n >= 4) {
    block4(ap, mr, m, k, b, offs, c, ldc);
    if (n > 4) block4(ap, mr, m, k, b + (<usize>(n - 4) << 2), offs, c + (<usize>(n - 4) << 2), ldc);
  } else {
    const panelBytes = <usize>(k * mr) << 2;
    for (let j = 0; j < n; j++) {
      let a = ap;
      let cc = c + (<usize>j << 2);
      for (let p = 0; p < m; p += mr) {
        k1(a, mr, b + (<usize>j << 2), offs, k, cc, ldc, min(mr, m - p));
        a += panelBytes;
        cc += <usize>mr * ldc;
      }
    }
  }
}

/** Fills offs[kk] = kk·strideBytes (B is a plain row-major matrix). */
export function linearOffsets(offs: usize, k: i32, strideBytes: i32): void {
  for (let kk = 0; kk < k; kk++) store<i32>(offs + (<usize>kk << 2), kk * strideBytes);
}

/**
 * Dot-product kernels for C[i][j] += Σ_t D[i][t] · B[j][t] (both operands run along t): the weight
 * gradient of a convolution. 4×2 blocks keep 8 accumulators, 2 B vectors, one D vector and a product
 * live (a 3×3 block, 14 live, spilled and ran at half the speed). Lane sums are folded in a fixed
 * order, then the scalar tail is added.
 */
function dot4x2(d: usize, ldd: usize, b0: usize, b1: usize, n: i32, c: usize, ldc: usize): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
  let s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  const n4 = n & ~3;
  const d1 = d + ldd, d2 = d + 2 * ldd, d3 = d + 3 * ldd;
  for (let t = 0; t < n4; t += 4) {
    const off = <usize>t << 2;
    const x0 = v128.load(b0 + off);
    const x1 = v128.load(b1 + off);
    let dv = v128.load(d + off);
    s00 = fma(s00, dv, x0); s01 = fma(s01, dv, x1);
    dv = v128.load(d1 + off);
    s10 = fma(s10, dv, x0); s11 = fma(s11, dv, x1);
    dv = v128.load(d2 + off);
    s20 = fma(s20, dv, x0); s21 = fma(s21, dv, x1);
    dv = v128.load(d3 + off);
    s30 = fma(s30, dv, x0); s31 = fma(s31, dv, x1);
  }
  let r00 = hsum(s00), r01 = hsum(s01), r10 = hsum(s10), r11 = hsum(s11);
  let r20 = hsum(s20), r21 = hsum(s21), r30 = hsum(s30), r31 = hsum(s31);
  for (let t = n4; t < n; t++) {
    const off = <usize>t << 2;
    const x0 = load<f32>(b0 + off), x1 = load<f32>(b1 + off);
    const v0 = load<f32>(d + off), v1 = load<f32>(d1 + off), v2 = load<f32>(d2 + off), v3 = load<f32>(d3 + off);
    r00 += v0 * x0; r01 += v0 * x1; r10 += v1 * x0; r11 += v1 * x1;
    r20 += v2 * x0; r21 += v2 * x1; r30 += v3 * x0; r31 += v3 * x1;
  }
  store<f32>(c, load<f32>(c) + r00); store<f32>(c, load<f32>(c, 4) + r01, 4);
  c += ldc;
  store<f32>(c, load<f32>(c) + r10); store<f32>(c, load<f32>(c, 4) + r11, 4);
  c += ldc;
  store<f32>(c, load<f32>(c) + r20); store<f32>(c, load<f32>(c, 4) + r21, 4);
  c += ldc;
  store<f32>(c, load<f32>(c) + r30); store<f32>(c, load<f32>(c, 4) + r31, 4);
}

/** Three rows against two B rows (the tail of a 15-row dy: one dot1x2 per row ran at a third of the speed). */
function dot3x2(d: usize, ldd: usize, b0: usize, b1: usize, n: i32, c: usize, ldc: usize): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
  const n4 = n & ~3;
  const d1 = d + ldd, d2 = d + 2 * ldd;
  for (let t = 0; t < n4; t += 4) {
    const off = <usize>t << 2;
    const x0 = v128.load(b0 + off);
    const x1 = v128.load(b1 + off);
    let dv = v128.load(d + off);
    s00 = fma(s00, dv, x0); s01 = fma(s01, dv, x1);
    dv = v128.load(d1 + off);
    s10 = fma(s10, dv, x0); s11 = fma(s11, dv, x1);
    dv = v128.load(d2 + off);
    s20 = fma(s20, dv, x0); s21 = fma(s21, dv, x1);
  }
  let r00 = hsum(s00), r01 = hsum(s01), r10 = hsum(s10), r11 = hsum(s11), r20 = hsum(s20), r21 = hsum(s21);
  for (let t = n4; t < n; t++) {
    const off = <usize>t << 2;
    const x0 = load<f32>(b0 + off), x1 = load<f32>(b1 + off);
    const v0 = load<f32>(d + off), v1 = load<f32>(d1 + off), v2 = load<f32>(d2 + off);
    r00 += v0 * x0; r01 += v0 * x1; r10 += v1 * x0; r11 += v1 * x1; r20 += v2 * x0; r21 += v2 * x1;
  }
  store<f32>(c, load<f32>(c) + r00); store<f32>(c, load<f32>(c, 4) + r01, 4);
  c += ldc;
  store<f32>(c, load<f32>(c) + r10); store<f32>(c, load<f32>(c, 4) + r11, 4);
  c += ldc;
  store<f32>(c, load<f32>(c) + r20); store<f32>(c, load<f32>(c, 4) + r21, 4);
}

/** Two rows against two B rows. */
function dot2x2(d: usize, ldd: usize, b0: usize, b1: usize, n: i32, c: usize, ldc: usize): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  const n4 = n & ~3;
  const d1 = d + ldd;
  for (let t = 0; t < n4; t += 4) {
    const off = <usize>t << 2;
    const x0 = v128.load(b0 + off);
    const x1 = v128.load(b1 + off);
    let dv = v128.load(d + off);
    s00 = fma(s00, dv, x0); s01 = fma(s01, dv, x1);
    dv = v128.load(d1 + off);
    s10 = fma(s10, dv, x0); s11 = fma(s11, dv, x1);
  }
  let r00 = hsum(s00), r01 = hsum(s01), r10 = hsum(s10), r11 = hsum(s11);
  for (let t = n4; t < n; t++) {
    const off = <usize>t << 2;
    const x0 = load<f32>(b0 + off), x1 = load<f32>(b1 + off);
    const v0 = load<f32>(d + off), v1 = load<f32>(d1 + off);
    r00 += v0 * x0; r01 += v0 * x1; r10 += v1 * x0; r11 += v1 * x1;
  }
  store<f32>(c, load<f32>(c) + r00); store<f32>(c, load<f32>(c, 4) + r01, 4);
  c += ldc;
  store<f32>(c, load<f32>(c) + r10); store<f32>(c, load<f32>(c, 4) + r11, 4);
}

/** Four rows against one B row (an odd tap count, e.g. the 9 taps of a 1-channel 3×3 conv). */
function dot4x1(d: usize, ldd: usize, b0: usize, n: i32, c: usize, ldc: usize): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  const n4 = n & ~3;
  const d1 = d + ldd, d2 = d + 2 * ldd, d3 = d + 3 * ldd;
  for (let t = 0; t < n4; t += 4) {
    const off = <usize>t << 2;
    const x0 = v128.load(b0 + off);
    s0 = fma(s0, v128.load(d + off), x0);
    s1 = fma(s1, v128.load(d1 + off), x0);
    s2 = fma(s2, v128.load(d2 + off), x0);
    s3 = fma(s3, v128.load(d3 + off), x0);
  }
  let r0 = hsum(s0), r1 = hsum(s1), r2 = hsum(s2), r3 = hsum(s3);
  for (let t = n4; t < n; t++) {
    const off = <usize>t << 2;
    const x0 = load<f32>(b0 + off);
    r0 += load<f32>(d + off) * x0; r1 += load<f32>(d1 + off) * x0;
    r2 += load<f32>(d2 + off) * x0; r3 += load<f32>(d3 + off) * x0;
  }
  store<f32>(c, load<f32>(c) + r0);
  c += ldc;
  store<f32>(c, load<f32>(c) + r1);
  c += ldc;
  store<f32>(c, load<f32>(c) + r2);
  c += ldc;
  store<f32>(c, load<f32>(c) + r3);
}

/** One row against two B rows. */
function dot1x2(d: usize, b0: usize, b1: usize, n: i32, c: usize): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  const n4 = n & ~3;
  for (let t = 0; t < n4; t += 4) {
    const off = <usize>t << 2;
    const dv = v128.load(d + off);
    s0 = fma(s0, dv, v128.load(b0 + off));
    s1 = fma(s1, dv, v128.load(b1 + off));
  }
  let r0 = hsum(s0), r1 = hsum(s1);
  for (let t = n4; t < n; t++) {
    const off = <usize>t << 2;
    const dv = load<f32>(d + off);
    r0 += dv * load<f32>(b0 + off);
    r1 += dv * load<f32>(b1 + off);
  }
  store<f32>(c, load<f32>(c) + r0);
  store<f32>(c, load<f32>(c, 4) + r1, 4);
}

function dot1x1(d: usize, b: usize, n: i32): f32 {
  let s = f32x4.splat(0);
  const n4 = n & ~3;
  for (let t = 0; t < n4; t += 4) s = fma(s, v128.load(d + (<usize>t << 2)), v128.load(b + (<usize>t << 2)));
  let r = hsum(s);
  for (let t = n4; t < n; t++) r += load<f32>(d + (<usize>t << 2)) * load<f32>(b + (<usize>t << 2));
  return r;
}

/**
 * C[m×kk] += D[m×n] · Bᵀ where row j of B starts at b + offs[j]; D rows are `ldd` bytes apart, C rows `ldc`.
 */
export function dotBlock(d: usize, ldd: usize, m: i32, b: usize, offs: usize, kk: i32, n: i32, c: usize, ldc: usize): void {
  const m4 = m & ~3;
  const k2 = kk & ~1;
  for (let j = 0; j < k2; j += 2) {
    const o = offs + (<usize>j << 2);
    const b0 = b + <usize>load<i32>(o), b1 = b + <usize>load<i32>(o, 4);
    const cj = c + (<usize>j << 2);
    for (let i = 0; i < m4; i += 4) dot4x2(d + <usize>i * ldd, ldd, b0, b1, n, cj + <usize>i * ldc, ldc);
    let i = m4;
    if (m - i == 3) {
      dot3x2(d + <usize>i * ldd, ldd, b0, b1, n, cj + <usize>i * ldc, ldc);
      i += 3;
    } else if (m - i == 2) {
      dot2x2(d + <usize>i * ldd, ldd, b0, b1, n, cj + <usize>i * ldc, ldc);
      i += 2;
    }
    for (; i < m; i++) dot1x2(d + <usize>i * ldd, b0, b1, n, cj + <usize>i * ldc);
  }
  if (k2 < kk) {
    const bj = b + <usize>load<i32>(offs + (<usize>k2 << 2));
    const cj = c + (<usize>k2 << 2);
    for (let i = 0; i < m4; i += 4) dot4x1(d + <usize>i * ldd, ldd, bj, n, cj + <usize>i * ldc, ldc);
    for (let i = m4; i < m; i++) {
      const cp = c + <usize>i * ldc + (<usize>k2 << 2);
      store<f32>(cp, load<f32>(cp) + dot1x1(d + <usize>i * ldd, bj, n));
    }
  }
}
