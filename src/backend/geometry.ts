/** Shape arithmetic shared by every backend, so all of them agree on output sizes. */

/** Everything a 2-D convolution kernel needs to know about its operands (NCHW input, OIHW weight). */
export interface Conv2dGeometry {
  readonly n: number;
  readonly cIn: number;
  readonly h: number;
  readonly w: number;
  readonly cOut: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly groups: number;
  readonly outH: number;
  readonly outW: number;
}

/** Window geometry of max/avg pooling over an NCHW tensor (c counts every channel; no groups). */
export interface Pool2dGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly outH: number;
  readonly outW: number;
}

/** PyTorch's output-size formula (floor mode). */
export function convOutputSize(size: number, kernel: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

export function conv2dGeometry(
  xShape: readonly number[],
  wShape: readonly number[],
  stride: readonly [number, number],
  padding: readonly [number, number],
  dilation: readonly [number, number],
  groups: number,
): Conv2dGeometry {
  const [n, cIn, h, w] = xShape as [number, number, number, number];
  const [cOut, cInPerGroup, kH, kW] = wShape as [number, number, number, number];
  const outH = convOutputSize(h, kH, stride[0], padding[0], dilation[0]);
  const outW = convOutputSize(w, kW, stride[1], padding[1], dilation[1]);
  if (cIn !== cInPerGroup * groups) {
    throw new Error(
      `conv2d: input has ${cIn} channels but the weight expects ${cInPerGroup * groups} (${cInPerGroup} per group × ${groups} groups)`,
    );
  }
  if (cOut % groups !== 0) throw new Error(`conv2d: ${cOut} output channels are not divisible by groups=${groups}`);
  if (outH < 1 || outW < 1) {
    throw new Error(`conv2d: a ${kH}x${kW} kernel does not fit a ${h}x${w} input with this padding and dilation`);
  }
  return {
    n, cIn, h, w, cOut, kH, kW,
    strideH: stride[0], strideW: stride[1],
    padH: padding[0], padW: padding[1],
    dilationH: dilation[0], dilationW: dilation[1],
    groups, outH, outW,
  };
}

export function pool2dGeometry(
  xShape: readonly number[],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  padding: readonly [number, number],
): Pool2dGeometry {
  const [n, c, h, w] = xShape as [number, number, number, number];
  if (padding[0] * 2 > kernel[0] || padding[1] * 2 > kernel[1]) {
    throw new Error('pool2d: padding must be at most half the kernel size (as in PyTorch)');
  }
  const outH = convOutputSize(h, kernel[0], stride[0], padding[0], 1);
  const outW = convOutputSize(w, kernel[1], stride[1], padding[1], 1);
  if (outH < 1 || outW < 1) throw new Error(`pool2d: a ${kernel[0]}x${kernel[1]} window does not fit a ${h}x${w} input`);
  return {
    n, c, h, w, kH: kernel[0], kW: kernel[1],
    strideH: stride[0], strideW: stride[1], padH: padding[0], padW: padding[1], outH, outW,
  };
}
