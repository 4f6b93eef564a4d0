/** NumPy/PyTorch broadcasting: shapes align on the right, and size-1 dimensions stretch. */
import { type Shape, formatShape, shapeSize } from '../shape.js';

export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** For each output element (row-major over outShape), the flat offset into a tensor of shape `inShape`. */
export function broadcastOffsets(inShape: Shape, outShape: Shape): Int32Array {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const outDim = rank - inShape.length + i;
    strides[outDim] = inShape[i] === 1 ? 0 : s;
    s *= inShape[i]!;
  }
  const total = shapeSize(outShape);
  const offsets = new Int32Array(total);
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let idx = 0; idx < total; idx++) {
    offsets[idx] = off;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      off += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      off -= strides[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
  return offsets;
}

/** Sums a gradient of the broadcast output shape back down to an input's shape. */
export function reduceToShape(grad: Float32Array, outShape: Shape, inShape: Shape, into: Float32Array): Float32Array {
  into.fill(0);
  const offsets = broadcastOffsets(inShape, outShape);
  for (let i = 0; i < grad.length; i++) into[offsets[i]!]! += grad[i]!;
  return into;
}
