/**
 * Counter-based uniform numbers: the value for counter i depends only on (seed, i), so any backend
 * and any thread split draws the same dropout mask without sharing RNG state.
 * Mixing is the murmur3 32-bit finalizer over a Weyl-sequence counter.
 *
 * This file is the one definition of the hash's constants: the wasm backend passes them to the
 * kernels in every job that draws (assembly/dropout.ts has the kernels' copy of the code, and
 * test/backend/random-hash.test.ts checks that the two agree bit for bit).
 */

/** The Weyl sequence's step, 2^32/φ. */
export const WEYL_STEP = 0x9e3779b1;
/** murmur3's fmix32 multipliers. */
export const FMIX_MUL1 = 0x85ebca6b;
export const FMIX_MUL2 = 0xc2b2ae35;

/** 2^24: a draw is the top 24 bits of the hash, as a fraction of this. */
const DRAW_RANGE = 16777216;

export function dropoutUniform(seed: number, i: number): number {
  let h = (Math.imul(i, WEYL_STEP) ^ seed) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, FMIX_MUL1);
  h ^= h >>> 13;
  h = Math.imul(h, FMIX_MUL2);
  h ^= h >>> 16;
  return (h >>> 8) / DRAW_RANGE;
}

/**
 * The integer form of `dropoutUniform(seed, i) >= p` for the kernels: (h >>> 8) / 2^24 >= p holds
 * exactly when (h >>> 8) >= ceil(p · 2^24), with no rounding anywhere. 0 keeps everything.
 */
export function dropoutThreshold(p: number): number {
  return Math.ceil(p * DRAW_RANGE);
}
