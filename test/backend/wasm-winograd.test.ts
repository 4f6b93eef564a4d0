/**
 * The Winograd F(2×2, 3×3) conv kernels (assembly/winograd.ts, WasmBackendOptions.convAlgorithm
 * 'winograd') against the reference kernels, and their thread-count independence.
 *
 * Tolerance. The GEMM path's error is bounded by ε times the sum of |terms| of each output (what
 * wasm-kernels.test.ts uses). Winograd's is not: it multiplies transformed values, V = Bᵀ d B sums
 * up to 4 inputs of the whole 4×4 input tile and U = G g Gᵀ up to 9 weights, and the output
 * transform cancels what lies outside an output's own 3×3 window exactly only in exact arithmetic.
 * So an output whose own window is all zeros (common after ReLU) can still carry rounding from the
 * rest of its tile. The bound used here is therefore per tile:
 *   |error| <= rtol · Σ_ic (Σ_{4×4 tile} |d|) · (Σ_{3×3} |g|)     (+ |bias|)
 * and for the weight gradient, per filter, Σ over images and tiles of (Σ_{2×2} |dy|)(Σ_{4×4} |x|).
 * Measured worst ratios on these cases were about 1-3e-8 on that scale (a few ε / 16), so
 * rtol = 1e-6 leaves a wide margin while still catching any wrong tap, tile or transform (which
 * is off by O(1) on that scale).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWasmBackend, type WasmBackend } from '../../src/backend/wasm/index.js';
import * as reference from '../../src/backend/reference/conv2d.js';
import { conv2dGeometry, type Conv2dGeometry } from '../../src/backend/geometry.js';
import { Rng } from '../../src/util/rng.js';

const RTOL = 1e-6;

let one: WasmBackend;
let two: WasmBackend;
let three: WasmBackend;

before(async () => {
  one = await createWasmBackend({ threads: 1, convAlgorithm: 'winograd' });
  two = await createWasmBackend({ threads: 2, convAlgorithm: 'winograd' });
  three = await createWasmBackend({ threads: 3, convAlgorithm: 'winograd' });
});
after(() => {
  one.dispose();
  two.dispose();
  three.dispose();
});

const rng = new Rng(2024);

/** Uniform in [-1, 1], or ReLU-like (about half exact zeros) when `sparse`: the case that needs the per-tile bound. */
function randomArray(size: number, sparse: boolean): Float32Array {
  const a = new Float32Array(size);
  for (let i = 0; i < size; i++) a[i] = sparse ? Math.max(0, rng.uniform(-1, 1)) : rng.uniform(-1, 1);
  return a;
}

function inBackend(b: WasmBackend, values: Float32Array): Float32Array {
  const a = b.alloc(values.length);
  a.set(values);
  return a;
}

/** Σ |x| over the 4×4 input tile (zero padding included) of output (oy, ox), one channel plane. */
function tileSum(x: Float32Array, base: number, h: number, w: number, pad: number, oy: number, ox: number): number {
  const y0 = (oy & ~1) - pad, x0 = (ox & ~1) - pad;
  let s = 0;
  for (let y = y0; y < y0 + 4; y++) {
    if (y < 0 || y >= h) continue;
    for (let xx = x0; xx < x0 + 4; xx++) if (xx >= 0 && xx < w) s += Math.abs(x[base + y * w + xx]!);
  }
  return s;
}

/** The per-tile error scale of a forward conv (see the header); `flip` is backward-input's view of (dy, weight). */
function forwardScale(
  x: Float32Array, weight: Float32Array, bias: Float32Array | null,
  n: number, cIn: number, h: number, w: number, cOut: number, outH: number, outW: number, pad: number, transposed: boolean,
): Float32Array {
  const scale = new Float32Array(n * cOut * outH * outW);
  const wAbs = (o: number, i: number): number => {
    const base = (transposed ? i * cOut + o : o * cIn + i) * 9;
    let s = 0;
    for (let k = 0; k < 9; k++) s += Math.abs(weight[base + k]!);
    return s;
  };
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < cOut; o++) {
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          let s = bias ? Math.abs(bias[o]!) : 0;
          for (let i = 0; i < cIn; i++) s += tileSum(x, (b * cIn + i) * h * w, h, w, pad, oy, ox) * wAbs(o, i);
          scale[((b * cOut + o) * outH + oy) * outW + ox] = s;
        }
      }
    }
  }
  return scale;
}

