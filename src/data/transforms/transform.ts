/**
 * The transform interface. Transforms work on one single-channel float image in [0, 1] (what
 * torchvision's ToTensor produces) and change it in place, so a DataLoader can run a whole pipeline
 * on one scratch buffer without allocating. Random transforms draw every random number from the
 * `rng` they are handed (the loader's 'augment' stream), never from a generator of their own: the
 * loader's saved RNG state then fully determines the augmentations of a resumed run.
 */
import type { Rng } from '../../util/rng.js';

export interface Transform {
  /** Transforms `image` (height*width pixels, row-major) in place. */
  apply(image: Float32Array, height: number, width: number, rng: Rng): void;
  /** torchvision-style description, e.g. `RandomRotation(degrees=[-15, 15], interpolation=nearest, fill=0)`. */
  toString(): string;
}
