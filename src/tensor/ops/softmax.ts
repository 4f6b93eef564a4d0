/** softmax and log_softmax along one dimension, computed stably (max subtracted first). */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../memory-scope.js';
import { normalizeDim } from '../shape.js';

/** Splits a shape around `dim` into (outer, dim size, inner) for strided row access. */
function around(shape: readonly number[], dim: number): [number, number, number] {
  const outer = shape.slice(0, dim).reduce((p, d) => p * d, 1);
  const inner = shape.slice(dim + 1).reduce((p, d) => p * d, 1);
  return [outer, shape[dim]!, inner];
}

/**
 * Calls fn(base) for every 1-d slice along `dim`; the slice's elements sit at base + k·inner.
 * Both softmaxes and their backward passes walk the tensor this way.
 */
function forEachSlice(outer: number, len: number, inner: number, fn: (base: number) => void): void {
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) fn(o * len * inner + i);
}

/** max + log(sum(exp(x - max))) over one slice, computed stably. */
function logSumExp(x: Float32Array, base: number, len: number, inner: number): number {
  let max = -Infinity;
  for (let k = 0; k < len; k++) max = Math.max(max, x[base + k * inner]!);
  let s = 0;
  for (let k = 0; k < len; k++) s += Math.exp(x[base + k * inner]! - max);
  return max + Math.log(s);
}

export function logSoftmax(a: Tensor, dim: number): Tensor {
  const [outer, len, inner] = around(a.shape, normalizeDim(dim, a.ndim, 'logSoftmax'));
  const out = new Tensor(allocFloat32(a.size), a.shape);
  const x = a.data;
  const y = out.data;
  forEachSlice(outer, len, inner, (base) => {
    const lse = logSumExp(x, base, len, inner);
    for (let k = 0; k < len; k++) y[base + k * inner] = x[base + k * inner]! - lse;
  });
  return Tensor.record(out, {
    name: 'logSoftmax',
    inputs: [a],
    backward: (g) => {
      // dx = g - softmax · sum(g)
      const ga = allocFloat32(a.size);
      forEachSlice(outer, len, inner, (base) => {
        let s = 0;
        for (let k = 0; k < len; k++) s += g[base + k * inner]!;
        for (let k = 0; k < len; k++) {
          const idx = base + k * inner;
          ga[idx] = g[idx]! - Math.exp(y[idx]!) * s;
        }
      });
      return [ga];
    },
  });
}

export function softmax(a: Tensor, dim: number): Tensor {
  const [outer, len, inner] = around(a.shape, normalizeDim(dim, a.ndim, 'softmax'));
  const out = new Tensor(allocFloat32(a.size), a.shape);
  const x = a.data;
  const y = out.data;
  forEachSlice(outer, len, inner, (base) => {
    const lse = logSumExp(x, base, len, inner);
    for (let k = 0; k < len; k++) y[base + k * inner] = Math.exp(x[base + k * inner]! - lse);
  });
  return Tensor.record(out, {
    name: 'softmax',
    inputs: [a],
    backward: (g) => {
      // dx = y · (g - sum(g · y))
      const ga = allocFloat32(a.size);
      forEachSlice(outer, len, inner, (base) => {
        let s = 0;
        for (let k = 0; k < len; k++) s += g[base + k * inner]! * y[base + k * inner]!;
        for (let k = 0; k < len; k++) {
          const idx = base + k * inner;
          ga[idx] = y[idx]! * (g[idx]! - s);
        }
      });
      return [ga];
    },
  });
}

export function argmaxRows(a: Tensor): Int32Array {
  const cols = a.shape[a.ndim - 1] ?? 1;
  const rows = a.size / cols;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (a.data[r * cols + c]! > a.data[r * cols + best]!) best = c;
    out[r] = best;
  }
  return out;
}
