import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/util/rng.js';
import { MnistLabError } from '../../../src/util/errors.js';
import { affine, rotate } from '../../../src/data/transforms/affine-warp.js';
import { Compose } from '../../../src/data/transforms/compose.js';
import { Cutout } from '../../../src/data/transforms/cutout.js';
import { Normalize } from '../../../src/data/transforms/normalize.js';
import { RandomAffine } from '../../../src/data/transforms/random-affine.js';
import { RandomErasing } from '../../../src/data/transforms/random-erasing.js';
import { RandomRotation } from '../../../src/data/transforms/random-rotation.js';

const H = 28;
const W = 28;

function randomImage(seed: number): Float32Array {
  const rng = new Rng(seed);
  const img = new Float32Array(H * W);
  for (let i = 0; i < img.length; i++) img[i] = rng.next();
  return img;
}

function copyRng(rng: Rng): Rng {
  const c = new Rng(0);
  c.setState(rng.getState());
  return c;
}

test('rotate turns counter-clockwise about the image centre', () => {
  const src = new Float32Array(H * W);
  src[13 * W + 20] = 1; // right of the centre (13.5, 13.5)
  const dst = new Float32Array(H * W);
  rotate(src, dst, H, W, 90);
  assert.equal(dst[7 * W + 13], 1); // now above it
  assert.equal(dst.reduce((a, b) => a + b, 0), 1);
});

test('affine translate moves content right and down; identity leaves the image alone', () => {
  const src = randomImage(1);
  const dst = new Float32Array(H * W);
  affine(src, dst, H, W, { angle: 0, translate: [3, 2], scale: 1, shear: [0, 0] });
  assert.equal(dst[(2 + 5) * W + (3 + 9)], src[5 * W + 9]);
  assert.equal(dst[0], 0);
  for (const interpolation of ['nearest', 'bilinear'] as const) {
    affine(src, dst, H, W, { angle: 0, translate: [0, 0], scale: 1, shear: [0, 0] }, { interpolation, fill: 0 });
    assert.ok(dst.every((v, i) => Math.abs(v - src[i]!) < 1e-6), interpolation);
  }
});

test('RandomRotation draws angles uniformly from its range and applies rotate()', () => {
  const t = new RandomRotation(15, { interpolation: 'bilinear' });
  assert.deepEqual(t.degrees, [-15, 15]);
  const rng = new Rng(3);
  let sum = 0;
  for (let k = 0; k < 4000; k++) {
    const a = t.sampleAngle(rng);
    assert.ok(a >= -15 && a < 15);
    sum += a;
  }
  assert.ok(Math.abs(sum / 4000) < 0.5);

  const image = randomImage(2);
  const expected = new Float32Array(H * W);
  const probe = copyRng(rng);
  rotate(image, expected, H, W, t.sampleAngle(probe), { interpolation: 'bilinear', fill: 0 });
  t.apply(image, H, W, rng);
  assert.deepEqual(image, expected);
  assert.deepEqual(rng.getState(), probe.getState());
});

test('RandomAffine samples like torchvision get_params', () => {
  const t = new RandomAffine(10, { translate: [0.1, 0.2], scale: [0.9, 1.1], shear: 5 });
  const rng = new Rng(4);
  const tx = new Map<number, number>();
  const n = 20000;
  for (let k = 0; k < n; k++) {
    const p = t.sampleParams(H, W, rng);
    assert.ok(p.angle >= -10 && p.angle < 10);
    assert.ok(Number.isInteger(p.translate[0]) && Number.isInteger(p.translate[1]));
    assert.ok(Math.abs(p.translate[0]) <= 3 && Math.abs(p.translate[1]) <= 6); // round(2.8), round(5.6)
    assert.ok(p.scale >= 0.9 && p.scale < 1.1);
    assert.ok(p.shear[0] >= -5 && p.shear[0] < 5);
    assert.equal(p.shear[1], 0); // a single shear number is shearX only
    tx.set(p.translate[0], (tx.get(p.translate[0]) ?? 0) + 1);
  }
  // U(-2.8, 2.8) rounded: |tx| = 3 has probability 0.3/5.6 per side, the others 1/5.6.
  assert.ok(Math.abs(tx.get(3)! / n - 0.3 / 5.6) < 0.01);
  assert.ok(Math.abs(tx.get(0)! / n - 1 / 5.6) < 0.015);

  const four = new RandomAffine(0, { shear: [-3, 3, 10, 20] });
  const p = four.sampleParams(H, W, rng);
  assert.ok(p.shear[0] >= -3 && p.shear[0] < 3 && p.shear[1] >= 10 && p.shear[1] < 20);
});

