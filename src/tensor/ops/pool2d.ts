/** max_pool2d, avg_pool2d and adaptive_avg_pool2d over NCHW tensors. */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../memory-scope.js';
import { allocKernelOutput, allocKernelOutputInt32 } from './kernel-output.js';
import { formatShape } from '../shape.js';
import { getBackend } from '../../backend/current.js';
import { pool2dGeometry } from '../../backend/geometry.js';
import { type Pair, pair } from './conv2d.js';

export interface Pool2dOptions {
  /** Defaults to the kernel size, as in PyTorch. */
  stride?: Pair;
  padding?: Pair;
}

function check4d(x: Tensor, op: string): void {
  if (x.ndim !== 4) throw new Error(`${op}: expected a 4-d NCHW input, got ${formatShape(x.shape)}`);
}

export function maxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  check4d(x, 'maxPool2d');
  const k = pair(kernelSize);
  const g = pool2dGeometry(x.shape, k, pair(options.stride ?? k), pair(options.padding ?? 0));
  const backend = getBackend();
  const size = g.n * g.c * g.outH * g.outW;
  const out = new Tensor(allocKernelOutput(size), [g.n, g.c, g.outH, g.outW]);
  const indices = allocKernelOutputInt32(size);
  backend.maxPool2dForward(x.data, out.data, indices, g);
  return Tensor.record(out, {
    name: 'maxPool2d',
    inputs: [x],
    backward: (dy) => {
      const dx = allocKernelOutput(x.size);
      backend.maxPool2dBackward(dy, indices, dx, g);
      return [dx];
    },
  });
}

export interface AvgPool2dOptions extends Pool2dOptions {
  countIncludePad?: boolean;
}

export function avgPool2d(x: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  check4d(x, 'avgPool2d');
  const k = pair(kernelSize);
  const g = pool2dGeometry(x.shape, k, pair(options.stride ?? k), pair(options.padding ?? 0));
  const countIncludePad = options.countIncludePad ?? true;
  const backend = getBackend();
  const out = new Tensor(allocKernelOutput(g.n * g.c * g.outH * g.outW), [g.n, g.c, g.outH, g.outW]);
  backend.avgPool2dForward(x.data, out.data, g, countIncludePad);
  return Tensor.record(out, {
    name: 'avgPool2d',
    inputs: [x],
    backward: (dy) => {
      const dx = allocKernelOutput(x.size);
      backend.avgPool2dBackward(dy, dx, g, countIncludePad);
      return [dx];
    },
  });
}

/** PyTorch's adaptive windows: output cell i covers [floor(i·in/out), ceil((i+1)·in/out)). */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  check4d(x, 'adaptiveAvgPool2d');
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = pair(outputSize);
  if (oh < 1 || ow < 1) throw new Error(`adaptiveAvgPool2d: output size ${oh}x${ow} must be positive`);
  const ys = Array.from({ length: oh }, (_, i) => [Math.floor((i * h) / oh), Math.ceil(((i + 1) * h) / oh)] as const);
  const xs = Array.from({ length: ow }, (_, j) => [Math.floor((j * w) / ow), Math.ceil(((j + 1) * w) / ow)] as const);
  const out = new Tensor(allocFloat32(n * c * oh * ow), [n, c, oh, ow]);
  const xd = x.data;
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i < oh; i++) {
      const [y0, y1] = ys[i]!;
      for (let j = 0; j < ow; j++) {
        const [x0, x1] = xs[j]!;
        let s = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += xd[(p * h + yy) * w + xx]!;
        out.data[(p * oh + i) * ow + j] = s / ((y1 - y0) * (x1 - x0));
      }
    }
  }
  return Tensor.record(out, {
    name: 'adaptiveAvgPool2d',
    inputs: [x],
    backward: (dy) => {
      const dx = allocFloat32(x.size);
      for (let p = 0; p < n * c; p++) {
        for (let i = 0; i < oh; i++) {
          const [y0, y1] = ys[i]!;
          for (let j = 0; j < ow; j++) {
            const [x0, x1] = xs[j]!;
            const v = dy[(p * oh + i) * ow + j]! / ((y1 - y0) * (x1 - x0));
            for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) dx[(p * h + yy) * w + xx]! += v;
          }
        }
      }
      return [dx];
    },
  });
}
