/**
 * An exponential moving average of a model's weights, PyTorch's
 * `AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True)`: the first
 * update copies the model, each later one moves every float parameter and buffer toward the
 * model's by `lerp(avg, current, 1 - decay)`, and integer buffers (num_batches_tracked) are copied.
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
  /** Integer buffers are copied, not averaged, as lerp is undefined for them in PyTorch. */
  averaged: boolean;
}

export class ExponentialMovingAverage {
  private readonly slots: Slot[];
  private n = 0;
  private swapped = false;

  constructor(private readonly model: Module, readonly decay: number) {
    if (!(decay >= 0 && decay < 1)) throw new MnistLabError(`EMA decay must be in [0, 1), got ${decay}; 0.999 is typical`);
    this.slots = [...model.stateDict()].map(([name, t]) => ({
      name,
      target: t.data,
      average: new Float32Array(t.data.length),
      stash: new Float32Array(t.data.length),
      averaged: !(t instanceof Buffer && t.dtype === 'int64'),
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
      if (this.n === 0 || !s.averaged) {
        average.set(target);
        continue;
      }
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
