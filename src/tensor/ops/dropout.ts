/**
 * Inverted dropout (and Dropout2d, which zeroes whole channels). The mask comes from a counter-based
 * hash of a per-call seed drawn from the engine's dropout generator, so every backend and thread
 * split produces the same mask for the same seed.
 */
import { Tensor } from '../tensor.js';
import { allocKernelOutput } from './kernel-output.js';
import { allocFloat32 } from '../memory-scope.js';
import { getBackend } from '../../backend/current.js';
import { getDropoutRng } from '../random.js';
import { formatShape } from '../shape.js';

function checkP(p: number, op: string): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`${op}: probability must be between 0 and 1, got ${p}`);
}

function dropoutImpl(x: Tensor, p: number, training: boolean, channelSize: number, name: string): Tensor {
  checkP(p, name);
  if (!training || p === 0) return x;
  if (p === 1) {
    const out = new Tensor(allocFloat32(x.size), x.shape);
    // Everything dropped: the output is zero and so is every gradient.
    return Tensor.record(out, { name, inputs: [x], backward: () => [allocFloat32(x.size)] });
  }
  const out = new Tensor(allocKernelOutput(x.size), x.shape);
  const mask = allocKernelOutput(x.size);
  const seed = getDropoutRng().nextU32();
  const backend = getBackend();
  backend.dropoutForward(x.data, out.data, mask, p, seed, channelSize);
  return Tensor.record(out, {
    name,
    inputs: [x],
    backward: (g) => {
      const gx = allocKernelOutput(x.size);
      backend.multiply(g, mask, gx);
      return [gx];
    },
  });
}

export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  return dropoutImpl(x, p, training, 1, 'dropout');
}

/** Zeroes whole channels of an (N, C, H, W) input. */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  if (x.ndim !== 4 && x.ndim !== 3) throw new Error(`dropout2d: expected a 3-d or 4-d input, got ${formatShape(x.shape)}`);
  const channelSize = x.ndim === 4 ? x.shape[2]! * x.shape[3]! : x.shape[1]! * x.shape[2]!;
  return dropoutImpl(x, p, training, channelSize, 'dropout2d');
}
