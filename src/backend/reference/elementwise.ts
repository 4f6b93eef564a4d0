/** Reference activation and dropout kernels. */
import { dropoutUniform } from '../random-hash.js';

export function reluForward(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    // Written so NaN passes through, as in PyTorch: a NaN must reach the loss and trip the guard.
    out[i] = v < 0 ? 0 : v;
  }
}

export function reluBackward(dy: Float32Array, y: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dy.length; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
}

export function multiply(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * b[i]!;
}

export function dropoutForward(x: Float32Array, out: Float32Array, mask: Float32Array, p: number, seed: number, channelSize: number): void {
  const scale = 1 / (1 - p);
  for (let i = 0; i < x.length; i++) {
    const counter = channelSize > 1 ? Math.floor(i / channelSize) : i;
    const m = dropoutUniform(seed, counter) >= p ? scale : 0;
    mask[i] = m;
    out[i] = x[i]! * m;
  }
}
