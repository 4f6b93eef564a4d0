/**
 * Runs an exported graph on the engine's own ops, to check it against the model before it is
 * written: the same kernels run both, so any difference beyond float rounding (of folded weights)
 * means the graph does not describe the model's forward pass, a bug in its description.
 */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/grad-mode.js';
import { conv2d } from '../tensor/ops/conv2d.js';
import { batchNorm } from '../tensor/ops/batch-norm.js';
import { leakyRelu, relu, sigmoid, tanh } from '../tensor/ops/activations.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../tensor/ops/pool2d.js';
import { linear } from '../tensor/ops/linear.js';
import { flatten, reshape } from '../tensor/ops/reshape.js';
import { logSoftmax, softmax } from '../tensor/ops/softmax.js';
import type { OnnxGraph, OnnxNode } from './onnx-graph.js';

function attr(node: OnnxNode, name: string): number | readonly number[] | undefined {
  return node.attributes.find((a) => a.name === name)?.value;
}

function ints(node: OnnxNode, name: string): [number, number] {
  const v = attr(node, name) as readonly number[];
  return [v[0]!, v[1]!];
}

/** The graph's output for the input batch x ([N, 1, 28, 28]), computed with the engine's ops. */
export function runGraph(graph: OnnxGraph, x: Tensor): Tensor {
  return noGrad(() => {
    const values = new Map<string, Tensor>([[graph.input.name, x]]);
    for (const [name, t] of graph.initializers) values.set(name, Tensor.from(t.data, t.dims));
    const get = (name: string | undefined): Tensor => {
      const v = name === undefined ? undefined : values.get(name);
      if (!v) throw new Error(`onnx-check: no value named ${name}`);
      return v;
    };
    for (const node of graph.nodes) {
      const [a, b, c] = node.inputs;
      let y: Tensor;
      switch (node.opType) {
        case 'Conv':
          y = conv2d(get(a), get(b), c ? get(c) : null, { stride: ints(node, 'strides'), padding: ints(node, 'pads'), dilation: ints(node, 'dilations'), groups: attr(node, 'group') as number });
          break;
        case 'BatchNormalization':
          y = batchNorm(get(a), get(node.inputs[3]), get(node.inputs[4]), get(b), get(c), { training: false, eps: attr(node, 'epsilon') as number });
          break;
        case 'Gemm':
          y = linear(get(a), get(b), c ? get(c) : null);
          break;
        case 'Relu': y = relu(get(a)); break;
        case 'LeakyRelu': y = leakyRelu(get(a), attr(node, 'alpha') as number); break;
        case 'Sigmoid': y = sigmoid(get(a)); break;
        case 'Tanh': y = tanh(get(a)); break;
        case 'MaxPool':
          y = maxPool2d(get(a), ints(node, 'kernel_shape'), { stride: ints(node, 'strides'), padding: ints(node, 'pads') });
          break;
        case 'AveragePool':
          y = avgPool2d(get(a), ints(node, 'kernel_shape'), { stride: ints(node, 'strides'), padding: ints(node, 'pads'), countIncludePad: attr(node, 'count_include_pad') === 1 });
          break;
        case 'GlobalAveragePool': y = adaptiveAvgPool2d(get(a), 1); break;
        case 'Flatten': y = flatten(get(a), 1); break;
        case 'Reshape': y = reshape(get(a), Array.from(get(b).data)); break;
        case 'LogSoftmax': y = logSoftmax(get(a), attr(node, 'axis') as number); break;
        case 'Softmax': y = softmax(get(a), attr(node, 'axis') as number); break;
        default: throw new Error(`onnx-check: no engine op for ONNX ${node.opType}`);
      }
      values.set(node.outputs[0]!, y);
    }
    return get(graph.output.name);
  });
}
