/**
 * Parameter and Buffer mark a module's tensors the way nn.Parameter and register_buffer do, so
 * that Module can discover them from its own properties in declaration order (PyTorch's order).
 */
import { Tensor } from '../tensor/tensor.js';
import { allocPersistent } from '../tensor/memory-scope.js';
import type { Shape } from '../tensor/shape.js';

export class Parameter extends Tensor {
  constructor(shape: Shape) {
    super(allocPersistent(shape.reduce((p, d) => p * d, 1)), shape, true, false);
  }
}

/** What a buffer holds in PyTorch; only affects how checkpoints store it (num_batches_tracked is int64). */
export type BufferDtype = 'float32' | 'int64';

export class Buffer extends Tensor {
  constructor(shape: Shape, readonly dtype: BufferDtype = 'float32') {
    super(allocPersistent(shape.reduce((p, d) => p * d, 1)), shape, false, false);
  }
}
