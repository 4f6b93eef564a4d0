/**
 * Every fast wasm kernel against the reference kernel, on random shapes (stride, padding, groups,
 * dilation, odd sizes, batch 1 and more) and on the exact mnist8k-m3 layer shapes.
 * Float sums are compared relative to the sum of the magnitudes of their terms (the reference run
 * on |operands|), so the tolerance means the same for a 9-term and a 10,000-term sum.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWasmBackend, type WasmBackend } from '../../src/backend/wasm/index.js';
import { createReferenceBackend } from '../../src/backend/reference/index.js';
import { conv2dGeometry, pool2dGeometry, type Conv2dGeometry } from '../../src/backend/geometry.js';
import { Rng } from '../../src/util/rng.js';

const reference = createReferenceBackend();
let wasm: WasmBackend;

before(async () => {
  wasm = await createWasmBackend({ threads: 2 });
});
after(() => wasm.dispose());

const rng = new Rng(12345);

function randomArray(backend: { alloc(n: number): Float32Array }, size: number): Float32Array {
  const a = backend.alloc(size);
  for (let i = 0; i < size; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

function abs(a: Float32Array): Float32Array {
  return a.map(Math.abs);
}

/** |actual - expected| <= rtol · magnitude, element-wise. */
function assertClose(actual: Float32Array, expected: Float32Array, magnitude: Float32Array, rtol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= rtol * magnitude[i]! + 1e-30)) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (error ${err}, magnitude ${magnitude[i]})`);
    }
  }
}

function convCase(xShape: number[], wShape: number[], stride: [number, number], pad: [number, number], dil: [number, number], groups: number): void {
  const g = conv2dGeometry(xShape, wShape, stride, pad, dil, groups);
  const label = `x=${xShape} w=${wShape} s=${stride} p=${pad} d=${dil} g=${groups}`;
  const xSize = g.n * g.cIn * g.h * g.w;
  const wSize = g.cOut * (g.cIn / groups) * g.kH * g.kW;
  const ySize = g.n * g.cOut * g.outH * g.outW;
  const x = randomArray(wasm, xSize);
  const w = randomArray(wasm, wSize);
  const bias = randomArray(wasm, g.cOut);
  const dy = randomArray(wasm, ySize);
  const [xr, wr, br, dyr] = [x.slice(), w.slice(), bias.slice(), dy.slice()];
  const [xa, wa, ba, dya] = [abs(x), abs(w), abs(bias), abs(dy)];

  const y = wasm.alloc(ySize);
  const yRef = new Float32Array(ySize);
  const yMag = new Float32Array(ySize);
  wasm.conv2dForward(x, w, bias, y, g);
  reference.conv2dForward(xr, wr, br, yRef, g);
  reference.conv2dForward(xa, wa, ba, yMag, g);
  assertClose(y, yRef, yMag, 1e-5, `conv2dForward ${label}`);

  const dx = wasm.alloc(xSize);
  dx.fill(123); // "out" buffers are overwritten, never accumulated into
  const dxRef = new Float32Array(xSize);
  const dxMag = new Float32Array(xSize);
  wasm.conv2dBackwardInput(dy, w, dx, g);
  reference.conv2dBackwardInput(dyr, wr, dxRef, g);
  reference.conv2dBackwardInput(dya, wa, dxMag, g);
  assertClose(dx, dxRef, dxMag, 1e-5, `conv2dBackwardInput ${label}`);

  const dw = wasm.alloc(wSize);
  dw.fill(-7);
  const dwRef = new Float32Array(wSize);
  const dwMag = new Float32Array(wSize);
  wasm.conv2dBackwardWeight(x, dy, dw, g);
  reference.conv2dBackwardWeight(xr, dyr, dwRef, g);
  reference.conv2dBackwardWeight(xa, dya, dwMag, g);
  assertClose(dw, dwRef, dwMag, 1e-5, `conv2dBackwardWeight ${label}`);

  for (const b of [x, w, bias, dy, y, dx, dw]) wasm.release(b);
}

/** The mnist8k-m3 convolutions: [cIn, cOut, input size, kernel]. */
const M3_CONVS: [number, number, number, number][] = [
  [1, 10, 28, 3],
  [10, 15, 26, 3],
  [15, 10, 24, 1],
  [10, 16, 12, 3],
  [16, 16, 10, 3],
  [16, 16, 8, 3],
  [16, 10, 1, 1],
];

describe('wasm conv2d matches the reference', () => {
  it('on the exact mnist8k-m3 layer shapes', () => {
    for (const [cIn, cOut, size, k] of M3_CONVS) {
      for (const n of [1, 3]) convCase([n, cIn, size, size], [cOut, cIn, k, k], [1, 1], [0, 0], [1, 1], 1);
    }
  });

  it('with stride, padding, dilation and odd sizes', () => {
    convCase([2, 3, 9, 11], [5, 3, 3, 3], [2, 2], [1, 1], [1, 1], 1);
    convCase([1, 2, 7, 7], [4, 2, 3, 3], [1, 1], [2, 2], [1, 1], 1);
    convCase([3, 4, 13, 10], [6, 4, 3, 3], [1, 1], [1, 0], [2, 2], 1);
    convCase([2, 3, 15, 9], [7, 3, 5, 3], [2, 1], [2, 1], [1, 2], 1);
    convCase([1, 5, 6, 6], [9, 5, 1, 1], [2, 2], [0, 0], [1, 1], 1);
    convCase([2, 6, 8, 8], [13, 6, 1, 1], [1, 1], [1, 1], [1, 1], 1);
    convCase([1, 1, 3, 3], [1, 1, 3, 3], [1, 1], [0, 0], [1, 1], 1);
    convCase([2, 3, 5, 17], [2, 3, 2, 4], [3, 2], [1, 2], [1, 1], 1);
  });

  it('with groups and depthwise convolutions', () => {
    convCase([2, 4, 10, 9], [6, 2, 3, 3], [1, 1], [1, 1], [1, 1], 2);
    convCase([3, 8, 12, 12], [8, 1, 3, 3], [1, 1], [1, 1], [1, 1], 8);
    convCase([1, 6, 11, 11], [12, 1, 3, 3], [2, 2], [0, 0], [1, 1], 6);
    convCase([2, 6, 9, 9], [9, 2, 3, 3], [1, 1], [0, 0], [2, 2], 3);
  });

  it('on random geometries', () => {
    for (let t = 0; t < 25; t++) {
      const groups = [1, 1, 1, 2, 3][rng.int(5)]!;
      const cInG = 1 + rng.int(4);
      const cOutG = 1 + rng.int(6);
      const kH = 1 + rng.int(4);
      const kW = 1 + rng.int(4);
      const stride: [number, number] = [1 + rng.int(2), 1 + rng.int(2)];
      const pad: [number, number] = [rng.int(3), rng.int(3)];
      const dil: [number, number] = [1 + rng.int(2), 1 + rng.int(2)];
      const h = dil[0] * (kH - 1) + 1 + rng.int(12);
      const w = dil[1] * (kW - 1) + 1 + rng.int(12);
      const n = 1 + rng.int(3);
      convCase([n, cInG * groups, h, w], [cOutG * groups, cInG, kH, kW], stride, pad, dil, groups);
    }
  });
});

function runMatmul(m: number, k: number, n: number, transA: boolean, transB: boolean): void {
  const a = randomArray(wasm, m * k);
  const b = randomArray(wasm, k * n);
  const out = wasm.alloc(m * n);
  const ref = new Float32Array(m * n);
  const mag = new Float32Array(m * n);
  wasm.matmul(a, b, out, m, k, n, transA, transB);
  reference.matmul(a.slice(), b.slice(), ref, m, k, n, transA, transB);
  reference.matmul(abs(a), abs(b), mag, m, k, n, transA, transB);
  assertClose(out, ref, mag, 1e-5, `matmul ${m}x${k}x${n} tA=${transA} tB=${transB}`);
  for (const t of [a, b, out]) wasm.release(t);
}

describe('wasm matmul matches the reference', () => {
  it('on all transpose combinations and awkward sizes', () => {
    for (const [m, k, n] of [[1, 1, 1], [5, 7, 3], [13, 17, 29], [128, 16, 10], [64, 100, 33], [7, 1, 9], [3, 40, 4]] as const) {
      for (const tA of [false, true]) for (const tB of [false, true]) runMatmul(m, k, n, tA, tB);
    }
  });
});

describe('wasm batch norm matches the reference', () => {
  for (const [n, c, spatial] of [[3, 10, 676], [2, 15, 576], [5, 16, 36], [4, 7, 13], [9, 6, 1], [1, 3, 169]] as const) {
    it(`n=${n} c=${c} spatial=${spatial}`, () => {
      const s = { n, c, spatial };
      const size = n * c * spatial;
      const x = randomArray(wasm, size);
      for (let i = 0; i < size; i++) x[i] = x[i]! * 3 + 0.5; // a mean far from 0
      const gamma = randomArray(wasm, c);
      const beta = randomArray(wasm, c);
      const out = wasm.alloc(size);
      const [mean, variance, invStd] = [wasm.alloc(c), wasm.alloc(c), wasm.alloc(c)];
      const r = { out: new Float32Array(size), mean: new Float32Array(c), variance: new Float32Array(c), invStd: new Float32Array(c) };
      wasm.batchNormTrainForward(x, gamma, beta, out, mean, variance, invStd, s, 1e-5);
      reference.batchNormTrainForward(x.slice(), gamma.slice(), beta.slice(), r.out, r.mean, r.variance, r.invStd, s, 1e-5);
      const one = new Float32Array(size).fill(1);
      assertClose(mean, r.mean, new Float32Array(c).fill(4), 1e-6, 'mean');
      assertClose(variance, r.variance, r.variance, 1e-5, 'variance');
      assertClose(invStd, r.invStd, r.invStd, 1e-5, 'invStd');
      assertClose(out, r.out, one.map(() => 10), 1e-5, 'batchNormTrainForward');

      const evalOut = wasm.alloc(size);
      const evalRef = new Float32Array(size);
      wasm.batchNormEvalForward(x, gamma, null, mean, variance, evalOut, s, 1e-5);
      reference.batchNormEvalForward(x.slice(), gamma.slice(), null, mean.slice(), variance.slice(), evalRef, s, 1e-5);
      assertClose(evalOut, evalRef, one.map(() => 10), 1e-5, 'batchNormEvalForward');

      const dy = randomArray(wasm, size);
      const dx = wasm.alloc(size);
      const [dGamma, dBeta] = [wasm.alloc(c), wasm.alloc(c)];
      const rdx = new Float32Array(size);
      const [rdGamma, rdBeta] = [new Float32Array(c), new Float32Array(c)];
      wasm.batchNormBackward(dy, x, gamma, mean, invStd, dx, dGamma, dBeta, s);
      reference.batchNormBackward(dy.slice(), x.slice(), gamma.slice(), mean.slice(), invStd.slice(), rdx, rdGamma, rdBeta, s);
      const perChannel = new Float32Array(c).fill(n * spatial);
      assertClose(dGamma, rdGamma, perChannel, 1e-5, 'dGamma');
      assertClose(dBeta, rdBeta, perChannel, 1e-5, 'dBeta');
      assertClose(dx, rdx, one.map(() => 10), 1e-5, 'batchNormBackward dx');

      wasm.batchNormBackward(dy, x, null, mean, invStd, dx, null, null, s);
      reference.batchNormBackward(dy.slice(), x.slice(), null, mean.slice(), invStd.slice(), rdx, null, null, s);
      assertClose(dx, rdx, one.map(() => 10), 1e-5, 'batchNormBackward dx (not affine)');
    });
  }
});

describe('wasm pooling matches the reference', () => {
  it('2x2 max pooling, bit for bit, with ties and NaN', () => {
    for (const [n, c, h, w] of [[3, 10, 24, 24], [2, 3, 7, 9], [1, 2, 5, 4], [2, 2, 6, 6], [1, 1, 2, 2], [2, 3, 11, 18]] as const) {
      const g = pool2dGeometry([n, c, h, w], [2, 2], [2, 2], [0, 0]);
      const x = randomArray(wasm, n * c * h * w);
      for (let i = 0; i < x.length; i += 7) x[i] = x[i + 1] ?? 0; // ties
      for (let i = 5; i < x.length; i += 53) x[i] = NaN;
      const out = wasm.alloc(n * c * g.outH * g.outW);
      const idx = wasm.allocInt32(out.length);
      const rOut = new Float32Array(out.length);
      const rIdx = new Int32Array(out.length);
      wasm.maxPool2dForward(x, out, idx, g);
      reference.maxPool2dForward(x.slice(), rOut, rIdx, g);
      assert.deepEqual(idx, rIdx, `max pool indices ${[n, c, h, w]}`);
      assert.deepEqual(out, rOut, `max pool values ${[n, c, h, w]}`);
      const dy = randomArray(wasm, out.length);
      const dx = wasm.alloc(x.length).fill(5);
      const rdx = new Float32Array(x.length);
      wasm.maxPool2dBackward(dy, idx, dx, g);
      reference.maxPool2dBackward(dy.slice(), rIdx, rdx, g);
      assert.deepEqual(dx, rdx, 'max pool backward');
    }
  });

  it('other max-pool windows fall back to the reference', () => {
    const g = pool2dGeometry([2, 3, 9, 9], [3, 3], [2, 2], [1, 1]);
    const x = randomArray(wasm, 2 * 3 * 81);
    const out = wasm.alloc(2 * 3 * g.outH * g.outW);
    const idx = wasm.allocInt32(out.length);
    const rOut = new Float32Array(out.length);
    const rIdx = new Int32Array(out.length);
    wasm.maxPool2dForward(x, out, idx, g);
    reference.maxPool2dForward(x, rOut, rIdx, g);
    assert.deepEqual(out, rOut);
    assert.deepEqual(idx, rIdx);
  });

  it('average pooling, global (fast) and windowed (fallback)', () => {
    for (const [shape, k, s, p] of [
      [[5, 16, 6, 6], [6, 6], [6, 6], [0, 0]],
      [[2, 3, 5, 7], [5, 7], [1, 1], [0, 0]],
      [[2, 3, 8, 8], [3, 3], [2, 2], [1, 1]],
    ] as [number[], [number, number], [number, number], [number, number]][]) {
      const g = pool2dGeometry(shape, k, s, p);
      const size = shape.reduce((a, b) => a * b, 1);
      const x = randomArray(wasm, size);
      const outSize = shape[0]! * shape[1]! * g.outH * g.outW;
      for (const includePad of [false, true]) {
        const out = wasm.alloc(outSize);
        const rOut = new Float32Array(outSize);
        wasm.avgPool2dForward(x, out, g, includePad);
        reference.avgPool2dForward(x.slice(), rOut, g, includePad);
        assert.deepEqual(out, rOut, `avg pool ${shape}`);
        const dy = randomArray(wasm, outSize);
        const dx = wasm.alloc(size).fill(3);
        const rdx = new Float32Array(size);
        wasm.avgPool2dBackward(dy, dx, g, includePad);
        reference.avgPool2dBackward(dy.slice(), rdx, g, includePad);
        assert.deepEqual(dx, rdx, `avg pool backward ${shape}`);
      }
    }
  });
});

describe('wasm element-wise kernels match the reference bit for bit', () => {
  it('relu forward and backward, with NaN and signed zeros', () => {
    for (const size of [1, 7, 4096, 40_001]) {
      const x = randomArray(wasm, size);
      x[0] = -0;
      if (size > 3) x[3] = NaN;
      const out = wasm.alloc(size);
      const rOut = new Float32Array(size);
      wasm.reluForward(x, out);
      reference.reluForward(x.slice(), rOut);
      assert.deepEqual(new Uint32Array(out.buffer, out.byteOffset, size), new Uint32Array(rOut.buffer), 'relu forward bits');
      const dy = randomArray(wasm, size);
      const dx = wasm.alloc(size);
      const rdx = new Float32Array(size);
      wasm.reluBackward(dy, out, dx);
      reference.reluBackward(dy.slice(), rOut, rdx);
      assert.deepEqual(new Uint32Array(dx.buffer, dx.byteOffset, size), new Uint32Array(rdx.buffer), 'relu backward bits');
    }
  });
});

describe('operands outside the shared memory', () => {
  it('fall back to the reference kernels', () => {
    const g: Conv2dGeometry = conv2dGeometry([2, 3, 8, 8], [4, 3, 3, 3], [1, 1], [1, 1], [1, 1], 1);
    const x = new Float32Array(2 * 3 * 64).map(() => rng.next());
    const w = new Float32Array(4 * 27).map(() => rng.next());
    const y = new Float32Array(2 * 4 * 64);
    const yRef = new Float32Array(2 * 4 * 64);
    wasm.conv2dForward(x, w, null, y, g);
    reference.conv2dForward(x, w, null, yRef, g);
    assert.deepEqual(y, yRef);
  });

  it("a plain-memory conv input (a model's input batch) runs on the fast kernel, bit for bit as if it were in the arena", () => {
    const g: Conv2dGeometry = conv2dGeometry([4, 1, 28, 28], [10, 1, 3, 3], [1, 1], [0, 0], [1, 1], 1);
    const plain = new Float32Array(4 * 28 * 28).map(() => rng.uniform(-1, 1));
    const inArena = wasm.alloc(plain.length);
    inArena.set(plain);
    const w = randomArray(wasm, 10 * 9);
    const dy = randomArray(wasm, 4 * 10 * 26 * 26);
    const [y1, y2] = [wasm.alloc(4 * 10 * 26 * 26), wasm.alloc(4 * 10 * 26 * 26)];
    wasm.conv2dForward(plain, w, null, y1, g);
    wasm.conv2dForward(inArena, w, null, y2, g);
    assert.deepEqual(y1, y2);
    const [dw1, dw2] = [wasm.alloc(90), wasm.alloc(90)];
    wasm.conv2dBackwardWeight(plain, dy, dw1, g);
    wasm.conv2dBackwardWeight(inArena, dy, dw2, g);
    assert.deepEqual(dw1, dw2);
    const before = wasm.memoryStats().liveBlocks;
    wasm.conv2dForward(plain, w, null, y1, g);
    assert.equal(wasm.memoryStats().liveBlocks, before, 'the staged copy is released');
  });
});
