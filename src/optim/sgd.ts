/**
 * Stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD 1.13 computes it:
 *   g = ±grad + weight_decay * p
 *   b = g on the first step, else momentum * b + (1 - dampening) * g
 *   g = nesterov ? g + momentum * b : b          (only when momentum != 0)
 *   p = p - lr * g
 * Note PyTorch's form: lr multiplies the buffer at update time, not when accumulating into it.
 */
import type { Tensor } from '../tensor/tensor.js';
import { allocPersistent } from '../tensor/memory-scope.js';
import { MnistLabError } from '../util/errors.js';
import {
  type LoadedParamState,
  Optimizer,
  type ParamGroup,
  type ParamsInput,
  checkRange,
  loadStateTensor,
} from './optimizer.js';

export interface SGDParamGroup extends ParamGroup {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

/** PyTorch keeps momentum_buffer = None for every stepped param until momentum is in use. */
export type SGDState = { momentum_buffer: Float32Array | null };

export class SGD extends Optimizer<SGDParamGroup, SGDState> {
  constructor(params: ParamsInput<SGDParamGroup>, options: SGDOptions) {
    super(params, {
      lr: options.lr,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    });
  }

  step(): void {
    // Indexed loops: a training step must not allocate, not even iterator objects.
    for (let gi = 0; gi < this.paramGroups.length; gi++) {
      const group = this.paramGroups[gi]!;
      const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
      for (let pi = 0; pi < group.params.length; pi++) {
        const p = group.params[pi]!;
        if (p.grad === null) continue;
        let state = this.state.get(p);
        if (state === undefined) {
          state = { momentum_buffer: null };
          this.state.set(p, state);
        }
        const x = p.data;
        const grad = p.grad.data;
        const n = x.length;
        // Separate loops per case, because V8 does not hoist loop-invariant branches out of a loop.
        // sign * grad is exact, so maximize costs nothing in accuracy.
        const sign = maximize ? -1 : 1;
        if (momentum === 0) {
          for (let i = 0; i < n; i++) x[i] = x[i]! - lr * (sign * grad[i]! + weightDecay * x[i]!);
          continue;
        }
        let buf = state.momentum_buffer;
        if (buf === null) {
          buf = state.momentum_buffer = allocPersistent(n);
          for (let i = 0; i < n; i++) {
            const g = sign * grad[i]! + weightDecay * x[i]!;
            buf[i] = g;
            // Read back the stored (float32) buffer value, as PyTorch's float32 tensor math does.
            x[i] = x[i]! - lr * (nesterov ? g + momentum * buf[i]! : buf[i]!);
          }
          continue;
        }
        const keep = 1 - dampening;
        if (nesterov) {
          for (let i = 0; i < n; i++) {
            const g = sign * grad[i]! + weightDecay * x[i]!;
            buf[i] = momentum * buf[i]! + keep * g;
            x[i] = x[i]! - lr * (g + momentum * buf[i]!);
          }
        } else {
          for (let i = 0; i < n; i++) {
            buf[i] = momentum * buf[i]! + keep * (sign * grad[i]! + weightDecay * x[i]!);
            x[i] = x[i]! - lr * buf[i]!;
          }
        }
      }
    }
  }

  protected validateGroup(group: SGDParamGroup): void {
    const owner = 'SGD';
    checkRange(owner, 'learning rate', group.lr, group.lr >= 0, 'must be >= 0');
    checkRange(owner, 'momentum', group.momentum, group.momentum >= 0, 'must be >= 0');
    checkRange(owner, 'weight_decay', group.weightDecay, group.weightDecay >= 0, 'must be >= 0');
    checkRange(owner, 'dampening', group.dampening, Number.isFinite(group.dampening), 'must be a finite number');
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new MnistLabError('SGD: Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected stateFromDict(saved: LoadedParamState, param: Tensor, _group: SGDParamGroup, where: string): SGDState {
    const buffer = saved['momentum_buffer'];
    return { momentum_buffer: buffer === null || buffer === undefined ? null : loadStateTensor(saved, 'momentum_buffer', param, where) };
  }
}
