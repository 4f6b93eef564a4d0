/**
 * Deterministic buffer reuse. Inside `scope(fn)`, every buffer an op allocates is recorded, and
 * when fn returns they all go back to the backend, except those of tensors fn returns or `keep`s.
 * A training step run inside a scope therefore allocates the same sizes every time, so a pooling
 * backend reuses them and memory stays flat from epoch to epoch. Outside any scope, buffers are
 * ordinary garbage-collected memory.
 */
import { getBackend } from '../backend/current.js';

interface Disposable {
  dispose(): void;
}

interface Frame {
  readonly tensors: Disposable[];
  readonly buffers: (Float32Array | Int32Array)[];
  readonly kept: Set<Disposable>;
}

const frames: Frame[] = [];

export function allocFloat32(size: number): Float32Array {
  const buf = getBackend().alloc(size);
  frames[frames.length - 1]?.buffers.push(buf);
  return buf;
}

export function allocInt32(size: number): Int32Array {
  const buf = getBackend().allocInt32(size);
  frames[frames.length - 1]?.buffers.push(buf);
  return buf;
}

/** Allocates memory that outlives every scope (parameters, gradients, optimizer state). */
export function allocPersistent(size: number): Float32Array {
  return getBackend().alloc(size);
}

export function registerInScope(t: Disposable): void {
  frames[frames.length - 1]?.tensors.push(t);
}

/** Exempts a tensor created in the current scope from release when the scope ends. */
export function keep<T extends Disposable>(t: T): T {
  for (const f of frames) f.kept.add(t);
  return t;
}

export function scope<T>(fn: () => T): T {
  const frame: Frame = { tensors: [], buffers: [], kept: new Set() };
  frames.push(frame);
  let result: T;
  try {
    result = fn();
  } finally {
    frames.pop();
  }
  collectReturned(result, frame.kept);
  const backend = getBackend();
  const parent = frames[frames.length - 1];
  const survivors = new Set<Float32Array | Int32Array>();
  for (const t of frame.tensors) {
    if (frame.kept.has(t)) {
      parent?.tensors.push(t);
      const data = (t as unknown as { data?: Float32Array }).data;
      if (data) survivors.add(data);
    }
  }
  for (const t of frame.tensors) if (!frame.kept.has(t)) t.dispose();
  for (const b of frame.buffers) {
    if (survivors.has(b)) parent?.buffers.push(b);
    else backend.release(b);
  }
  return result;
}

function collectReturned(value: unknown, kept: Set<Disposable>): void {
  if (value === null || typeof value !== 'object') return;
  if (typeof (value as Disposable).dispose === 'function' && (value as { isTensor?: boolean }).isTensor) {
    kept.add(value as Disposable);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectReturned(v, kept);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collectReturned(v, kept);
}
