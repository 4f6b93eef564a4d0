/** reshape/view and flatten: the data is contiguous, so a new shape only relabels it. */
import { Tensor } from '../tensor.js';
import { type Shape, formatShape, normalizeDim, shapeSize } from '../shape.js';

export function reshape(a: Tensor, shape: Shape): Tensor {
  const inferred = [...shape];
  const unknown = inferred.indexOf(-1);
  if (unknown >= 0) {
    if (inferred.indexOf(-1, unknown + 1) >= 0) throw new Error('reshape: only one dimension can be -1');
    const known = inferred.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    inferred[unknown] = known === 0 ? 0 : a.size / known;
  }
  if (shapeSize(inferred) !== a.size || inferred.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`reshape: shape ${formatShape(shape)} is invalid for a tensor of ${a.size} elements ${formatShape(a.shape)}`);
  }
  const out = new Tensor(a.data, inferred);
  return Tensor.record(out, { name: 'reshape', inputs: [a], backward: (g) => [g] });
}

export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  if (a.ndim === 0) return reshape(a, [1]);
  const s = normalizeDim(startDim, a.ndim, 'flatten');
  const e = normalizeDim(endDim, a.ndim, 'flatten');
  if (s > e) throw new Error('flatten: startDim must not come after endDim');
  const shape = [...a.shape.slice(0, s), a.shape.slice(s, e + 1).reduce((p, d) => p * d, 1), ...a.shape.slice(e + 1)];
  return reshape(a, shape);
}
