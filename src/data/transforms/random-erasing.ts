/**
 * RandomErasing (Zhong et al. 2017) with torchvision 0.14's semantics: with probability p, pick a
 * rectangle whose area is a fraction ~U[scale] of the image and whose aspect ratio h/w is
 * log-uniform in [ratio]; try 10 times to find one that fits strictly inside, else leave the image
 * alone; fill it with `value`, or with standard-normal noise for 'random'. Like torchvision it is
 * usually placed after Normalize, so value 0 means "the mean".
 */
import { MnistLabError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { checkedProbability, checkedRange, formatRange, roundHalfEven } from './parameters.js';
import type { Transform } from './transform.js';

export interface RandomErasingOptions {
  /** Probability of erasing an image at all. Default 0.5. */
  readonly p?: number;
  /** Range of the erased area as a fraction of the image. Default [0.02, 0.33]. */
  readonly scale?: readonly [number, number];
  /** Range of the aspect ratio h/w. Default [0.3, 3.3]. */
  readonly ratio?: readonly [number, number];
  /** Fill value, or 'random' for per-pixel N(0, 1) noise. Default 0. */
  readonly value?: number | 'random';
}

/**
 * F.erase: sets the h×w rectangle with top-left (top, left) to `value` (a number, or an array of h*w
 * values for noise). In place.
 */
export function erase(
  image: Float32Array,
  width: number,
  top: number,
  left: number,
  h: number,
  w: number,
  value: number | ArrayLike<number>,
): void {
  for (let y = 0; y < h; y++) {
    const row = (top + y) * width + left;
    if (typeof value === 'number') image.fill(value, row, row + w);
    else for (let x = 0; x < w; x++) image[row + x] = value[y * w + x]!;
  }
}

/** Mutable so sampling can reuse one object per transform; h = 0 means "leave the image alone". */
export interface ErasingBox {
  top: number;
  left: number;
  h: number;
  w: number;
}

export class RandomErasing implements Transform {
  readonly p: number;
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly value: number | 'random';
  private readonly logRatio: [number, number];
  private readonly box: ErasingBox = { top: 0, left: 0, h: 0, w: 0 };

  constructor(options: RandomErasingOptions = {}) {
    const name = 'RandomErasing';
    this.p = checkedProbability(options.p ?? 0.5, name);
    this.scale = checkedRange(options.scale ?? [0.02, 0.33], name, 'scale');
    if (this.scale[0] < 0 || this.scale[1] > 1) {
      throw new MnistLabError(`${name}: scale must lie within [0, 1], got ${formatRange(this.scale)}`);
    }
    this.ratio = checkedRange(options.ratio ?? [0.3, 3.3], name, 'ratio');
    if (!(this.ratio[0] > 0)) throw new MnistLabError(`${name}: ratio values must be > 0, got ${formatRange(this.ratio)}`);
    const value = options.value ?? 0;
    if (value !== 'random' && !Number.isFinite(value)) {
      throw new MnistLabError(`${name}: value must be a finite number or 'random', got ${value}`);
    }
    this.value = value;
    this.logRatio = [Math.log(this.ratio[0]), Math.log(this.ratio[1])];
  }

  /**
   * torchvision's get_params for an image of this size (after the p coin flip): the size, then the
   * top-left corner uniformly among the positions where the box fits. Returns h = 0 when 10 attempts
   * found nothing that fits. The object is reused by the next call.
   */
  sampleBox(height: number, width: number, rng: Rng): ErasingBox {
    const box = this.box;
    const area = height * width;
    for (let attempt = 0; attempt < 10; attempt++) {
      const eraseArea = area * rng.uniform(this.scale[0], this.scale[1]);
      const aspect = Math.exp(rng.uniform(this.logRatio[0], this.logRatio[1]));
      const h = roundHalfEven(Math.sqrt(eraseArea * aspect));
      const w = roundHalfEven(Math.sqrt(eraseArea / aspect));
      if (!(h < height && w < width)) continue;
      box.h = h;
      box.w = w;
      box.top = rng.int(height - h + 1);
      box.left = rng.int(width - w + 1);
      return box;
    }
    box.h = 0;
    box.w = 0;
    return box;
  }

  apply(image: Float32Array, height: number, width: number, rng: Rng): void {
    if (!(rng.next() < this.p)) return;
    const box = this.sampleBox(height, width, rng);
    if (box.h === 0) return;
    if (this.value === 'random') {
      for (let y = 0; y < box.h; y++) {
        const row = (box.top + y) * width + box.left;
        for (let x = 0; x < box.w; x++) image[row + x] = statelessNormal(rng);
      }
    } else {
      erase(image, width, box.top, box.left, box.h, box.w, this.value);
    }
  }

  toString(): string {
    return `RandomErasing(p=${this.p}, scale=${formatRange(this.scale)}, ratio=${formatRange(this.ratio)}, value=${this.value})`;
  }
}

/**
 * One N(0, 1) draw by Box-Muller that keeps no spare value: Rng.normal() caches the second value of
 * each pair outside getState(), so a checkpoint taken between the two would not resume identically.
 */
function statelessNormal(rng: Rng): number {
  const u = 1 - rng.next(); // in (0, 1], so the log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
