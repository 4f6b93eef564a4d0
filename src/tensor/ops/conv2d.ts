/** 2-d convolution (cross-correlation, as in PyTorch) with stride, padding, dilation, groups and bias. */
import { Tensor } from '../tensor.js';
import { allocKernelOutput } from './kernel-output.js';
import { allocFloat32 } from '../memory-scope.js';
import { formatShape } from '../shape.js';
import { getBackend } from '../../backend/current.js';
import { conv2dGeometry } from '../../backend/geometry.js';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

export function pair(v: Pair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  if (x.ndim !== 4) throw new Error(`conv2d: expected a 4-d NCHW input, got ${formatShape(x.shape)}`);
  if (weight.ndim !== 4) throw new Error(`conv2d: expected a 4-d OIHW weight, got ${formatShape(weight.shape)}`);
  const g = conv2dGeometry(x.shape, weight.shape, pair(options.stride ?? 1), pair(options.padding ?? 0), pair(options.dilation ?? 1), options.groups ?? 1);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== g.cOut)) {
    throw new Error(`conv2d: bias of shape ${formatShape(bias.shape)} does not match ${g.cOut} output channels`);
  }
  const backend = getBackend();
  const out = new Tensor(allocKernelOutput(g.n * g.cOut * g.outH * g.outW), [g.n, g.cOut, g.outH, g.outW]);
  backend.conv2dForward(x.data, weight.data, bias ? bias.data : null, out.data, g);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return Tensor.record(out, {
    name: 'conv2d',
    inputs,
    backward: (dy) => {
      let dx: Float32Array | null = null;
      let dw: Float32Array | null = null;
      let db: Float32Array | null = null;
      if (x.requiresGrad) {
        dx = allocKernelOutput(x.size);
        backend.conv2dBackwardInput(dy, weight.data, dx, g);
      }
      if (weight.requiresGrad) {
        dw = allocKernelOutput(weight.size);
        backend.conv2dBackwardWeight(x.data, dy, dw, g);
      }
      if (bias && bias.requiresGrad) {
        db = allocFloat32(g.cOut);
        const plane = g.outH * g.outW;
        for (let b = 0; b < g.n; b++) {
          for (let c = 0; c < g.cOut; c++) {
            let s = 0;
            const base = (b * g.cOut + c) * plane;
            for (let i = 0; i < plane; i++) s += dy[base + i]!;
            db[c]! += s;
          }
        }
      }
      return bias ? [dx, dw, db] : [dx, dw];
    },
  });
}
