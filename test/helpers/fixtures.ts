/** Loading the committed PyTorch fixtures (test/fixtures/…); see each folder's README for the formats. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readSafetensorsFileSync, type SafetensorsTensor } from '../../src/io/safetensors.js';

/** The repository root, from dist/test/helpers/ (compiled) or test/helpers/ (source). */
const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = here.includes(`${join('dist', 'test')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');

export function fixturePath(...parts: string[]): string {
  return join(repoRoot, 'test', 'fixtures', ...parts);
}

export function readFixtureJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), 'utf8')) as T;
}

/** A fixture safetensors file as name → {shape, data as Float32Array}. */
export function readFixtureTensors(...parts: string[]): Map<string, { shape: number[]; data: Float32Array }> {
  const file = readSafetensorsFileSync(fixturePath(...parts));
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of file.tensors) out.set(name, { shape: t.shape, data: toFloat32(t) });
  return out;
}

export function toFloat32(t: SafetensorsTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) return Float32Array.from(t.data, (v) => Number(v));
  return Float32Array.from(t.data as ArrayLike<number>);
}

/**
 * Largest elementwise |a-b| relative to the largest |b|: a relative error that stays meaningful
 * when some reference values are near zero (elementwise relative error would explode there).
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  if (Number.isNaN(maxDiff)) return Infinity;
  return maxDiff / Math.max(maxRef, 1e-12);
}
