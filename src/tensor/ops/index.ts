/** Every op, for the Tensor methods and the nn functional API. */
export { add, sub, mul, div } from './binary.js';
export { reshape, flatten } from './reshape.js';
export { sum, mean } from './reduce.js';
export { matmul } from './matmul.js';
export { relu, leakyRelu, gelu, sigmoid, tanh, exp, log } from './activations.js';
export { softmax, logSoftmax, argmaxRows } from './softmax.js';
export { conv2d, type Conv2dOptions, type Pair } from './conv2d.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, type Pool2dOptions, type AvgPool2dOptions } from './pool2d.js';
export { batchNorm, type BatchNormOptions } from './batch-norm.js';
export { dropout, dropout2d } from './dropout.js';
export { batchNormReluDropout, type BatchNormReluDropoutOptions } from './batch-norm-relu-dropout.js';
export { linear } from './linear.js';
export { nllLoss, crossEntropy, type Reduction, type Targets, type NllLossOptions, type CrossEntropyOptions } from './loss.js';
