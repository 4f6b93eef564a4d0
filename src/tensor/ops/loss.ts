/** nll_loss and cross_entropy (with label smoothing), with PyTorch's reductions. */
import { Tensor } from '../tensor.js';
import { allocFloat32 } from '../memory-scope.js';
import { formatShape } from '../shape.js';
import { logSoftmax } from './softmax.js';

export type Reduction = 'mean' | 'sum' | 'none';
export type Targets = Int32Array | Uint8Array | readonly number[];

export interface NllLossOptions {
  reduction?: Reduction;
  /** Mixes the one-hot target with a uniform distribution (cross_entropy's label_smoothing). */
  labelSmoothing?: number;
}

/**
 * Negative log-likelihood of class indices under log-probabilities `logp` (N, C):
 * loss_i = -(1-ε)·logp[i, y_i] - ε·mean_c logp[i, c].
 */
export function nllLoss(logp: Tensor, target: Targets, options: NllLossOptions = {}): Tensor {
  if (logp.ndim !== 2) throw new Error(`nllLoss: expected (N, C) log-probabilities, got ${formatShape(logp.shape)}`);
  const [n, c] = logp.shape as [number, number];
  if (target.length !== n) throw new Error(`nllLoss: ${target.length} targets for a batch of ${n}`);
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`labelSmoothing must be between 0 and 1, got ${eps}`);
  const reduction = options.reduction ?? 'mean';
  const perSample = new Float64Array(n);
  const x = logp.data;
  for (let i = 0; i < n; i++) {
    const y = target[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= c) throw new Error(`nllLoss: target ${y} at index ${i} is out of range for ${c} classes`);
    let loss = -(1 - eps) * x[i * c + y]!;
    if (eps > 0) {
      let s = 0;
      for (let k = 0; k < c; k++) s += x[i * c + k]!;
      loss -= (eps * s) / c;
    }
    perSample[i] = loss;
  }
  const out = reduction === 'none' ? new Tensor(allocFloat32(n), [n]) : new Tensor(allocFloat32(1), []);
  if (reduction === 'none') for (let i = 0; i < n; i++) out.data[i] = perSample[i]!;
  else {
    let s = 0;
    for (let i = 0; i < n; i++) s += perSample[i]!;
    out.data[0] = reduction === 'mean' ? s / n : s;
  }
  return Tensor.record(out, {
    name: 'nllLoss',
    inputs: [logp],
    backward: (g) => {
      const gx = allocFloat32(logp.size);
      for (let i = 0; i < n; i++) {
        const gi = reduction === 'none' ? g[i]! : reduction === 'mean' ? g[0]! / n : g[0]!;
        if (eps > 0) for (let k = 0; k < c; k++) gx[i * c + k] = (-eps / c) * gi;
        gx[i * c + target[i]!]! += -(1 - eps) * gi;
      }
      return [gx];
    },
  });
}

export interface CrossEntropyOptions extends NllLossOptions {}

/** cross_entropy on raw logits: log_softmax over dim 1, then nll_loss. */
export function crossEntropy(logits: Tensor, target: Targets, options: CrossEntropyOptions = {}): Tensor {
  return nllLoss(logSoftmax(logits, 1), target, options);
}
