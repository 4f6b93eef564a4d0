/** linear: y = x·Wᵀ + b over the last dimension, with W in PyTorch's (out, in) layout. */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../memory-scope.js';
import { formatShape } from '../shape.js';
import { getBackend } from '../../backend/current.js';

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const [outF, inF] = weight.shape as [number, number];
  if (weight.ndim !== 2 || x.shape[x.ndim - 1] !== inF) {
    throw new Error(`linear: input ${formatShape(x.shape)} does not match weight ${formatShape(weight.shape)} (expected last dimension ${inF})`);
  }
  if (bias && bias.size !== outF) throw new Error(`linear: bias has ${bias.size} values for ${outF} outputs`);
  const rows = x.size / inF;
  const backend = getBackend();
  const out = new Tensor(allocFloat32(rows * outF), [...x.shape.slice(0, -1), outF]);
  backend.matmul(x.data, weight.data, out.data, rows, inF, outF, false, true);
  if (bias) {
    for (let r = 0; r < rows; r++) for (let j = 0; j < outF; j++) out.data[r * outF + j]! += bias.data[j]!;
  }
  return Tensor.record(out, {
    name: 'linear',
    inputs: bias ? [x, weight, bias] : [x, weight],
    backward: (g) => {
      let dx: Float32Array | null = null;
      let dw: Float32Array | null = null;
      let db: Float32Array | null = null;
      if (x.requiresGrad) {
        dx = allocFloat32(x.size);
        backend.matmul(g, weight.data, dx, rows, outF, inF, false, false);
      }
      if (weight.requiresGrad) {
        dw = allocFloat32(weight.size);
        backend.matmul(g, x.data, dw, outF, rows, inF, true, false);
      }
      if (bias && bias.requiresGrad) {
        db = allocFloat32(outF);
        for (let r = 0; r < rows; r++) for (let j = 0; j < outF; j++) db[j]! += g[r * outF + j]!;
      }
      return bias ? [dx, dw, db] : [dx, dw];
    },
  });
}
