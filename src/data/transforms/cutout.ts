/**
 * Cutout (DeVries & Taylor 2017): a size×size square, centred on a uniformly random pixel, is set to
 * `value`; the parts that fall outside the image are simply clipped, so squares near the border
 * erase less. Not in torchvision; this follows the paper's reference code (a centre anywhere in the
 * image, clipped box), with a probability p like the other random transforms.
 */
import { MnistLabError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { checkedProbability } from './parameters.js';
import { erase } from './random-erasing.js';
import type { Transform } from './transform.js';

export interface CutoutOptions {
  /** Probability of applying it to an image. Default 1. */
  readonly p?: number;
  /** Default 0 (before Normalize that is black; after it, the mean). */
  readonly value?: number;
}

/** Erases the size×size square centred on (centerY, centerX), clipped to the image. In place. */
export function cutout(
  image: Float32Array,
  height: number,
  width: number,
  centerY: number,
  centerX: number,
  size: number,
  value: number,
): void {
  const top = Math.max(0, centerY - Math.floor(size / 2));
  const bottom = Math.min(height, centerY - Math.floor(size / 2) + size);
  const left = Math.max(0, centerX - Math.floor(size / 2));
  const right = Math.min(width, centerX - Math.floor(size / 2) + size);
  if (bottom > top && right > left) erase(image, width, top, left, bottom - top, right - left, value);
}

export class Cutout implements Transform {
  readonly p: number;
  readonly value: number;

  constructor(
    readonly size: number,
    options: CutoutOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new MnistLabError(`Cutout: size must be a whole number >= 1, got ${size}`);
    this.p = checkedProbability(options.p ?? 1, 'Cutout');
    this.value = options.value ?? 0;
    if (!Number.isFinite(this.value)) throw new MnistLabError(`Cutout: value must be a finite number, got ${this.value}`);
  }

  apply(image: Float32Array, height: number, width: number, rng: Rng): void {
    if (this.p < 1 && !(rng.next() < this.p)) return;
    const centerY = rng.int(height);
    const centerX = rng.int(width);
    cutout(image, height, width, centerY, centerX, this.size, this.value);
  }

  toString(): string {
    return `Cutout(size=${this.size}, p=${this.p}, value=${this.value})`;
  }
}
