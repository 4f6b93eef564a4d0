/**
 * Reference convolution kernels: direct loops over PyTorch's definition, general in stride,
 * padding, dilation and groups. They are the oracle the fast backend is tested against, so they
 * favour being obviously right over being fast; the one concession is that each output row's
 * valid column range is computed up front (validColumns) instead of testing every tap.
 */
import type { Conv2dGeometry } from '../geometry.js';

/**
 * Output columns [start, end) whose input column ox·stride - pad + offset lies inside [0, w).
 */
function validColumns(outW: number, w: number, stride: number, pad: number, offset: number): [number, number] {
  const shift = offset - pad;
  const start = Math.max(0, Math.ceil(-shift / stride));
  const end = Math.min(outW, Math.floor((w - 1 - shift) / stride) + 1);
  return [start, Math.max(start, end)];
}

export function conv2dForward(x: Float32Array, weight: Float32Array, bias: Float32Array | null, out: Float32Array, g: Conv2dGeometry): void {
  const { n, cIn, h, w, cOut, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups, outH, outW } = g;
  const cInG = cIn / groups;
  const cOutG = cOut / groups;
  const plane = outH * outW;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < cOut; oc++) {
      const grp = Math.floor(oc / cOutG);
      const outBase = (b * cOut + oc) * plane;
      const bv = bias ? bias[oc]! : 0;
      for (let i = 0; i < plane; i++) out[outBase + i] = bv;
      for (let icg = 0; icg < cInG; icg++) {
        const ic = grp * cInG + icg;
        const xBase = (b * cIn + ic) * h * w;
        const wBase = (oc * cInG + icg) * kH * kW;
        for (let ky = 0; ky < kH; ky++) {
          for (let kx = 0; kx < kW; kx++) {
            const wv = weight[wBase + ky * kW + kx]!;
            const [ox0, ox1] = validColumns(outW, w, strideW, padW, kx * dilationW);
            const colShift = kx * dilationW - padW;
            for (let oy = 0; oy < outH; oy++) {
              const iy = oy * strideH - padH + ky * dilationH;
              if (iy < 0 || iy >= h) continue;
              const rowOut = outBase + oy * outW;
              const rowIn = xBase + iy * w + colShift;
              for (let ox = ox0; ox < ox1; ox++) out[rowOut + ox]! += wv * x[rowIn + ox * strideW]!;
            }
          }
        }
      }
    }
  }
}

export function conv2dBackwardInput(dy: Float32Array, weight: Float32Array, dx: Float32Array, g: Conv2dGeometry): void {
  const { n, cIn, h, w, cOut, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups, outH, outW } = g;
  const cInG = cIn / groups;
  const cOutG = cOut / groups;
  dx.fill(0, 0, n * cIn * h * w);
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < cOut; oc++) {
      const grp = Math.floor(oc / cOutG);
      const dyBase = (b * cOut + oc) * outH * outW;
      for (let icg = 0; icg < cInG; icg++) {
        const ic = grp * cInG + icg;
        const dxBase = (b * cIn + ic) * h * w;
        const wBase = (oc * cInG + icg) * kH * kW;
        for (let ky = 0; ky < kH; ky++) {
          for (let kx = 0; kx < kW; kx++) {
            const wv = weight[wBase + ky * kW + kx]!;
            const [ox0, ox1] = validColumns(outW, w, strideW, padW, kx * dilationW);
            const colShift = kx * dilationW - padW;
            for (let oy = 0; oy < outH; oy++) {
              const iy = oy * strideH - padH + ky * dilationH;
              if (iy < 0 || iy >= h) continue;
              const rowDy = dyBase + oy * outW;
              const rowDx = dxBase + iy * w + colShift;
              for (let ox = ox0; ox < ox1; ox++) dx[rowDx + ox * strideW]! += wv * dy[rowDy + ox]!;
            }
          }
        }
      }
    }
  }
}

export function conv2dBackwardWeight(x: Float32Array, dy: Float32Array, dWeight: Float32Array, g: Conv2dGeometry): void {
  const { n, cIn, h, w, cOut, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups, outH, outW } = g;
  const cInG = cIn / groups;
  const cOutG = cOut / groups;
  dWeight.fill(0, 0, cOut * cInG * kH * kW);
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < cOut; oc++) {
      const grp = Math.floor(oc / cOutG);
      const dyBase = (b * cOut + oc) * outH * outW;
      for (let icg = 0; icg < cInG; icg++) {
        const ic = grp * cInG + icg;
        const xBase = (b * cIn + ic) * h * w;
        const wBase = (oc * cInG + icg) * kH * kW;
        for (let ky = 0; ky < kH; ky++) {
          for (let kx = 0; kx < kW; kx++) {
            const [ox0, ox1] = validColumns(outW, w, strideW, padW, kx * dilationW);
            const colShift = kx * dilationW - padW;
            let acc = 0;
            for (let oy = 0; oy < outH; oy++) {
              const iy = oy * strideH - padH + ky * dilationH;
              if (iy < 0 || iy >= h) continue;
              const rowDy = dyBase + oy * outW;
              const rowIn = xBase + iy * w + colShift;
              for (let ox = ox0; ox < ox1; ox++) acc += x[rowIn + ox * strideW]! * dy[rowDy + ox]!;
            }
            dWeight[wBase + ky * kW + kx]! += acc;
          }
        }
      }
    }
  }
}
