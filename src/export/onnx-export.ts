/**
 * Exports a model to ONNX (opset 17) for deployment: the eval-mode forward pass, from normalised
 * [N, 1, 28, 28] images (input "input", N free) to the [N, 10] log-probabilities every zoo model returns
 * (output "log_probs"). BatchNorm stays BatchNormalization, or with `foldBn` is folded into the conv
 * (or linear layer) before it. safetensors stays the checkpoint format; ONNX is for serving.
 *
 * The graph comes from the model's export description (model-graphs.ts). Before anything is written
 * the exporter checks that the graph uses every parameter and buffer of the model and that it
 * reproduces the model's output on a fixed batch when run with the engine's own ops (onnx-check.ts).
 */
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/grad-mode.js';
import { scope } from '../tensor/memory-scope.js';
import { mnistLabVersion } from '../util/version.js';
import { MNIST_MEAN, MNIST_STD } from '../data/transforms/normalize.js';
import { OnnxGraphBuilder, type OnnxGraph } from './onnx-graph.js';
import { emitModel } from './model-graphs.js';
import { foldBatchNorms } from './fold-bn.js';
import { runGraph } from './onnx-check.js';
import { onnxModelProto } from './onnx-schema.js';

export const ONNX_OPSET = 17;
/** The IR version that ONNX 1.12 introduced with opset 17. */
export const ONNX_IR_VERSION = 8;

export interface OnnxExportOptions {
  /** Fold each BatchNorm that follows a conv or linear layer into its weights. */
  foldBn?: boolean;
  /** The zoo name, recorded in the model's metadata. */
  modelName?: string;
}

export interface OnnxExport {
  bytes: Uint8Array;
  graph: OnnxGraph;
  /** BatchNorm layers folded, and kept as BatchNormalization nodes. */
  foldedBn: number;
  keptBn: number;
}

/** The ONNX graph of the model's eval-mode forward pass, checked against the model. */
export function buildOnnxGraph(model: Module, options: OnnxExportOptions = {}): { graph: OnnxGraph; foldedBn: number; keptBn: number } {
  const wasTraining = model.training;
  model.eval();
  try {
    const builder = new OnnxGraphBuilder(model);
    const graph = builder.finish(emitModel(builder, model));
    checkEveryTensorUsed(model, graph);
    const bnCount = graph.nodes.filter((n) => n.opType === 'BatchNormalization').length;
    const { folded, kept } = options.foldBn ? foldBatchNorms(graph) : { folded: 0, kept: bnCount };
    checkAgainstModel(model, graph);
    return { graph, foldedBn: folded, keptBn: kept };
  } finally {
    model.train(wasTraining);
  }
}

export function exportOnnx(model: Module, options: OnnxExportOptions = {}): OnnxExport {
  const { graph, foldedBn, keptBn } = buildOnnxGraph(model, options);
  return { bytes: encodeModel(graph, options.modelName ?? model.typeName, foldedBn), graph, foldedBn, keptBn };
}

/** Every state_dict entry but BN's batch counter must feed the graph (before folding). */
function checkEveryTensorUsed(model: Module, graph: OnnxGraph): void {
  const missing = [...model.stateDict().keys()].filter((k) => !k.endsWith('num_batches_tracked') && !graph.initializers.has(k));
  if (missing.length) throw new Error(`export: the ONNX description of ${model.typeName} leaves out ${missing.join(', ')}; it no longer matches the model's forward`);
}

/** Deterministic images in roughly the normalised MNIST range, some of it blank, some bright. */
function probeBatch(n: number): Tensor {
  const data = Float32Array.from({ length: n * 784 }, (_, i) => {
    const v = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
    const u = v - Math.floor(v);
    return u < 0.6 ? -MNIST_MEAN / MNIST_STD : (u - MNIST_MEAN) / MNIST_STD;
  });
  return Tensor.from(data, [n, 1, 28, 28]);
}

function checkAgainstModel(model: Module, graph: OnnxGraph): void {
  scope(() => {
    const x = probeBatch(4);
    const expected = noGrad(() => model.call(x)).data;
    const got = runGraph(graph, x).data;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
    if (got.length !== expected.length || !(worst <= 1e-4)) {
      throw new Error(`export: the ONNX graph of ${model.typeName} does not reproduce the model (relative difference ${worst}); its export description no longer matches its forward`);
    }
  });
}

function encodeModel(graph: OnnxGraph, modelName: string, foldedBn: number): Uint8Array {
  const ModelProto = onnxModelProto();
  const valueInfo = (v: { name: string; shape: readonly number[] }): object => ({
    name: v.name,
    type: { tensor_type: { elem_type: 1, shape: { dim: v.shape.map((d) => (d < 0 ? { dim_param: 'N' } : { dim_value: d })) } } },
  });
  const message = ModelProto.fromObject({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'mnist-lab',
    producer_version: mnistLabVersion(),
    doc_string: `${modelName}: log-probabilities of the digits 0-9 for 28x28 images scaled to [0, 1] then normalised with mean ${MNIST_MEAN} and std ${MNIST_STD}`,
    metadata_props: [
      { key: 'mnist_lab_model', value: modelName },
      { key: 'normalize_mean', value: String(MNIST_MEAN) },
      { key: 'normalize_std', value: String(MNIST_STD) },
      { key: 'batchnorm_folded', value: String(foldedBn) },
    ],
    graph: {
      name: graph.name,
      node: graph.nodes.map((n) => ({
        name: n.name,
        op_type: n.opType,
        input: n.inputs,
        output: n.outputs,
        attribute: n.attributes.map((a) =>
          a.kind === 'int' ? { name: a.name, type: 'INT', i: a.value }
            : a.kind === 'ints' ? { name: a.name, type: 'INTS', ints: [...a.value] }
              : { name: a.name, type: 'FLOAT', f: a.value }),
      })),
      initializer: [...graph.initializers.values()].map((t) =>
        t.dataType === 'float'
          ? { name: t.name, dims: t.dims, data_type: 1, float_data: Array.from(t.data) }
          : { name: t.name, dims: t.dims, data_type: 7, int64_data: Array.from(t.data) }),
      input: [valueInfo(graph.input)],
      output: [valueInfo(graph.output)],
    },
  });
  return ModelProto.encode(message).finish();
}
