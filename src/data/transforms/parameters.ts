/** Argument checks shared by the random transforms; bad values are user input (CLI flags, configs). */
import { MnistLabError } from '../../util/errors.js';
import type { Interpolation } from './affine-warp.js';

/** torchvision's `_setup_angle`: a number d means [-d, d]; otherwise a [low, high] range. */
export function angleRange(x: number | readonly [number, number], transform: string, name: string): [number, number] {
  if (typeof x === 'number') {
    if (!(x >= 0) || !Number.isFinite(x)) {
      throw new MnistLabError(`${transform}: ${name} as a single number must be finite and >= 0, got ${x}`);
    }
    return [-x, x];
  }
  return checkedRange(x, transform, name);
}

/** A finite [low, high] pair with low <= high. */
export function checkedRange(x: readonly number[], transform: string, name: string): [number, number] {
  if (x.length !== 2 || !x.every(Number.isFinite) || x[0]! > x[1]!) {
    throw new MnistLabError(`${transform}: ${name} must be [low, high] with low <= high, got [${x.join(', ')}]`);
  }
  return [x[0]!, x[1]!];
}

export function checkedInterpolation(x: string | undefined, transform: string): Interpolation {
  const value = x ?? 'nearest';
  if (value !== 'nearest' && value !== 'bilinear') {
    throw new MnistLabError(`${transform}: interpolation must be 'nearest' or 'bilinear', got '${value}'`);
  }
  return value;
}

export function checkedFill(x: number | undefined, transform: string): number {
  const value = x ?? 0;
  if (!Number.isFinite(value)) throw new MnistLabError(`${transform}: fill must be a finite number, got ${value}`);
  return value;
}

export function checkedProbability(p: number, transform: string): number {
  if (!(p >= 0 && p <= 1)) throw new MnistLabError(`${transform}: p must be between 0 and 1, got ${p}`);
  return p;
}

/** Python's round(): half to even, which torchvision uses to turn sampled translations into pixels. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function formatRange(r: readonly number[]): string {
  return `[${r.join(', ')}]`;
}
