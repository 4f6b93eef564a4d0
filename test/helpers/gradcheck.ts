/**
 * Finite-difference gradient checking. The loss is a fixed random projection of the op's output,
 * so every output element contributes; central differences in float32 need eps ~1e-2 and a
 * tolerance to match, which still catches any wrong formula (those are off by O(1)).
 */
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/util/rng.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Check at most this many elements per input (chosen at random) to keep big cases fast. */
  maxChecks?: number;
}

export function randomTensor(shape: number[], rng: Rng, scale = 1): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * scale;
  return t.requiresGrad_();
}

export function gradcheck(name: string, f: (inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): void {
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 2e-3;
  const rtol = options.rtol ?? 2e-2;
  const rng = new Rng(1234);
  const probe = f(inputs);
  const weights = Float64Array.from({ length: probe.size }, () => rng.normal());
  const lossOf = (): number => {
    const y = f(inputs);
    let s = 0;
    for (let i = 0; i < y.size; i++) s += y.data[i]! * weights[i]!;
    return s;
  };
  for (const t of inputs) t.grad = null;
  const y = f(inputs);
  y.backward(Tensor.from(Float32Array.from(weights), y.shape));
  inputs.forEach((t, k) => {
    if (!t.requiresGrad) return;
    assert.ok(t.grad, `${name}: input ${k} got no gradient`);
    const indices = Array.from({ length: t.size }, (_, i) => i);
    if (options.maxChecks && indices.length > options.maxChecks) {
      rng.shuffle(indices);
      indices.length = options.maxChecks;
    }
    for (const i of indices) {
      const orig = t.data[i]!;
      t.data[i] = orig + eps;
      const up = lossOf();
      t.data[i] = orig - eps;
      const down = lossOf();
      t.data[i] = orig;
      const numeric = (up - down) / (2 * eps);
      const analytic = t.grad!.data[i]!;
      const tol = atol + rtol * Math.abs(numeric);
      assert.ok(
        Math.abs(numeric - analytic) <= tol,
        `${name}: input ${k} element ${i}: analytic ${analytic} vs numeric ${numeric}`,
      );
    }
  });
}
