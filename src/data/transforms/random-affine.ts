/**
 * RandomAffine with torchvision 0.14's parameter sampling (RandomAffine.get_params) and F.affine's
 * tensor path. Per image it draws, in this order:
 *   angle ~ U[degrees]; tx, ty = round(U[-translate[0]*width, +..]), round(U[-translate[1]*height, +..])
 *   (Python round: half to even); scale ~ U[scale]; shearX ~ U[shear[0..1]], shearY ~ U[shear[2..3]].
 * The angle follows F.affine's convention (clockwise); ranges symmetric about 0 make that moot.
 */
import { MnistLabError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { inverseAffineMatrix, warpAffine, type AffineParams, type Interpolation } from './affine-warp.js';
import {
  angleRange,
  checkedFill,
  checkedInterpolation,
  checkedRange,
  formatRange,
  roundHalfEven,
} from './parameters.js';
import type { Transform } from './transform.js';

export interface RandomAffineOptions {
  /** Maximum shift as fractions of [width, height], each in [0, 1]. Default: no shift. */
  readonly translate?: readonly [number, number];
  /** [low, high] scale factors, both > 0. Default: 1. */
  readonly scale?: readonly [number, number];
  /** Degrees: s means shearX in [-s, s]; [a, b] is shearX; [a, b, c, d] adds shearY in [c, d]. Default: none. */
  readonly shear?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Default 'nearest' (torchvision's default). */
  readonly interpolation?: Interpolation;
  /** Default 0. */
  readonly fill?: number;
}

/** Mutable so sampling can reuse one object per transform. */
interface SampledAffine {
  angle: number;
  translate: [number, number];
  scale: number;
  shear: [number, number];
}

export class RandomAffine implements Transform {
  readonly degrees: [number, number];
  readonly translate: [number, number] | null;
  readonly scale: [number, number] | null;
  readonly shear: number[] | null;
  readonly interpolation: Interpolation;
  readonly fill: number;
  private scratch = new Float32Array(0);
  private readonly matrix = new Float64Array(6);
  private readonly params: SampledAffine = { angle: 0, translate: [0, 0], scale: 1, shear: [0, 0] };

  /** `degrees`: d means [-d, d]; 0 disables rotation. */
  constructor(degrees: number | readonly [number, number], options: RandomAffineOptions = {}) {
    const name = 'RandomAffine';
    this.degrees = angleRange(degrees, name, 'degrees');
    this.translate = null;
    if (options.translate !== undefined) {
      const t = options.translate;
      if (t.length !== 2 || !t.every((v) => v >= 0 && v <= 1)) {
        throw new MnistLabError(`${name}: translate must be two fractions in [0, 1], got [${t.join(', ')}]`);
      }
      this.translate = [t[0], t[1]];
    }
    this.scale = null;
    if (options.scale !== undefined) {
      this.scale = checkedRange(options.scale, name, 'scale');
      if (!(this.scale[0] > 0)) throw new MnistLabError(`${name}: scale values must be > 0, got ${formatRange(this.scale)}`);
    }
    this.shear = null;
    if (options.shear !== undefined) {
      const s = options.shear;
      if (typeof s === 'number' || s.length === 2) this.shear = angleRange(s as number | [number, number], name, 'shear');
      else if (s.length === 4) {
        this.shear = [...checkedRange(s.slice(0, 2), name, 'shear[0:2]'), ...checkedRange(s.slice(2, 4), name, 'shear[2:4]')];
      } else throw new MnistLabError(`${name}: shear must be a number or a list of 2 or 4 numbers`);
    }
    this.interpolation = checkedInterpolation(options.interpolation, name);
    this.fill = checkedFill(options.fill, name);
  }

  /**
   * torchvision's get_params for an image of this size. The returned object is reused by the next
   * call; copy it to keep it.
   */
  sampleParams(height: number, width: number, rng: Rng): AffineParams {
    const p = this.params;
    p.angle = rng.uniform(this.degrees[0], this.degrees[1]);
    if (this.translate !== null) {
      const maxDx = this.translate[0] * width;
      const maxDy = this.translate[1] * height;
      p.translate[0] = roundHalfEven(rng.uniform(-maxDx, maxDx));
      p.translate[1] = roundHalfEven(rng.uniform(-maxDy, maxDy));
    } else {
      p.translate[0] = 0;
      p.translate[1] = 0;
    }
    p.scale = this.scale !== null ? rng.uniform(this.scale[0], this.scale[1]) : 1;
    p.shear[0] = 0;
    p.shear[1] = 0;
    if (this.shear !== null) {
      p.shear[0] = rng.uniform(this.shear[0]!, this.shear[1]!);
      if (this.shear.length === 4) p.shear[1] = rng.uniform(this.shear[2]!, this.shear[3]!);
    }
    return p;
  }

  apply(image: Float32Array, height: number, width: number, rng: Rng): void {
    const { angle, translate, scale, shear } = this.sampleParams(height, width, rng);
    if (this.scratch.length !== image.length) this.scratch = new Float32Array(image.length);
    this.scratch.set(image);
    inverseAffineMatrix(angle, translate[0], translate[1], scale, shear[0], shear[1], this.matrix);
    warpAffine(this.scratch, image, height, width, this.matrix, this.interpolation, this.fill);
  }

  toString(): string {
    let s = `RandomAffine(degrees=${formatRange(this.degrees)}`;
    if (this.translate !== null) s += `, translate=${formatRange(this.translate)}`;
    if (this.scale !== null) s += `, scale=${formatRange(this.scale)}`;
    if (this.shear !== null) s += `, shear=${formatRange(this.shear)}`;
    return `${s}, interpolation=${this.interpolation}, fill=${this.fill})`;
  }
}
