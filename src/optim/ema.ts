/**
 * An exponential moving average of a model's weights, PyTorch's
 * `AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True)`: the first
 * update copies the model, each later one moves every float parameter and buffer toward the
 * model's by `lerp(avg, current, 1 - decay)`, and integer buffers (num_batches_tracked) are copied.
 *
 * With `useBuffers: false` (AveragedModel's default) only parameters are averaged; the average's
 * buffers are the model's at the first update until `updateBuffers` recomputes them, which is how
 * PyTorch pairs an average with `update_bn`.
 *
 * Unlike AveragedModel it holds no second module: the averages live in flat arrays, and
 * `withAveragedWeights` swaps them into the model for evaluation or saving and swaps the training
 * weights back afterwards. That keeps the model's construction (and so the init random stream)
 * untouched, and works for any module, zoo or user-defined. Steady state allocates nothing.
 */
import type { Module } from '../nn/module.js';
import { Buffer } from '../nn/parameter.js';
import { MnistLabError } from '../util/errors.js';

export interface ExponentialMovingAverageState {
  decay: number;
  /** Updates so far; PyTorch's n_averaged. */
  nAveraged: number;
  /** The averaged state dict, by PyTorch key. */
  averages: Record<string, number[]>;
}

interface Slot {
  name: string;
  target: Float32Array;
  average: Float32Array;
  /** Holds the training weights while the averages are swapped in. */
  stash: Float32Array;
  /**
   * average: lerped toward the model; copy: copied each update (integer buffers, for which PyTorch's
   * lerp is undefined); fixed: buffers without useBuffers, set by the first update and updateBuffers.
   */
  kind: 'average' | 'copy' | 'fixed';
}

export interface ExponentialMovingAverageOptions {
  /** Average BN running statistics with the weights, as AveragedModel(use_buffers=True). Default true. */
  useBuffers?: boolean;
}

export class ExponentialMovingAverage {
  private readonly slots: Slot[];
  private n = 0;
  private swapped = false;

  readonly useBuffers: boolean;

  constructor(model: Module, readonly decay: number, options: ExponentialMovingAverageOptions = {}) {
    if (!(decay >= 0 && decay < 1)) throw new MnistLabError(`EMA decay must be in [0, 1), got ${decay}; 0.999 is typical`);
    this.useBuffers = options.useBuffers ?? true;
    this.slots = [...model.stateDict()].map(([name, t]) => ({
      name,
      target: t.data,
      average: new Float32Array(t.data.length),
      stash: new Float32Array(t.data.length),
      kind: !(t instanceof Buffer) ? 'average' : !this.useBuffers ? 'fixed' : t.dtype === 'int64' ? 'copy' : 'average',
    }));
  }

  get nAveraged(): number {
    return this.n;
  }

  /** Call after each optimizer step. */
  update(): void {
    if (this.swapped) throw new Error('ExponentialMovingAverage.update() while the averaged weights are swapped in');
    const weight = 1 - this.decay;
    for (const s of this.slots) {
      const { target, average } = s;
      if (this.n === 0 || s.kind === 'copy') {
        average.set(target);
        continue;
      }
      if (s.kind === 'fixed') continue;
      for (let i = 0; i < average.length; i++) average[i] = average[i]! + weight * (target[i]! - average[i]!);
    }
    this.n++;
  }

  /**
   * Runs `fn` with the averaged weights in the model, then restores the training weights, even if
   * `fn` throws. Before the first update the model's own weights are the average.
   */
  withAveragedWeights<T>(fn: () => T): T {
    if (this.n === 0) return fn();
    if (this.swapped) return fn();
    for (const s of this.slots) {
      s.stash.set(s.target);
      s.target.set(s.average);
    }
    this.swapped = true;
    try {
      return fn();
    } finally {
      for (const s of this.slots) s.target.set(s.stash);
      this.swapped = false;
    }
  }

  /**
   * Swaps the average in, runs `recompute` (typically train/update-bn.ts's updateBn) and keeps the
   * buffers it leaves in the model as the average's own, then restores the training weights. Only
   * for `useBuffers: false`, where nothing else writes the average's buffers.
   */
  updateBuffers(recompute: () => void): void {
    if (this.useBuffers) throw new Error('ExponentialMovingAverage.updateBuffers() needs useBuffers: false; with true the buffers are averaged');
    if (this.n === 0) throw new Error('ExponentialMovingAverage.updateBuffers() before the first update: there is no average yet');
    this.withAveragedWeights(() => {
      recompute();
      for (const s of this.slots) if (s.kind === 'fixed') s.average.set(s.target);
    });
  }

  stateDict(): ExponentialMovingAverageState {
    const averages: Record<string, number[]> = {};
    for (const s of this.slots) averages[s.name] = Array.from(s.average);
    return { decay: this.decay, nAveraged: this.n, averages };
  }

  loadStateDict(state: ExponentialMovingAverageState): void {
    if (state.decay !== this.decay) {
      throw new MnistLabError(`EMA state has decay ${state.decay}, but this average uses ${this.decay}`);
    }
    for (const s of this.slots) {
      const values = state.averages[s.name];
      if (!values || values.length !== s.average.length) {
        throw new MnistLabError(`EMA state does not match the model: ${values ? `${s.name} has ${values.length} values, expected ${s.average.length}` : `no average for ${s.name}`}`);
      }
    }
    for (const s of this.slots) s.average.set(state.averages[s.name]!);
    this.n = state.nAveraged;
  }
}
