/** Normalize: (x - mean) / std per pixel, like torchvision.transforms.Normalize on one channel. */
import { MnistLabError } from '../../util/errors.js';
import type { Transform } from './transform.js';

/** The usual MNIST statistics (mean and std of the training pixels in [0, 1]). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/**
 * In place. The arithmetic is done in float32 exactly as torch's `sub_(mean).div_(std)`, so the
 * result matches torchvision bit for bit.
 */
export function normalize(image: Float32Array, mean: number, std: number): void {
  const m = Math.fround(mean);
  const s = Math.fround(std);
  for (let i = 0; i < image.length; i++) image[i] = Math.fround(image[i]! - m) / s;
}

export class Normalize implements Transform {
  constructor(
    readonly mean: number = MNIST_MEAN,
    readonly std: number = MNIST_STD,
  ) {
    if (!(std > 0) || !Number.isFinite(std)) throw new MnistLabError(`Normalize: std must be > 0, got ${std}`);
    if (!Number.isFinite(mean)) throw new MnistLabError(`Normalize: mean must be a finite number, got ${mean}`);
  }

  apply(image: Float32Array): void {
    normalize(image, this.mean, this.std);
  }

  toString(): string {
    return `Normalize(mean=${this.mean}, std=${this.std})`;
  }
}