/** The per-filter error scale of the weight gradient: Σ_b Σ_tiles (Σ_{2×2} |dy|)(Σ_{4×4} |x|). */
function weightScale(x: Float32Array, dy: Float32Array, g: Conv2dGeometry): Float32Array {
  const scale = new Float32Array(g.cOut * g.cIn * 9);
  for (let o = 0; o < g.cOut; o++) {
    for (let i = 0; i < g.cIn; i++) {
      let s = 0;
      for (let b = 0; b < g.n; b++) {
        for (let ty = 0; ty < g.outH; ty += 2) {
          for (let tx = 0; tx < g.outW; tx += 2) {
            let d = 0;
            for (let y = ty; y < Math.min(ty + 2, g.outH); y++) {
              for (let xx = tx; xx < Math.min(tx + 2, g.outW); xx++) d += Math.abs(dy[((b * g.cOut + o) * g.outH + y) * g.outW + xx]!);
            }
            s += d * tileSum(x, (b * g.cIn + i) * g.h * g.w, g.h, g.w, g.padH, ty, tx);
          }
        }
      }
      scale.fill(s, (o * g.cIn + i) * 9, (o * g.cIn + i + 1) * 9);
    }
  }
  return scale;
}

function assertWithin(actual: Float32Array, expected: Float32Array, scale: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= RTOL * scale[i]! + 1e-30)) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (error ${err}, scale ${scale[i]})`);
    }
  }
}

interface Passes {
  y: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
}

/** The three passes on backend `b` (outputs pre-filled with garbage: they must be overwritten). */
function runPasses(b: WasmBackend, x: Float32Array, w: Float32Array, bias: Float32Array, dy: Float32Array, g: Conv2dGeometry): Passes {
  const [xb, wb, bb, dyb] = [inBackend(b, x), inBackend(b, w), inBackend(b, bias), inBackend(b, dy)];
  const y = b.alloc(dy.length).fill(123);
  const dx = b.alloc(x.length).fill(-5);
  const dw = b.alloc(w.length).fill(7);
  b.conv2dForward(xb, wb, bb, y, g);
  b.conv2dBackwardInput(dyb, wb, dx, g);
  b.conv2dBackwardWeight(xb, dyb, dw, g);
  const result = { y: y.slice(), dx: dx.slice(), dw: dw.slice() };
  for (const t of [xb, wb, bb, dyb, y, dx, dw]) b.release(t);
  return result;
}

function winogradCase(n: number, cIn: number, cOut: number, h: number, w: number, pad: number, sparse: boolean): void {
  const g = conv2dGeometry([n, cIn, h, w], [cOut, cIn, 3, 3], [1, 1], [pad, pad], [1, 1], 1);
  const label = `n=${n} ${cIn}→${cOut} ${h}×${w} pad ${pad}${sparse ? ' sparse' : ''}`;
  const x = randomArray(n * cIn * h * w, sparse);
  const wt = randomArray(cOut * cIn * 9, false);
  const bias = randomArray(cOut, false);
  const dy = randomArray(n * cOut * g.outH * g.outW, sparse);

  const got = runPasses(one, x, wt, bias, dy, g);
  const yRef = new Float32Array(dy.length);
  reference.conv2dForward(x, wt, bias, yRef, g);
  assertWithin(got.y, yRef, forwardScale(x, wt, bias, n, cIn, h, w, cOut, g.outH, g.outW, pad, false), `forward ${label}`);
  const dxRef = new Float32Array(x.length);
  reference.conv2dBackwardInput(dy, wt, dxRef, g);
  assertWithin(got.dx, dxRef, forwardScale(dy, wt, null, n, cOut, g.outH, g.outW, cIn, h, w, 2 - pad, true), `backward-input ${label}`);
  const dwRef = new Float32Array(wt.length);
  reference.conv2dBackwardWeight(x, dy, dwRef, g);
  assertWithin(got.dw, dwRef, weightScale(x, dy, g), `backward-weight ${label}`);

  // Work is split by image (forward, backward-input) and by fixed batch chunks (weight): the bits
  // must not depend on how many threads there are.
  for (const [b, t] of [[two, 2], [three, 3]] as const) {
    const other = runPasses(b, x, wt, bias, dy, g);
    assert.deepEqual(other.y, got.y, `forward ${label}: ${t} threads differ from 1`);
    assert.deepEqual(other.dx, got.dx, `backward-input ${label}: ${t} threads differ from 1`);
    assert.deepEqual(other.dw, got.dw, `backward-weight ${label}: ${t} threads differ from 1`);
  }
}

describe('wasm Winograd F(2×2, 3×3) convolution', () => {
  it('matches the reference on the dense 3×3 layers of sepnet-8k and mnist8k-m3', () => {
    // [cIn, cOut, size]: sepnet-8k's conv2, m3's conv2, m3's conv4-conv6.
    for (const [cIn, cOut, size] of [[10, 16, 26], [10, 15, 26], [10, 16, 12], [16, 16, 10], [16, 16, 8]] as const) {
      for (const n of [1, 3]) winogradCase(n, cIn, cOut, size, size, 0, false);
    }
  });

  it('matches the reference on ReLU-like inputs with exact zeros', () => {
    winogradCase(2, 10, 16, 26, 26, 0, true);
    winogradCase(3, 6, 5, 9, 9, 1, true);
  });

  it('on odd, non-square and tiny planes, with padding 1 and 2', () => {
    winogradCase(2, 4, 6, 7, 13, 1, false); // odd output sizes, padding 1
    winogradCase(1, 5, 7, 6, 4, 1, false); // a row of fewer than 4 tiles
    winogradCase(3, 4, 4, 5, 5, 0, false); // a 3×3 output
    winogradCase(2, 4, 5, 3, 3, 2, false); // padding 2: backward-input reads dy unpadded
    winogradCase(5, 4, 9, 11, 17, 0, false); // a batch that 2 and 3 threads split unevenly
    winogradCase(1, 4, 4, 3, 3, 0, false); // a single output
  });

  it('leaves other convolutions, and every conv with the default option, on the GEMM path', async () => {
    // Outside winogradFits (1 input channel, groups, stride 2): the same bits as the default backend.
    const gemm = await createWasmBackend({ threads: 1 });
    try {
      for (const [xs, ws, stride, groups] of [
        [[2, 1, 28, 28], [10, 1, 3, 3], 1, 1], [[2, 8, 12, 12], [8, 1, 3, 3], 1, 8], [[2, 4, 9, 9], [6, 4, 3, 3], 2, 1],
      ] as const) {
        const g = conv2dGeometry(xs, ws, [stride, stride], [0, 0], [1, 1], groups);
        const x = randomArray(g.n * g.cIn * g.h * g.w, false);
        const wt = randomArray(g.cOut * (g.cIn / groups) * 9, false);
        const dy = randomArray(g.n * g.cOut * g.outH * g.outW, false);
        const bias = new Float32Array(g.cOut);
        assert.deepEqual(runPasses(one, x, wt, bias, dy, g), runPasses(gemm, x, wt, bias, dy, g), `x=${xs} w=${ws}`);
      }
    } finally {
      gemm.dispose();
    }
  });

  it('rejects an unknown algorithm', async () => {
    await assert.rejects(createWasmBackend({ threads: 1, convAlgorithm: 'fft' as 'gemm' }), /unknown convAlgorithm/);
  });
});