test('RandomAffine.apply equals affine() with the sampled parameters', () => {
  const t = new RandomAffine([-20, 20], { translate: [0.1, 0.1], scale: [0.8, 1.2], shear: [-5, 5, -5, 5], interpolation: 'bilinear', fill: 0.25 });
  const rng = new Rng(5);
  const probe = copyRng(rng);
  const image = randomImage(6);
  const expected = new Float32Array(H * W);
  const params = structuredClone(t.sampleParams(H, W, probe));
  affine(image, expected, H, W, params, { interpolation: 'bilinear', fill: 0.25 });
  t.apply(image, H, W, rng);
  assert.deepEqual(image, expected);
});

test('RandomErasing erases one box of the sampled size, or nothing', () => {
  const t = new RandomErasing({ p: 1, value: -1 });
  const rng = new Rng(7);
  for (let k = 0; k < 200; k++) {
    const image = new Float32Array(H * W).fill(0.5);
    t.apply(image, H, W, rng);
    const erased: number[] = [];
    image.forEach((v, i) => v === -1 && erased.push(i));
    const rows = new Set(erased.map((i) => Math.floor(i / W)));
    const cols = new Set(erased.map((i) => i % W));
    assert.equal(erased.length, rows.size * cols.size, 'a filled rectangle');
    assert.ok(rows.size < H && cols.size < W);
    // area within scale [0.02, 0.33] of 784 up to rounding of h and w
    assert.ok(erased.length >= 0.02 * 784 * 0.5 && erased.length <= 0.33 * 784 * 1.5, `${erased.length}`);
  }
  const never = new RandomErasing({ p: 0 });
  const image = randomImage(8);
  const before = image.slice();
  never.apply(image, H, W, rng);
  assert.deepEqual(image, before);

  const noisy = new RandomErasing({ p: 1, value: 'random' });
  const img2 = new Float32Array(H * W).fill(100);
  noisy.apply(img2, H, W, rng);
  const noise = Array.from(img2).filter((v) => v !== 100);
  assert.ok(noise.length > 10 && noise.every((v) => Math.abs(v) < 10));
});

test('RandomErasing applies with probability p', () => {
  const t = new RandomErasing({ p: 0.3 });
  const rng = new Rng(9);
  let changed = 0;
  for (let k = 0; k < 2000; k++) {
    const image = new Float32Array(H * W).fill(1);
    t.apply(image, H, W, rng);
    if (image.some((v) => v !== 1)) changed++;
  }
  assert.ok(Math.abs(changed / 2000 - 0.3) < 0.04, `${changed}`);
});

test('Cutout erases a clipped size×size square', () => {
  const t = new Cutout(8);
  const rng = new Rng(10);
  let clipped = 0;
  for (let k = 0; k < 300; k++) {
    const image = new Float32Array(H * W).fill(1);
    t.apply(image, H, W, rng);
    const zeros = image.filter((v) => v === 0).length;
    assert.ok(zeros > 0 && zeros <= 64);
    if (zeros < 64) clipped++;
  }
  assert.ok(clipped > 0);
});

test('Compose runs transforms in order', () => {
  const image = new Float32Array(H * W).fill(1);
  new Compose([new Cutout(4, { value: 0 }), new Normalize(0.5, 0.5)]).apply(image, H, W, new Rng(1));
  assert.ok(image.includes(-1) && image.includes(1)); // the cut-out 0 became (0 - 0.5) / 0.5
  assert.match(String(new Compose([new RandomRotation(10), new Normalize()])), /Compose\(\n {4}RandomRotation\(degrees=\[-10, 10\]/);
});

test('bad parameters are user errors', () => {
  const bad = [
    () => new RandomRotation(-5),
    () => new RandomRotation([10, -10]),
    () => new RandomRotation(10, { interpolation: 'bicubic' as 'nearest' }),
    () => new RandomAffine(0, { translate: [1.5, 0] }),
    () => new RandomAffine(0, { scale: [0, 1] }),
    () => new RandomAffine(0, { shear: [1, 2, 3] as unknown as [number, number] }),
    () => new RandomErasing({ p: 2 }),
    () => new RandomErasing({ scale: [0.5, 1.5] }),
    () => new Cutout(0),
    () => new Normalize(0, 0),
  ];
  for (const make of bad) assert.throws(make, MnistLabError);
});
