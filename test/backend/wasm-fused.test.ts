/**
 * The fused batch norm → ReLU → dropout kernels: the reference fused kernel against the three
 * reference kernels in a row, and the wasm kernels against the reference (and against the wasm
 * unfused kernels, bit for bit where the maths is the same), on 1 and 2 threads.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWasmBackend, type WasmBackend } from '../../src/backend/wasm/index.js';
import { createReferenceBackend } from '../../src/backend/reference/index.js';
import type { Backend, BatchNormShape } from '../../src/backend/backend.js';
import { Rng } from '../../src/util/rng.js';

const reference = createReferenceBackend();
let one: WasmBackend;
let two: WasmBackend;

before(async () => {
  [one, two] = await Promise.all([createWasmBackend({ threads: 1 }), createWasmBackend({ threads: 2 })]);
});
after(() => {
  one.dispose();
  two.dispose();
});

function filled(backend: Backend, size: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  const a = backend.alloc(size);
  for (let i = 0; i < size; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length).slice();
}

function assertClose(actual: Float32Array, expected: Float32Array, atol: number, rtol: number, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= atol + rtol * Math.abs(expected[i]!))) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

interface Run {
  out: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  invStd: Float32Array;
  dx: Float32Array;
  dGamma: Float32Array;
  dBeta: Float32Array;
}

/** The fused kernels on `backend` (fused) or the unfused kernels in a row. */
function run(backend: Backend, s: BatchNormShape, p: number, seed: number, fused: boolean, affine = true): Run {
  const size = s.n * s.c * s.spatial;
  const x = filled(backend, size, 1, -2, 3);
  const dy = filled(backend, size, 2);
  const gamma = affine ? filled(backend, s.c, 3, 0.5, 1.5) : null;
  const beta = affine ? filled(backend, s.c, 4) : null;
  const out = backend.alloc(size);
  const [mean, variance, invStd] = [backend.alloc(s.c), backend.alloc(s.c), backend.alloc(s.c)];
  const dx = backend.alloc(size);
  const dGamma = backend.alloc(s.c);
  const dBeta = backend.alloc(s.c);
  if (fused) {
    backend.batchNormReluDropoutForward(x, gamma, beta, out, mean, variance, invStd, s, 1e-5, p, seed);
    backend.batchNormReluDropoutBackward(dy, x, out, gamma, mean, invStd, dx, affine ? dGamma : null, affine ? dBeta : null, s, p);
  } else {
    const bn = backend.alloc(size);
    const r = backend.alloc(size);
    const mask = backend.alloc(size);
    backend.batchNormTrainForward(x, gamma, beta, bn, mean, variance, invStd, s, 1e-5);
    backend.reluForward(bn, r);
    if (p > 0) backend.dropoutForward(r, out, mask, p, seed, 1);
    else {
      out.set(r);
      mask.fill(1);
    }
    const g1 = backend.alloc(size);
    const g2 = backend.alloc(size);
    backend.multiply(dy, mask, g1);
    backend.reluBackward(g1, r, g2);
    backend.batchNormBackward(g2, x, gamma, mean, invStd, dx, affine ? dGamma : null, affine ? dBeta : null, s);
  }
  return { out, mean, variance, invStd, dx, dGamma, dBeta };
}

const shapes: [string, BatchNormShape][] = [
  ['m3 conv2 block', { n: 8, c: 15, spatial: 576 }],
  ['m3 conv6 block', { n: 16, c: 16, spatial: 36 }],
  ['odd plane', { n: 3, c: 5, spatial: 7 * 7 }],
  ['BatchNorm1d-like', { n: 33, c: 6, spatial: 1 }],
];

describe('batchNormReluDropout kernels', () => {
  for (const [name, s] of shapes) {
    for (const p of [0, 0.05, 0.5]) {
      it(`reference fused equals the reference kernels in a row (${name}, p=${p})`, () => {
        const f = run(reference, s, p, 99, true);
        const u = run(reference, s, p, 99, false);
        for (const k of ['out', 'mean', 'variance', 'invStd', 'dx', 'dGamma', 'dBeta'] as const) {
          assert.deepEqual(bits(f[k]), bits(u[k]), k);
        }
      });

      it(`wasm fused matches the reference (${name}, p=${p}), bit-identical across thread counts`, () => {
        const r = run(reference, s, p, 7, true);
        const a = run(one, s, p, 7, true);
        const b = run(two, s, p, 7, true);
        // The forward is the wasm batch norm's arithmetic, then ReLU and the same dropout mask.
        const u = run(two, s, p, 7, false);
        assert.deepEqual(bits(b.out), bits(u.out), 'forward equals the wasm kernels in a row');
        for (const k of ['out', 'mean', 'variance', 'invStd', 'dx', 'dGamma', 'dBeta'] as const) {
          assert.deepEqual(bits(a[k]), bits(b[k]), `${k}: 1 vs 2 threads`);
        }
        assertClose(b.out, r.out, 1e-5, 1e-5, 'out');
        assertClose(b.mean, r.mean, 1e-6, 1e-5, 'mean');
        assertClose(b.invStd, r.invStd, 1e-6, 1e-5, 'invStd');
        assertClose(b.dx, r.dx, 1e-4, 1e-3, 'dx');
        assertClose(b.dGamma, r.dGamma, 1e-3, 1e-4, 'dGamma');
        assertClose(b.dBeta, r.dBeta, 1e-3, 1e-4, 'dBeta');
        // Dropout zeroes the same elements as the unfused kernels.
        for (let i = 0; i < b.out.length; i++) assert.equal(b.out[i] === 0, r.out[i] === 0, `zero pattern at ${i}`);
      });
    }
  }

  it('works without affine parameters', () => {
    const s = { n: 4, c: 3, spatial: 16 };
    const r = run(reference, s, 0.1, 5, true, false);
    const b = run(two, s, 0.1, 5, true, false);
    assertClose(b.out, r.out, 1e-5, 1e-5, 'out');
    assertClose(b.dx, r.dx, 1e-4, 1e-3, 'dx');
  });
});
