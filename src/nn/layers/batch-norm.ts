/** BatchNorm1d and BatchNorm2d with PyTorch's defaults: momentum 0.1, eps 1e-5, affine, running stats. */
import { Module } from '../module.js';
import { Buffer, Parameter } from '../parameter.js';
import type { Tensor } from '../../tensor/tensor.js';
import { batchNorm } from '../../tensor/ops/batch-norm.js';
import { formatShape } from '../../tensor/shape.js';

export interface BatchNormConfig {
  eps?: number;
  /** null means a cumulative moving average, as in PyTorch. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** What BatchNorm1d and BatchNorm2d share; PyTorch's `_BatchNorm`, for code that treats every BN layer alike. */
export abstract class BatchNormBase extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly running_mean: Buffer | null;
  readonly running_var: Buffer | null;
  readonly num_batches_tracked: Buffer | null;
  readonly eps: number;
  /** Mutable, as in PyTorch: update_bn switches it to null (a cumulative average) for one pass. */
  momentum: number | null;

  constructor(readonly numFeatures: number, config: BatchNormConfig = {}) {
    super();
    this.eps = config.eps ?? 1e-5;
    this.momentum = config.momentum === undefined ? 0.1 : config.momentum;
    const affine = config.affine ?? true;
    this.weight = affine ? new Parameter([numFeatures]) : null;
    this.bias = affine ? new Parameter([numFeatures]) : null;
    this.weight?.data.fill(1);
    const track = config.trackRunningStats ?? true;
    this.running_mean = track ? new Buffer([numFeatures]) : null;
    this.running_var = track ? new Buffer([numFeatures]) : null;
    this.running_var?.data.fill(1);
    this.num_batches_tracked = track ? new Buffer([], 'int64') : null;
  }

  /** PyTorch's reset_running_stats: mean 0, variance 1, no batches tracked. */
  resetRunningStats(): void {
    this.running_mean?.data.fill(0);
    this.running_var?.data.fill(1);
    this.num_batches_tracked?.data.fill(0);
  }

  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    let momentum = this.momentum ?? 0;
    if (this.training && this.num_batches_tracked) {
      this.num_batches_tracked.data[0]! += 1;
      if (this.momentum === null) momentum = 1 / this.num_batches_tracked.data[0]!;
    }
    return batchNorm(x, this.running_mean, this.running_var, this.weight, this.bias, { training: this.training, momentum, eps: this.eps });
  }
}

export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`BatchNorm1d: expected 2-d or 3-d input, got ${formatShape(x.shape)}`);
  }
}

export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) throw new Error(`BatchNorm2d: expected 4-d input, got ${formatShape(x.shape)}`);
  }
}
