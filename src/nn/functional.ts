/** torch.nn.functional under PyTorch's names. */
export {
  conv2d, maxPool2d, avgPool2d, adaptiveAvgPool2d, batchNorm, dropout, dropout2d, linear,
  relu, leakyRelu, gelu, sigmoid, tanh, softmax, logSoftmax, nllLoss, crossEntropy,
} from '../tensor/ops/index.js';
