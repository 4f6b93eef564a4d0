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

export function logSoftmax(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.ndim, 'logSoftmax');
  const [outer, len, inner] = around(a.shape, d);
  const out = new Tensor(allocFloat32(a.size), a.shape);
  const x = a.data;
  const y = out.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, x[base + k * inner]!);
      let s = 0;
      for (let k = 0; k < len; k++) s += Math.exp(x[base + k * inner]! - max);
      const lse = max + Math.log(s);
      for (let k = 0; k < len; k++) y[base + k * inner] = x[base + k * inner]! - lse;
    }
  }
  return Tensor.record(out, {
    name: 'logSoftmax',
    inputs: [a],
    backward: (g) => {
      // dx = g - softmax * sum(g)
      const ga = allocFloat32(a.size);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const base = o * len * inner + i;
          let s = 0;
          for (let k = 0; k < len; k++) s += g[base + k * inner]!;
          for (let k = 0; k < len; k++) {
            const idx = base + k * inner;
            ga[idx] = g[idx]! - Math.exp(y[idx]!) * s;
          }
        }
      }
      return [ga];
    },
  });
}

export function softmax(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.ndim, 'softmax');
  const [outer, len, inner] = around(a.shape, d);
  const out = new Tensor(allocFloat32(a.size), a.shape);
  const x = a.data;
  const y = out.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, x[base + k * inner]!);
      let s = 0;
      for (let k = 0; k < len; k++) s += Math.exp(x[base + k * inner]! - max);
      for (let k = 0; k < len; k++) y[base + k * inner] = Math.exp(x[base + k * inner]! - max) / s;
    }
  }
  return Tensor.record(out, {
    name: 'softmax',
    inputs: [a],
    backward: (g) => {
      // dx = y * (g - sum(g * y))
      const ga = allocFloat32(a.size);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const base = o * len * inner + i;
          let s = 0;
          for (let k = 0; k < len; k++) s += g[base + k * inner]! * y[base + k * inner]!;
          for (let k = 0; k < len; k++) {
            const idx = base + k * inner;
            ga[idx] = y[idx]! * (g[idx]! - s);
          }
        }
      }
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
