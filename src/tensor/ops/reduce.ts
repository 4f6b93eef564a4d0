/** sum and mean over any set of dimensions, with keepdim, as in PyTorch. */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../memory-scope.js';
import { normalizeDim } from '../shape.js';
import { broadcastOffsets } from './broadcast.js';

function reducedShape(shape: readonly number[], dims: number[], keepdim: boolean): { keep: number[]; out: number[] } {
  const keep = shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const out = keepdim ? keep : shape.filter((_, i) => !dims.includes(i));
  return { keep, out };
}

function reduce(a: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean, isMean: boolean): Tensor {
  const dims = dim === undefined ? a.shape.map((_, i) => i) : (typeof dim === 'number' ? [dim] : [...dim]).map((d) => normalizeDim(d, a.ndim, isMean ? 'mean' : 'sum'));
  const { keep, out: outShape } = reducedShape(a.shape, dims, keepdim);
  const outSize = keep.reduce((p, d) => p * d, 1);
  const count = a.size / Math.max(outSize, 1);
  const out = new Tensor(allocFloat32(outSize), outShape);
  // Each input element's position in the reduced (keepdim) tensor; accumulate in float64 for accuracy.
  const offsets = broadcastOffsets(keep, a.shape);
  const acc = new Float64Array(outSize);
  const x = a.data;
  for (let i = 0; i < x.length; i++) acc[offsets[i]!]! += x[i]!;
  const scale = isMean ? 1 / count : 1;
  for (let i = 0; i < outSize; i++) out.data[i] = acc[i]! * scale;
  return Tensor.record(out, {
    name: isMean ? 'mean' : 'sum',
    inputs: [a],
    backward: (g) => {
      const ga = allocFloat32(a.size);
      for (let i = 0; i < ga.length; i++) ga[i] = g[offsets[i]!]! * scale;
      return [ga];
    },
  });
}

export const sum = (a: Tensor, dim?: number | readonly number[], keepdim = false): Tensor => reduce(a, dim, keepdim, false);
export const mean = (a: Tensor, dim?: number | readonly number[], keepdim = false): Tensor => reduce(a, dim, keepdim, true);
