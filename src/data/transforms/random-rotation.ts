/**
 * RandomRotation: rotates by an angle drawn uniformly from [low, high] degrees (counter-clockwise)
 * about the image centre, like torchvision.transforms.RandomRotation on a tensor (expand=False,
 * center=None).
 */
import type { Rng } from '../../util/rng.js';
import { inverseAffineMatrix, warpAffine, type Interpolation } from './affine-warp.js';
import { angleRange, checkedFill, checkedInterpolation, formatRange } from './parameters.js';
import type { Transform } from './transform.js';

export interface RandomRotationOptions {
  /** Default 'nearest' (torchvision's default). */
  readonly interpolation?: Interpolation;
  /** Default 0. */
  readonly fill?: number;
}

export class RandomRotation implements Transform {
  readonly degrees: [number, number];
  readonly interpolation: Interpolation;
  readonly fill: number;
  private scratch = new Float32Array(0);
  private readonly matrix = new Float64Array(6);

  /** `degrees`: d means [-d, d]. */
  constructor(degrees: number | readonly [number, number], options: RandomRotationOptions = {}) {
    this.degrees = angleRange(degrees, 'RandomRotation', 'degrees');
    this.interpolation = checkedInterpolation(options.interpolation, 'RandomRotation');
    this.fill = checkedFill(options.fill, 'RandomRotation');
  }

  /** torchvision's get_params: the angle, uniform in [low, high). */
  sampleAngle(rng: Rng): number {
    return rng.uniform(this.degrees[0], this.degrees[1]);
  }

  apply(image: Float32Array, height: number, width: number, rng: Rng): void {
    const angle = this.sampleAngle(rng);
    if (this.scratch.length !== image.length) this.scratch = new Float32Array(image.length);
    this.scratch.set(image);
    inverseAffineMatrix(-angle, 0, 0, 1, 0, 0, this.matrix);
    warpAffine(this.scratch, image, height, width, this.matrix, this.interpolation, this.fill);
  }

  toString(): string {
    return `RandomRotation(degrees=${formatRange(this.degrees)}, interpolation=${this.interpolation}, fill=${this.fill})`;
  }
}
