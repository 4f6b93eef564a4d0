/** The reference backend: plain TypeScript kernels on ordinary Float32Arrays, single-threaded. */
import type { Backend } from '../backend.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.js';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from './pool2d.js';
import {
  batchNormBackward, batchNormEvalForward, batchNormReluDropoutBackward, batchNormReluDropoutForward, batchNormTrainForward,
} from './batch-norm.js';
import { dropoutForward, multiply, reluBackward, reluForward } from './elementwise.js';
import { matmul } from './matmul.js';

export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    threads: 1,
    alloc: (size) => new Float32Array(size),
    allocInt32: (size) => new Int32Array(size),
    release: () => {},
    conv2dForward,
    conv2dBackwardInput,
    conv2dBackwardWeight,
    matmul,
    batchNormTrainForward,
    batchNormEvalForward,
    batchNormBackward,
    batchNormReluDropoutForward,
    batchNormReluDropoutBackward,
    maxPool2dForward,
    maxPool2dBackward,
    avgPool2dForward,
    avgPool2dBackward,
    reluForward,
    reluBackward,
    multiply,
    dropoutForward,
  };
}
