/**
 * The wasm backend's promises about threads and memory: results are bit-identical from run to run
 * and across thread counts, dropout masks equal the reference's bit for bit, buffers come zeroed,
 * released blocks are reused, and steady-state work does not grow memory.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWasmBackend, type WasmBackend } from '../../src/backend/wasm/index.js';
import { createReferenceBackend } from '../../src/backend/reference/index.js';
import { conv2dGeometry } from '../../src/backend/geometry.js';
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

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length).slice();
}

function filled(backend: WasmBackend, size: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const a = backend.alloc(size);
  for (let i = 0; i < size; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Runs the conv and batch-norm kernels of one m3 layer (conv2: 10→15, 26×26) and returns every output's bits. */
function layerOutputs(backend: WasmBackend): Uint32Array[] {
  const n = 24;
  const g = conv2dGeometry([n, 10, 26, 26], [15, 10, 3, 3], [1, 1], [0, 0], [1, 1], 1);
  const x = filled(backend, n * 10 * 26 * 26, 1);
  const w = filled(backend, 15 * 90, 2);
  const dy = filled(backend, n * 15 * 24 * 24, 3);
  const y = backend.alloc(dy.length);
  const dx = backend.alloc(x.length);
  const dw = backend.alloc(w.length);
  backend.conv2dForward(x, w, null, y, g);
  backend.conv2dBackwardInput(dy, w, dx, g);
  backend.conv2dBackwardWeight(x, dy, dw, g);
  const s = { n, c: 15, spatial: 576 };
  const [mean, variance, invStd, dGamma, dBeta] = [0, 0, 0, 0, 0].map(() => backend.alloc(15)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const gamma = filled(backend, 15, 4);
  const bn = backend.alloc(y.length);
  const dbn = backend.alloc(y.length);
  backend.batchNormTrainForward(y, gamma, null, bn, mean, variance, invStd, s, 1e-5);
  backend.batchNormBackward(dy, y, gamma, mean, invStd, dbn, dGamma, dBeta, s);
  const out = [y, dx, dw, bn, mean, variance, invStd, dbn, dGamma, dBeta].map(bits);
  for (const b of [x, w, dy, y, dx, dw, mean, variance, invStd, dGamma, dBeta, gamma, bn, dbn]) backend.release(b);
  return out;
}

describe('wasm backend determinism', () => {
  it('two runs on 2 threads give identical bits', () => {
    const first = layerOutputs(two);
    const second = layerOutputs(two);
    for (let i = 0; i < first.length; i++) assert.deepEqual(second[i], first[i], `output ${i}`);
  });

  it('1 and 2 threads give identical bits (the split never changes a sum)', () => {
    const a = layerOutputs(one);
    const b = layerOutputs(two);
    for (let i = 0; i < a.length; i++) assert.deepEqual(b[i], a[i], `output ${i}`);
  });
});

describe('wasm dropout', () => {
  for (const [p, seed, channelSize, size] of [
    [0.05, 7, 1, 100_003],
    [0.3, -123456789, 1, 4099],
    [0.5, 0x7fffffff, 1, 33],
    [0, 1, 1, 64],
    [0.25, 99, 36, 128 * 16 * 36],
    [0.1, 5, 5, 35],
  ] as const) {
    it(`mask and output equal the reference bit for bit (p=${p} seed=${seed} channelSize=${channelSize})`, () => {
      for (const backend of [one, two]) {
        const x = filled(backend, size, 11);
        const out = backend.alloc(size);
        const mask = backend.alloc(size);
        const rOut = new Float32Array(size);
        const rMask = new Float32Array(size);
        backend.dropoutForward(x, out, mask, p, seed, channelSize);
        reference.dropoutForward(x.slice(), rOut, rMask, p, seed, channelSize);
        assert.deepEqual(bits(mask), bits(rMask), 'mask');
        assert.deepEqual(bits(out), bits(rOut), 'output');
        for (const b of [x, out, mask]) backend.release(b);
      }
    });
  }
});

describe('wasm backend memory', () => {
  it('hands out zeroed views into one shared memory and reuses released blocks', () => {
    const a = two.alloc(1000);
    assert.ok(a.buffer instanceof SharedArrayBuffer);
    a.fill(42);
    const offset = a.byteOffset;
    two.release(a);
    const b = two.alloc(1000);
    assert.equal(b.byteOffset, offset, 'the freed block of the same size class is reused');
    assert.ok(b.every((v) => v === 0), 'reused memory is zeroed');
    const c = two.allocInt32(10);
    assert.ok(c.buffer instanceof SharedArrayBuffer);
    two.release(b);
    two.release(c);
    two.release(b); // a second release is ignored
    two.release(new Float32Array(4)); // foreign buffers are ignored
  });

  it('does not grow in steady state', () => {
    layerOutputs(two);
    const before = two.memoryStats();
    for (let i = 0; i < 3; i++) layerOutputs(two);
    const after = two.memoryStats();
    assert.equal(after.reservedBytes, before.reservedBytes);
    assert.equal(after.memoryBytes, before.memoryBytes);
    assert.equal(after.liveBlocks, before.liveBlocks);
  });

  it('grows the memory for large buffers and earlier views stay valid', () => {
    const small = two.alloc(16);
    small[3] = 7;
    const big = two.alloc(8_000_000); // 32 MB: past the initial 16 MiB
    big[big.length - 1] = 1;
    assert.equal(small[3], 7);
    assert.equal(two.memoryStats().memoryBytes >= 32_000_000, true);
    const y = two.alloc(4);
    two.reluForward(big.subarray(big.length - 4), y);
    assert.deepEqual(Array.from(y), [0, 0, 0, 1]);
    for (const b of [small, big, y]) two.release(b);
  });
});
