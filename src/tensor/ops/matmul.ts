/** Matrix product of 2-d tensors (a: m×k, b: k×n), on the backend's GEMM. */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../memory-scope.js';
import { formatShape } from '../shape.js';
import { getBackend } from '../../backend/current.js';

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new Error(`matmul: only 2-d operands are supported, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const [m, k] = a.shape as [number, number];
  const [k2, n] = b.shape as [number, number];
  if (k !== k2) throw new Error(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied`);
  const backend = getBackend();
  const out = new Tensor(allocFloat32(m * n), [m, n]);
  backend.matmul(a.data, b.data, out.data, m, k, n, false, false);
  return Tensor.record(out, {
    name: 'matmul',
    inputs: [a, b],
    backward: (g) => {
      let ga: Float32Array | null = null;
      let gb: Float32Array | null = null;
      if (a.requiresGrad) {
        ga = allocFloat32(m * k);
        backend.matmul(g, b.data, ga, m, n, k, false, true); // dA = dY · Bᵀ
      }
      if (b.requiresGrad) {
        gb = allocFloat32(k * n);
        backend.matmul(a.data, g, gb, k, m, n, true, false); // dB = Aᵀ · dY
      }
      return [ga, gb];
    },
  });
}
