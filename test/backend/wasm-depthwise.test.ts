/**
 * The depthwise 3×3 kernels (assembly/depthwise.ts) give the GEMM path's bits exactly (they run by
 * default, so recorded experiments must not change), and match the reference.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWasmBackend, type WasmBackend } from '../../src/backend/wasm/index.js';
import * as reference from '../../src/backend/reference/conv2d.js';
import { conv2dGeometry, type Conv2dGeometry } from '../../src/backend/geometry.js';
import { Rng } from '../../src/util/rng.js';

let kernel1: WasmBackend;
let kernel2: WasmBackend;
let gemm: WasmBackend;

before(async () => {
  kernel1 = await createWasmBackend({ threads: 1 });
  kernel2 = await createWasmBackend({ threads: 2 });
  gemm = await createWasmBackend({ threads: 1, depthwiseViaGemm: true });
});
after(() => {
  for (const b of [kernel1, kernel2, gemm]) b.dispose();
});

const rng = new Rng(77);

function random(size: number, sparse: boolean): Float32Array {
  const a = new Float32Array(size);
  for (let i = 0; i < size; i++) a[i] = sparse ? Math.max(0, rng.uniform(-1, 1)) : rng.uniform(-1, 1);
  return a;
}

/** Forward (with or without bias) and backward-input on backend `b`, outputs pre-filled with garbage. */
function passes(b: WasmBackend, x: Float32Array, w: Float32Array, bias: Float32Array | null, dy: Float32Array, g: Conv2dGeometry): Float32Array[] {
  const put = (v: Float32Array): Float32Array => b.alloc(v.length).fill(0).map((_, i) => v[i]!);
  const [xb, wb, dyb] = [put(x), put(w), put(dy)];
  const bb = bias === null ? null : put(bias);
  const y = b.alloc(dy.length).fill(9);
  const dx = b.alloc(x.length).fill(-9);
  b.conv2dForward(xb, wb, bb, y, g);
  b.conv2dBackwardInput(dyb, wb, dx, g);
  const result = [y.slice(), dx.slice()];
  for (const t of [xb, wb, dyb, y, dx]) b.release(t);
  if (bb !== null) b.release(bb);
  return result;
}

function depthwiseCase(n: number, c: number, h: number, w: number, pad: number, withBias: boolean, sparse: boolean): void {
  const g = conv2dGeometry([n, c, h, w], [c, 1, 3, 3], [1, 1], [pad, pad], [1, 1], c);
  const label = `n=${n} c=${c} ${h}×${w} pad ${pad}${withBias ? ' bias' : ''}`;
  const x = random(n * c * h * w, sparse);
  const wt = random(c * 9, false);
  const bias = withBias ? random(c, false) : null;
  const dy = random(n * c * g.outH * g.outW, sparse);
  const [y, dx] = passes(kernel1, x, wt, bias, dy, g) as [Float32Array, Float32Array];
  const [yGemm, dxGemm] = passes(gemm, x, wt, bias, dy, g) as [Float32Array, Float32Array];
  // Bytes, not values: a -0 where the GEMM path has +0 would be a different result file.
  assert.deepEqual(new Uint32Array(y.buffer), new Uint32Array(yGemm.buffer), `forward ${label}: bits differ from the GEMM path`);
  assert.deepEqual(new Uint32Array(dx.buffer), new Uint32Array(dxGemm.buffer), `backward-input ${label}: bits differ from the GEMM path`);
  const [y2, dx2] = passes(kernel2, x, wt, bias, dy, g) as [Float32Array, Float32Array];
  assert.deepEqual(new Uint32Array(y2.buffer), new Uint32Array(y.buffer), `forward ${label}: 2 threads differ from 1`);
  assert.deepEqual(new Uint32Array(dx2.buffer), new Uint32Array(dx.buffer), `backward-input ${label}: 2 threads differ from 1`);

  const yRef = new Float32Array(y.length);
  reference.conv2dForward(x, wt, bias, yRef, g);
  const dxRef = new Float32Array(dx.length);
  reference.conv2dBackwardInput(dy, wt, dxRef, g);
  // At most 10 terms of magnitude <= 1: an absolute bound of a few ulps of 10.
  for (let i = 0; i < y.length; i++) assert.ok(Math.abs(y[i]! - yRef[i]!) <= 1e-5, `forward ${label}: element ${i}`);
  for (let i = 0; i < dx.length; i++) assert.ok(Math.abs(dx[i]! - dxRef[i]!) <= 1e-5, `backward-input ${label}: element ${i}`);
}

describe('wasm depthwise 3×3 kernels', () => {
  it('give the GEMM path\'s bits on the sepnet-8k separable blocks', () => {
    for (const [c, size] of [[16, 12], [36, 10], [36, 8], [36, 6]] as const) depthwiseCase(3, c, size, size, 0, false, true);
  });

  it('give the GEMM path\'s bits with padding, bias, odd and tiny planes', () => {
    depthwiseCase(2, 5, 9, 13, 1, true, false);
    depthwiseCase(3, 4, 7, 7, 2, false, false);
    depthwiseCase(1, 3, 3, 3, 0, true, false); // one output
    depthwiseCase(2, 2, 5, 4, 0, false, true); // rows of 2 outputs: the scalar path
    depthwiseCase(5, 7, 6, 11, 1, false, true); // planes that 2 threads split unevenly
    depthwiseCase(1, 6, 4, 9, 2, true, true);
  });
});
