/**
 * An ONNX graph under construction, in plain data (nodes, attributes, initializers), before any
 * protobuf: the builder emits one ONNX node per engine op of a model's forward pass in eval mode, and
 * tracks each value's shape (batch dimension -1) so that pooling and reshapes can be checked against
 * what the engine would do. Parameters become initializers under their state_dict names.
 *
 * Eval-mode semantics: dropout is the identity and is not emitted; BatchNorm uses its running
 * statistics (BatchNormalization, or folded into the preceding Conv/Gemm by fold-bn.ts).
 */
import type { Module } from '../nn/module.js';
import { Conv2d } from '../nn/layers/conv2d.js';
import { Linear } from '../nn/layers/linear.js';
import { BatchNormBase } from '../nn/layers/batch-norm.js';
import { LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from '../nn/layers/activations.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../nn/layers/pooling.js';
import { Dropout, Dropout2d } from '../nn/layers/dropout.js';
import { Flatten } from '../nn/layers/flatten.js';
import { Sequential } from '../nn/layers/sequential.js';
import { pair, type Pair } from '../tensor/ops/conv2d.js';
import type { Tensor } from '../tensor/tensor.js';
import { MnistLabError } from '../util/errors.js';

export type OnnxAttribute =
  | { readonly name: string; readonly kind: 'int'; readonly value: number }
  | { readonly name: string; readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly name: string; readonly kind: 'float'; readonly value: number };

export interface OnnxNode {
  readonly opType: string;
  readonly name: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxInitializer {
  readonly name: string;
  dims: number[];
  readonly dataType: 'float' | 'int64';
  data: Float32Array;
}

export interface OnnxGraph {
  readonly name: string;
  nodes: OnnxNode[];
  /** By name, in the order they were added. */
  initializers: Map<string, OnnxInitializer>;
  readonly input: { readonly name: string; readonly shape: readonly number[] };
  readonly output: { readonly name: string; readonly shape: readonly number[] };
}

/** A value in the graph: its name and its shape, -1 standing for the batch dimension. */
export interface Value {
  readonly name: string;
  readonly shape: readonly number[];
}

export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'log_probs';

/** The leaf modules the builder maps to ONNX, for the refusal message. */
const SUPPORTED = 'Conv2d (groups and depthwise included), BatchNorm1d/2d, ReLU, LeakyReLU, Sigmoid, Tanh, MaxPool2d, AvgPool2d, ' +
  'AdaptiveAvgPool2d, Dropout/Dropout2d (dropped: eval mode), Linear, Flatten, LogSoftmax, Softmax, Sequential';

export class OnnxGraphBuilder {
  readonly input: Value;
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers = new Map<string, OnnxInitializer>();
  private readonly paths = new Map<Module, string>();
  private readonly counts = new Map<string, number>();

  constructor(readonly model: Module, inputShape: readonly number[] = [1, 28, 28]) {
    for (const [path, m] of model.namedModules()) if (!this.paths.has(m)) this.paths.set(m, path);
    this.input = { name: INPUT_NAME, shape: [-1, ...inputShape] };
  }

  /** The module's state_dict prefix ("conv1", "blocks.0.depthwise"); the model itself is "". */
  pathOf(m: Module): string {
    const p = this.paths.get(m);
    if (p === undefined) throw new Error(`export: a ${m.typeName} that is not part of the model was used`);
    return p;
  }

  /** Any supported leaf module, or a Sequential of them, applied to x; anything else is refused by name. */
  module(m: Module, x: Value): Value {
    if (m instanceof Sequential) {
      for (let i = 0; i < m.length; i++) x = this.module(m.at(i), x);
      return x;
    }
    if (m instanceof Conv2d) return this.conv(m, x);
    if (m instanceof BatchNormBase) return this.batchNorm(m, x);
    if (m instanceof Linear) return this.linear(m, x);
    if (m instanceof ReLU) return this.relu(x);
    if (m instanceof LeakyReLU) return this.unary('LeakyRelu', x, [{ name: 'alpha', kind: 'float', value: m.negativeSlope }]);
    if (m instanceof Sigmoid) return this.unary('Sigmoid', x);
    if (m instanceof Tanh) return this.unary('Tanh', x);
    if (m instanceof MaxPool2d) return this.maxPool(x, m.kernelSize, m.options);
    if (m instanceof AvgPool2d) return this.avgPool(x, m.kernelSize, m.options);
    if (m instanceof AdaptiveAvgPool2d) return this.adaptiveAvgPool(x, m.outputSize);
    if (m instanceof Dropout || m instanceof Dropout2d) return x;
    if (m instanceof Flatten) return this.flatten(x, m.startDim, m.endDim);
    if (m instanceof LogSoftmax) return this.logSoftmax(x, m.dim);
    if (m instanceof Softmax) return this.softmax(x, m.dim);
    throw unsupported(this.pathOf(m), m.typeName);
  }

  conv(m: Conv2d, x: Value): Value {
    const [n, c, h, w] = expectRank(x, 4, 'Conv');
    if (c !== m.inChannels && c !== -1) throw new Error(`export: ${this.pathOf(m)} expects ${m.inChannels} channels, got ${c}`);
    const [kh, kw] = [m.weight.shape[2]!, m.weight.shape[3]!];
    const out = (size: number, k: number, i: 0 | 1): number => Math.floor((size + 2 * m.padding[i] - m.dilation[i] * (k - 1) - 1) / m.stride[i]) + 1;
    const inputs = [x.name, this.param(m, 'weight', m.weight)];
    if (m.bias) inputs.push(this.param(m, 'bias', m.bias));
    return this.node('Conv', inputs, [n, m.outChannels, out(h, kh, 0), out(w, kw, 1)], [
      { name: 'dilations', kind: 'ints', value: [...m.dilation] },
      { name: 'group', kind: 'int', value: m.groups },
      { name: 'kernel_shape', kind: 'ints', value: [kh, kw] },
      { name: 'pads', kind: 'ints', value: [m.padding[0], m.padding[1], m.padding[0], m.padding[1]] },
      { name: 'strides', kind: 'ints', value: [...m.stride] },
    ], this.pathOf(m));
  }

  batchNorm(m: BatchNormBase, x: Value): Value {
    const path = this.pathOf(m);
    if (!m.running_mean || !m.running_var) throw new MnistLabError(`export: ${path} (${m.typeName}) tracks no running statistics, so it has no eval-mode form to export`);
    if (x.shape.length < 2 || x.shape[1] !== m.numFeatures) throw new Error(`export: ${path} expects ${m.numFeatures} features, got shape [${x.shape.join(', ')}]`);
    const ones = new Float32Array(m.numFeatures).fill(1);
    const zeros = new Float32Array(m.numFeatures);
    const scale = m.weight ? this.param(m, 'weight', m.weight) : this.constant(`${path}.weight`, [m.numFeatures], ones);
    const bias = m.bias ? this.param(m, 'bias', m.bias) : this.constant(`${path}.bias`, [m.numFeatures], zeros);
    const inputs = [x.name, scale, bias, this.param(m, 'running_mean', m.running_mean), this.param(m, 'running_var', m.running_var)];
    return this.node('BatchNormalization', inputs, x.shape, [{ name: 'epsilon', kind: 'float', value: m.eps }], path);
  }

  linear(m: Linear, x: Value): Value {
    const [n, f] = expectRank(x, 2, 'Gemm');
    if (f !== m.inFeatures) throw new Error(`export: ${this.pathOf(m)} expects ${m.inFeatures} features, got ${f}`);
    const inputs = [x.name, this.param(m, 'weight', m.weight)];
    if (m.bias) inputs.push(this.param(m, 'bias', m.bias));
    return this.node('Gemm', inputs, [n, m.outFeatures], [{ name: 'transB', kind: 'int', value: 1 }], this.pathOf(m));
  }

  relu(x: Value): Value {
    return this.unary('Relu', x);
  }

  maxPool(x: Value, kernelSize: Pair, options: { stride?: Pair; padding?: Pair } = {}): Value {
    return this.pool('MaxPool', x, kernelSize, options, []);
  }

  avgPool(x: Value, kernelSize: Pair, options: { stride?: Pair; padding?: Pair; countIncludePad?: boolean } = {}): Value {
    return this.pool('AveragePool', x, kernelSize, options, [{ name: 'count_include_pad', kind: 'int', value: options.countIncludePad ?? true ? 1 : 0 }]);
  }

  /** PyTorch's adaptive average pool: GlobalAveragePool for 1x1, AveragePool where the windows tile the map evenly. */
  adaptiveAvgPool(x: Value, outputSize: Pair): Value {
    const [, , h, w] = expectRank(x, 4, 'AdaptiveAvgPool2d');
    const [oh, ow] = pair(outputSize);
    if (oh === 1 && ow === 1) return this.node('GlobalAveragePool', [x.name], [x.shape[0]!, x.shape[1]!, 1, 1], []);
    if (h % oh !== 0 || w % ow !== 0) {
      throw new MnistLabError(`export: adaptive average pooling of a ${h}x${w} map to ${oh}x${ow} has uneven windows, which ONNX's AveragePool cannot express`);
    }
    return this.avgPool(x, [h / oh, w / ow]);
  }

  flatten(x: Value, startDim = 1, endDim = -1): Value {
    const rank = x.shape.length;
    const start = startDim < 0 ? startDim + rank : startDim;
    const end = endDim < 0 ? endDim + rank : endDim;
    if (start !== 1 || end !== rank - 1) throw new MnistLabError(`export: flatten(${startDim}, ${endDim}) of a rank-${rank} value has no ONNX Flatten form (only flatten(1) is supported)`);
    const features = x.shape.slice(1).reduce((p, d) => p * d, 1);
    return this.node('Flatten', [x.name], [x.shape[0]!, features], [{ name: 'axis', kind: 'int', value: 1 }]);
  }

  /** view/reshape to [-1, ...rest]: the batch dimension stays symbolic. */
  reshape(x: Value, shape: readonly number[]): Value {
    const rest = shape.slice(1);
    const per = x.shape.slice(1).reduce((p, d) => p * d, 1);
    if (shape[0] !== -1 || rest.some((d) => d < 1) || rest.reduce((p, d) => p * d, 1) !== per) {
      throw new MnistLabError(`export: reshape of [${x.shape.join(', ')}] to [${shape.join(', ')}] must keep the batch dimension as -1`);
    }
    const target = this.constant(`${x.name}_shape`, [shape.length], Float32Array.from(shape), 'int64');
    return this.node('Reshape', [x.name, target], [-1, ...rest], []);
  }

  logSoftmax(x: Value, dim: number): Value {
    return this.node('LogSoftmax', [x.name], x.shape, [{ name: 'axis', kind: 'int', value: dim }]);
  }

  softmax(x: Value, dim: number): Value {
    return this.node('Softmax', [x.name], x.shape, [{ name: 'axis', kind: 'int', value: dim }]);
  }

  finish(output: Value): OnnxGraph {
    const last = this.nodes[this.nodes.length - 1];
    if (!last || last.outputs[0] !== output.name) throw new Error('export: the output must be the last node emitted');
    last.outputs[0] = OUTPUT_NAME;
    return {
      name: this.model.typeName,
      nodes: this.nodes,
      initializers: this.initializers,
      input: this.input,
      output: { name: OUTPUT_NAME, shape: output.shape },
    };
  }

  private unary(opType: string, x: Value, attributes: OnnxAttribute[] = []): Value {
    return this.node(opType, [x.name], x.shape, attributes);
  }

  private pool(opType: 'MaxPool' | 'AveragePool', x: Value, kernelSize: Pair, options: { stride?: Pair; padding?: Pair }, extra: OnnxAttribute[]): Value {
    const [n, c, h, w] = expectRank(x, 4, opType);
    const k = pair(kernelSize);
    const s = pair(options.stride ?? k);
    const p = pair(options.padding ?? 0);
    const out = (size: number, i: 0 | 1): number => Math.floor((size + 2 * p[i] - k[i]) / s[i]) + 1;
    return this.node(opType, [x.name], [n, c, out(h, 0), out(w, 1)], [
      ...extra,
      { name: 'kernel_shape', kind: 'ints', value: k },
      { name: 'pads', kind: 'ints', value: [p[0], p[1], p[0], p[1]] },
      { name: 'strides', kind: 'ints', value: s },
    ]);
  }

  private node(opType: string, inputs: string[], shape: readonly number[], attributes: OnnxAttribute[], path?: string): Value {
    const count = (this.counts.get(opType) ?? 0) + 1;
    this.counts.set(opType, count);
    const name = path ? `${path}:${opType}` : `${opType}_${count}`;
    const output = `${name}_out`;
    this.nodes.push({ opType, name, inputs, outputs: [output], attributes });
    return { name: output, shape };
  }

  /** A parameter or buffer of a module, as an initializer named by its state_dict key. */
  private param(m: Module, key: string, t: Tensor): string {
    const path = this.pathOf(m);
    const name = path ? `${path}.${key}` : key;
    if (!this.initializers.has(name)) this.initializers.set(name, { name, dims: [...t.shape], dataType: 'float', data: Float32Array.from(t.data) });
    return name;
  }

  private constant(name: string, dims: number[], data: Float32Array, dataType: 'float' | 'int64' = 'float'): string {
    if (!this.initializers.has(name)) this.initializers.set(name, { name, dims, dataType, data });
    return name;
  }
}

function expectRank(x: Value, rank: number, op: string): number[] {
  if (x.shape.length !== rank) throw new Error(`export: ${op} expects a rank-${rank} value, got [${x.shape.join(', ')}]`);
  return [...x.shape];
}

export function unsupported(path: string, typeName: string): MnistLabError {
  return new MnistLabError(`export: cannot export ${path ? `'${path}' ` : ''}(${typeName}) to ONNX: no ONNX form for ${typeName}; supported: ${SUPPORTED}`);
}
