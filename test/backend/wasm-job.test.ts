/** Job slots by name (src/backend/wasm/job-layout.ts, job.ts). */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { JOB_LAYOUTS, jobSlots } from '../../src/backend/wasm/job-layout.js';
import { instantiateKernels } from './kernel-instance.js';

it('gives arguments consecutive slots in declaration order, an f64 two from an even one', () => {
  assert.deepEqual(jobSlots({ a: 'ptr', b: 'f64', c: 'i32', d: 'f64', e: 'bool', f: 'f32' }), { a: 0, b: 2, c: 4, d: 6, e: 8, f: 9 });
  assert.deepEqual(jobSlots(JOB_LAYOUTS.batch_norm_relu_dropout_forward), {
    x: 0, gamma: 1, beta: 2, out: 3, mean: 4, variance: 5, invStd: 6, n: 7, c: 8, spatial: 9, eps: 10,
    threshold: 12, seed: 13, exactF32: 14, scale: 16, weylStep: 18, fmixMul1: 19, fmixMul2: 20,
  });
});

it('runs a task once every argument is set, and refuses one with arguments missing, naming them', async () => {
  const kernels = await instantiateKernels(64);
  const x = kernels.heapFloat32(8);
  x.set([-2, -1, 0, 1, 2, -0.5, 3, Number.NaN]);
  const relu = kernels.jobs.relu_forward;
  assert.throws(() => relu.set('x', x).set('out', x).run(false), /relu_forward dispatched without length/);
  relu.set('x', x).set('out', x).set('length', 8).run(false);
  assert.deepEqual([...x], [0, 0, 0, 1, 2, 0, 3, Number.NaN]);
  // A run clears the record: the next dispatch must set everything again.
  assert.throws(() => relu.set('length', 8).run(false), /relu_forward dispatched without x, out/);
});
