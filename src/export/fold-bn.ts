/**
 * BatchNorm folding: a BatchNormalization whose input is the output of a Conv (or Gemm) used by nothing
 * else becomes part of that node's weights, as in eval mode it is an affine map per channel:
 * y = (x - mean) · s + beta with s = gamma / sqrt(var + eps), so W'[o] = W[o] · s[o] and
 * b'[o] = (b[o] - mean[o]) · s[o] + beta[o]. Computed in double, stored as float32. A BatchNorm after
 * anything else (after a ReLU, as some seeds order their blocks) is kept as it is.
 */
import type { OnnxGraph, OnnxInitializer, OnnxNode } from './onnx-graph.js';

export interface FoldResult {
  folded: number;
  kept: number;
}

export function foldBatchNorms(graph: OnnxGraph): FoldResult {
  let folded = 0;
  let kept = 0;
  const consumers = (value: string): OnnxNode[] => graph.nodes.filter((n) => n.inputs.includes(value));
  for (const bn of [...graph.nodes]) {
    if (bn.opType !== 'BatchNormalization') continue;
    const producer = graph.nodes.find((n) => n.outputs[0] === bn.inputs[0]);
    if (!producer || (producer.opType !== 'Conv' && producer.opType !== 'Gemm') || consumers(producer.outputs[0]!).length !== 1) {
      kept++;
      continue;
    }
    const get = (name: string): OnnxInitializer => {
      const t = graph.initializers.get(name);
      if (!t) throw new Error(`fold-bn: ${name} is not an initializer`);
      return t;
    };
    const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((n) => get(n).data) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const eps = bn.attributes.find((a) => a.name === 'epsilon')?.value as number;
    const weight = get(producer.inputs[1]!);
    const channels = weight.dims[0]!;
    const perChannel = weight.data.length / channels;
    const scale = Float64Array.from(gamma, (g, c) => g / Math.sqrt(variance[c]! + eps));
    // New initializers (never modify ones another node might share), named after the folded pair.
    const foldedWeight = Float32Array.from(weight.data, (w, i) => w * scale[Math.floor(i / perChannel)]!);
    const oldBias = producer.inputs[2] ? get(producer.inputs[2]).data : new Float32Array(channels);
    const foldedBias = Float32Array.from(oldBias, (b, c) => (b - mean[c]!) * scale[c]! + beta[c]!);
    const wName = `${weight.name}_bn_folded`;
    const bName = `${producer.inputs[2] ?? weight.name.replace(/weight$/, 'bias')}_bn_folded`;
    graph.initializers.set(wName, { name: wName, dims: [...weight.dims], dataType: 'float', data: foldedWeight });
    graph.initializers.set(bName, { name: bName, dims: [channels], dataType: 'float', data: foldedBias });
    producer.inputs = [producer.inputs[0]!, wName, bName];
    producer.outputs = [...bn.outputs];
    graph.nodes.splice(graph.nodes.indexOf(bn), 1);
    folded++;
  }
  // Drop initializers no node reads any more (the BN statistics, the unfolded weights).
  const used = new Set(graph.nodes.flatMap((n) => n.inputs));
  for (const name of [...graph.initializers.keys()]) if (!used.has(name)) graph.initializers.delete(name);
  return { folded, kept };
}
