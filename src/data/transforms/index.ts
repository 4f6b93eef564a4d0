export type { Transform } from './transform.js';
export { Compose } from './compose.js';
export { Normalize, normalize, MNIST_MEAN, MNIST_STD } from './normalize.js';
export { RandomRotation, type RandomRotationOptions } from './random-rotation.js';
export { RandomAffine, type RandomAffineOptions } from './random-affine.js';
export { RandomErasing, erase, type RandomErasingOptions, type ErasingBox } from './random-erasing.js';
export { Cutout, cutout, type CutoutOptions } from './cutout.js';
export {
  affine,
  rotate,
  warpAffine,
  inverseAffineMatrix,
  pixelSpaceMatrix,
  type AffineParams,
  type Interpolation,
  type WarpOptions,
} from './affine-warp.js';
