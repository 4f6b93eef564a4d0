/**
 * Matrix product as torch.matmul for operands of rank ≥ 2: the last two dimensions multiply and
 * any leading (batch) dimensions broadcast. 1-d operands are not supported (use reshape).
 */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../memory-scope.js';
import { formatShape } from '../shape.js';
import { getBackend } from '../../backend/current.js';
import { broadcastOffsets, broadcastShapes } from './broadcast.js';

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim < 2 || b.ndim < 2) {
    throw new Error(`matmul: operands need at least 2 dimensions, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) throw new Error(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, 'matmul');
  const batchCount = batch.reduce((p, d) => p * d, 1);
  // Which matrix of a and of b each output matrix uses.
  const offA = broadcastOffsets(batchA, batch);
  const offB = broadcastOffsets(batchB, batch);
  const backend = getBackend();
  const out = new Tensor(allocFloat32(batchCount * m * n), [...batch, m, n]);
  for (let t = 0; t < batchCount; t++) {
    backend.matmul(
      a.data.subarray(offA[t]! * m * k, (offA[t]! + 1) * m * k),
      b.data.subarray(offB[t]! * k * n, (offB[t]! + 1) * k * n),
      out.data.subarray(t * m * n, (t + 1) * m * n),
      m, k, n, false, false,
    );
  }
  return Tensor.record(out, {
    name: 'matmul',
    inputs: [a, b],
    backward: (g) => {
      const ga = a.requiresGrad ? allocFloat32(a.size) : null;
      const gb = b.requiresGrad ? allocFloat32(b.size) : null;
      const tmpA = ga ? allocFloat32(m * k) : null;
      const tmpB = gb ? allocFloat32(k * n) : null;
      for (let t = 0; t < batchCount; t++) {
        const gt = g.subarray(t * m * n, (t + 1) * m * n);
        const at = a.data.subarray(offA[t]! * m * k, (offA[t]! + 1) * m * k);
        const bt = b.data.subarray(offB[t]! * k * n, (offB[t]! + 1) * k * n);
        // Broadcast batches add their contributions into the same input matrix.
        if (ga && tmpA) {
          backend.matmul(gt, bt, tmpA, m, n, k, false, true); // dA = dY · Bᵀ
          const base = offA[t]! * m * k;
          for (let i = 0; i < m * k; i++) ga[base + i]! += tmpA[i]!;
        }
        if (gb && tmpB) {
          backend.matmul(at, gt, tmpB, k, m, n, true, false); // dB = Aᵀ · dY
          const base = offB[t]! * k * n;
          for (let i = 0; i < k * n; i++) gb[base + i]! += tmpB[i]!;
        }
      }
      return [ga, gb];
    },
  });
}
