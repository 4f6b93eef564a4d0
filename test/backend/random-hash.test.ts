/**
 * The kernels' copy of the counter hash (assembly/dropout.ts) against src/backend/random-hash.ts,
 * bit for bit, on the SIMD body and the scalar tail, with the constants random-hash.ts defines.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { dropoutUniform, FMIX_MUL1, FMIX_MUL2, WEYL_STEP } from '../../src/backend/random-hash.js';
import { instantiateKernels } from './kernel-instance.js';

it('draws what dropoutUniform draws, for every counter and seed tried', async () => {
  const length = 100_003; // a scalar tail of 3 after the 4-lane body
  const kernels = await instantiateKernels(length * 4);
  const out = kernels.heapFloat32(length);
  for (const seed of [0, 1, 42, 0x7fffffff, 0x80000000, 0xffffffff, 2654435769]) {
    out.fill(-1);
    kernels.jobs.dropout_uniform.set('out', out).set('length', length).set('seed', seed)
      .set('weylStep', WEYL_STEP).set('fmixMul1', FMIX_MUL1).set('fmixMul2', FMIX_MUL2).run(false);
    for (let i = 0; i < length; i++) {
      if (out[i] !== dropoutUniform(seed, i)) assert.fail(`seed ${seed}, counter ${i}: wasm ${out[i]}, TypeScript ${dropoutUniform(seed, i)}`);
    }
  }
});
