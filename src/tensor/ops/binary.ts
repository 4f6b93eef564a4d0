/** add, sub, mul and div with broadcasting, against a tensor or a plain number. */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../memory-scope.js';
import { shapesEqual } from '../shape.js';
import { broadcastOffsets, broadcastShapes, reduceToShape } from './broadcast.js';

type BinaryKind = 'add' | 'sub' | 'mul' | 'div';

function apply(kind: BinaryKind, x: number, y: number): number {
  switch (kind) {
    case 'add': return x + y;
    case 'sub': return x - y;
    case 'mul': return x * y;
    case 'div': return x / y;
  }
}

function withScalar(kind: BinaryKind, a: Tensor, s: number): Tensor {
  const out = new Tensor(allocFloat32(a.size), a.shape);
  const x = a.data;
  const o = out.data;
  switch (kind) {
    case 'add': for (let i = 0; i < x.length; i++) o[i] = x[i]! + s; break;
    case 'sub': for (let i = 0; i < x.length; i++) o[i] = x[i]! - s; break;
    case 'mul': for (let i = 0; i < x.length; i++) o[i] = x[i]! * s; break;
    case 'div': for (let i = 0; i < x.length; i++) o[i] = x[i]! / s; break;
  }
  return Tensor.record(out, {
    name: `${kind}Scalar`,
    inputs: [a],
    backward: (g) => {
      if (kind === 'add' || kind === 'sub') return [g];
      const k = kind === 'mul' ? s : 1 / s;
      const da = allocFloat32(g.length);
      for (let i = 0; i < g.length; i++) da[i] = g[i]! * k;
      return [da];
    },
  });
}

function binary(kind: BinaryKind, a: Tensor, bIn: Tensor | number): Tensor {
  if (typeof bIn === 'number') return withScalar(kind, a, bIn);
  const b = bIn;
  const outShape = shapesEqual(a.shape, b.shape) ? [...a.shape] : broadcastShapes(a.shape, b.shape, kind);
  const out = new Tensor(allocFloat32(outShape.reduce((p, d) => p * d, 1)), outShape);
  const same = shapesEqual(a.shape, outShape) && shapesEqual(b.shape, outShape);
  const offA = same ? null : broadcastOffsets(a.shape, outShape);
  const offB = same ? null : broadcastOffsets(b.shape, outShape);
  const x = a.data;
  const y = b.data;
  const o = out.data;
  for (let i = 0; i < o.length; i++) {
    o[i] = apply(kind, x[offA ? offA[i]! : i]!, y[offB ? offB[i]! : i]!);
  }
  return Tensor.record(out, {
    name: kind,
    inputs: [a, b],
    backward: (g) => {
      // Partial derivatives at the output's positions, then summed back to each input's shape.
      const ga = a.requiresGrad ? allocFloat32(o.length) : null;
      const gb = b.requiresGrad ? allocFloat32(o.length) : null;
      for (let i = 0; i < o.length; i++) {
        const xv = x[offA ? offA[i]! : i]!;
        const yv = y[offB ? offB[i]! : i]!;
        const gv = g[i]!;
        switch (kind) {
          case 'add': if (ga) ga[i] = gv; if (gb) gb[i] = gv; break;
          case 'sub': if (ga) ga[i] = gv; if (gb) gb[i] = -gv; break;
          case 'mul': if (ga) ga[i] = gv * yv; if (gb) gb[i] = gv * xv; break;
          case 'div': if (ga) ga[i] = gv / yv; if (gb) gb[i] = (-gv * xv) / (yv * yv); break;
        }
      }
      return [
        ga && !same && !shapesEqual(a.shape, outShape) ? reduceToShape(ga, outShape, a.shape, allocFloat32(a.size)) : ga,
        gb && !same && !shapesEqual(b.shape, outShape) ? reduceToShape(gb, outShape, b.shape, allocFloat32(b.size)) : gb,
      ];
    },
  });
}

export const add = (a: Tensor, b: Tensor | number): Tensor => binary('add', a, b);
export const sub = (a: Tensor, b: Tensor | number): Tensor => binary('sub', a, b);
export const mul = (a: Tensor, b: Tensor | number): Tensor => binary('mul', a, b);
export const div = (a: Tensor, b: Tensor | number): Tensor => binary('div', a, b);
