/** Reference activation and dropout kernels. */
import { dropoutUniform } from '../random-hash.js';

export function reluForward(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : 0;
  }
}

export function reluBackward(dy: Float32Array, y: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dy.length; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
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
