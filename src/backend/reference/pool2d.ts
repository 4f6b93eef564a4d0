/** Reference pooling kernels, with PyTorch's padding semantics (max ignores padding; avg may count it). */
import type { Pool2dGeometry } from '../geometry.js';

export function maxPool2dForward(x: Float32Array, out: Float32Array, indices: Int32Array, g: Pool2dGeometry): void {
  const { n, c, h, w, kH, kW, strideH, strideW, padH, padW, outH, outW } = g;
  for (let p = 0; p < n * c; p++) {
    const xBase = p * h * w;
    const oBase = p * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let best = -Infinity;
        let bestIdx = -1;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padH + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padW + kx;
            if (ix < 0 || ix >= w) continue;
            const v = x[xBase + iy * w + ix]!;
            // NaN propagates, as in PyTorch.
            if (v > best || Number.isNaN(v) || bestIdx < 0) {
              best = v;
              bestIdx = iy * w + ix;
              if (Number.isNaN(v)) break;
            }
          }
        }
        out[oBase + oy * outW + ox] = best;
        indices[oBase + oy * outW + ox] = bestIdx;
      }
    }
  }
}

export function maxPool2dBackward(dy: Float32Array, indices: Int32Array, dx: Float32Array, g: Pool2dGeometry): void {
  const { n, c, h, w, outH, outW } = g;
  dx.fill(0, 0, n * c * h * w);
  for (let p = 0; p < n * c; p++) {
    const xBase = p * h * w;
    const oBase = p * outH * outW;
    for (let i = 0; i < outH * outW; i++) dx[xBase + indices[oBase + i]!]! += dy[oBase + i]!;
  }
}

function avgWindow(g: Pool2dGeometry, oy: number, ox: number, countIncludePad: boolean): [number, number, number, number, number] {
  const { h, w, kH, kW, strideH, strideW, padH, padW } = g;
  let y0 = oy * strideH - padH;
  let x0 = ox * strideW - padW;
  let y1 = Math.min(y0 + kH, h + padH);
  let x1 = Math.min(x0 + kW, w + padW);
  const padded = (y1 - y0) * (x1 - x0);
  y0 = Math.max(y0, 0);
  x0 = Math.max(x0, 0);
  y1 = Math.min(y1, h);
  x1 = Math.min(x1, w);
  const divisor = countIncludePad ? padded : (y1 - y0) * (x1 - x0);
  return [y0, y1, x0, x1, divisor];
}

export function avgPool2dForward(x: Float32Array, out: Float32Array, g: Pool2dGeometry, countIncludePad: boolean): void {
  const { n, c, h, w, outH, outW } = g;
  for (let p = 0; p < n * c; p++) {
    const xBase = p * h * w;
    const oBase = p * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const [y0, y1, x0, x1, divisor] = avgWindow(g, oy, ox, countIncludePad);
        let s = 0;
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += x[xBase + iy * w + ix]!;
        out[oBase + oy * outW + ox] = s / divisor;
      }
    }
  }
}

export function avgPool2dBackward(dy: Float32Array, dx: Float32Array, g: Pool2dGeometry, countIncludePad: boolean): void {
  const { n, c, h, w, outH, outW } = g;
  dx.fill(0, 0, n * c * h * w);
  for (let p = 0; p < n * c; p++) {
    const xBase = p * h * w;
    const oBase = p * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const [y0, y1, x0, x1, divisor] = avgWindow(g, oy, ox, countIncludePad);
        const v = dy[oBase + oy * outW + ox]! / divisor;
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) dx[xBase + iy * w + ix]! += v;
      }
    }
  }
}
