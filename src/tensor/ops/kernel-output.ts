/**
 * Buffers that a kernel overwrites completely (op outputs, input gradients). They go through the
 * scope allocator like every other buffer, but tell the backend first that the contents will be
 * overwritten, so a pooling backend can skip zeroing a reused block: at batch 128, zeroing the
 * activations and gradients of mnist8k-m3 cost about 7 ms of a 30 ms training step.
 * Only use these where the backend kernel (every backend's) writes every element.
 */
import { allocFloat32, allocInt32 } from '../memory-scope.js';
import { getBackend } from '../../backend/current.js';

export function allocKernelOutput(size: number): Float32Array {
  getBackend().nextAllocOverwritten?.();
  return allocFloat32(size);
}

export function allocKernelOutputInt32(size: number): Int32Array {
  getBackend().nextAllocOverwritten?.();
  return allocInt32(size);
}
