/** Pointwise activations and their derivatives. */
import { Tensor } from '../tensor.js';
import { allocKernelOutput } from './kernel-output.js';
import { allocFloat32 } from '../memory-scope.js';
import { getBackend } from '../../backend/current.js';

export function relu(a: Tensor): Tensor {
  const backend = getBackend();
  const out = new Tensor(allocKernelOutput(a.size), a.shape);
  backend.reluForward(a.data, out.data);
  return Tensor.record(out, {
    name: 'relu',
    inputs: [a],
    backward: (g) => {
      const ga = allocKernelOutput(a.size);
      backend.reluBackward(g, out.data, ga);
      return [ga];
    },
  });
}

/**
 * A pointwise op given its value and its derivative in terms of the input x and output y,
 * so that each activation is stated once, in math.
 */
function pointwise(name: string, a: Tensor, f: (x: number) => number, df: (x: number, y: number) => number): Tensor {
  const out = new Tensor(allocFloat32(a.size), a.shape);
  const x = a.data;
  const y = out.data;
  for (let i = 0; i < x.length; i++) y[i] = f(x[i]!);
  return Tensor.record(out, {
    name,
    inputs: [a],
    backward: (g) => {
      const ga = allocFloat32(a.size);
      for (let i = 0; i < ga.length; i++) ga[i] = g[i]! * df(x[i]!, y[i]!);
      return [ga];
    },
  });
}

export function leakyRelu(a: Tensor, negativeSlope = 0.01): Tensor {
  return pointwise('leakyRelu', a, (x) => (x > 0 ? x : x * negativeSlope), (x) => (x > 0 ? 1 : negativeSlope));
}

export function sigmoid(a: Tensor): Tensor {
  return pointwise('sigmoid', a, (x) => 1 / (1 + Math.exp(-x)), (_x, y) => y * (1 - y));
}

export function tanh(a: Tensor): Tensor {
  return pointwise('tanh', a, Math.tanh, (_x, y) => 1 - y * y);
}

export function exp(a: Tensor): Tensor {
  return pointwise('exp', a, Math.exp, (_x, y) => y);
}

export function log(a: Tensor): Tensor {
  return pointwise('log', a, Math.log, (x) => 1 / x);
}

/** GELU in PyTorch's default (exact, erf-based) form. */
export function gelu(a: Tensor): Tensor {
  return pointwise(
    'gelu',
    a,
    (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
    (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
  );
}

/** erf to about 1e-13: Maclaurin series near zero, the erfc continued fraction further out. */
export function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26 is only 1e-7 accurate, too coarse for gradient checks in float64.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series converges quickly here.
    let sum = ax;
    let term = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  // Continued fraction for erfc at larger |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  const r = 1 - erfc;
  return x < 0 ? -r : r;
}
