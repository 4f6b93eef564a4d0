/**
 * Counter-based uniform numbers: the value for counter i depends only on (seed, i), so any backend
 * and any thread split draws the same dropout mask without sharing RNG state.
 * Mixing is the murmur3 32-bit finalizer over a Weyl-sequence counter.
 */
export function dropoutUniform(seed: number, i: number): number {
  let h = (Math.imul(i, 0x9e3779b1) ^ seed) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 8) / 16777216;
}
