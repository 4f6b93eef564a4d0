/**
 * Wraps every method of a backend with a timer, so a benchmark can say where a step's time goes
 * without touching the ops. Timings are wall-clock per call, summed per (kernel, pass) key.
 */
import { performance } from 'node:perf_hooks';
import type { Backend } from '../src/backend/backend.js';

export interface KernelTotals {
  /** Key: kernel name plus a shape tag, e.g. "conv2dForward 10x28x28→15". */
  readonly ms: Map<string, number>;
  readonly calls: Map<string, number>;
  reset(): void;
}

type Method = (...args: unknown[]) => unknown;

/** Names of the backend methods that are not kernels (memory management). */
const NOT_KERNELS = new Set(process.env.TIME_ALLOC ? ['dispose', 'memoryStats', 'nextAllocOverwritten'] : ['alloc', 'allocInt32', 'release', 'dispose', 'memoryStats', 'nextAllocOverwritten']);

/**
 * Returns a backend that forwards every call to `inner` and adds each kernel call's time to
 * `totals`, under `label(method, args)` (default: the method name).
 */
export function instrumentBackend(
  inner: Backend,
  label: (method: string, args: readonly unknown[]) => string = (m) => m,
): { backend: Backend; totals: KernelTotals } {
  const ms = new Map<string, number>();
  const calls = new Map<string, number>();
  const totals: KernelTotals = { ms, calls, reset: () => { ms.clear(); calls.clear(); } };
  const wrapped: Record<string, unknown> = {};
  const proto = inner as unknown as Record<string, unknown>;
  const names = new Set<string>();
  for (let o: object | null = inner; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const k of Object.getOwnPropertyNames(o)) names.add(k);
  }
  for (const name of names) {
    if (name === 'constructor') continue;
    const v = proto[name];
    if (typeof v !== 'function') continue;
    const fn = (v as Method).bind(inner);
    if (NOT_KERNELS.has(name) || name.startsWith('_')) {
      wrapped[name] = fn;
      continue;
    }
    wrapped[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      const r = fn(...args);
      const dt = performance.now() - t0;
      const key = label(name, args);
      ms.set(key, (ms.get(key) ?? 0) + dt);
      calls.set(key, (calls.get(key) ?? 0) + 1);
      return r;
    };
  }
  const backend = new Proxy(inner, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in wrapped) return wrapped[prop];
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { backend, totals };
}
