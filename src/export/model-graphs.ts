/**
 * How each zoo architecture's forward pass maps to ONNX nodes: one function per model class,
 * mirroring its `forward` in eval mode on the graph builder (the same ops in the same order), found by
 * walking the class chain (so Mnist8kM3 uses GapNet's). A plain Sequential needs none.
 *
 * Why descriptions rather than tracing: the engine records each op's name and inputs in the autograd
 * graph but not its attributes (a pool's kernel and stride, a flatten's dims), and functional ops
 * (relu, max_pool2d, log_softmax called inside forward) cannot be intercepted without changing the
 * ops, so a trace would have to guess. A description names every attribute explicitly, reads the
 * modules' own configuration (kernel, stride, padding, groups, eps), and refuses what it does not
 * know by name. Drift between a description and its model's forward cannot go unnoticed: the exporter
 * checks that every parameter was used and runs the graph against the model before writing it
 * (onnx-check.ts), and the tests compare onnxruntime with the engine for every zoo model.
 */
import type { Module } from '../nn/module.js';
import type { Conv2d } from '../nn/layers/conv2d.js';
import type { BatchNorm2d } from '../nn/layers/batch-norm.js';
import { Sequential } from '../nn/layers/sequential.js';
import { GapNet } from '../models/gap-net.js';
import { SepGapNet, SeparableBlock } from '../models/sep-gap-net.js';
import { BaselineFc } from '../models/baseline-fc.js';
import { Session5Net } from '../models/seeds/session5-net.js';
import { SkeletonNet } from '../models/seeds/skeleton-net.js';
import { Mnist8kModel1, Mnist8kModel2, Mnist8kModel3 } from '../models/seeds/mnist8k-models.js';
import { CnnMnist3Net } from '../models/seeds/cnn-mnist3-net.js';
import { BasicCnn } from '../models/seeds/basic-cnn.js';
import { MnistLabError } from '../util/errors.js';
import type { OnnxGraphBuilder, Value } from './onnx-graph.js';

type ExportForward<M extends Module> = (g: OnnxGraphBuilder, model: M, x: Value) => Value;

interface Description<M extends Module> {
  readonly cls: abstract new (...args: never[]) => M;
  readonly forward: ExportForward<M>;
}

function describe<M extends Module>(cls: abstract new (...args: never[]) => M, forward: ExportForward<M>): Description<Module> {
  return { cls, forward: forward as ExportForward<Module> };
}

/** The side of the (square) map a value holds: what a global average pool of it averages over. */
function side(x: Value): number {
  return x.shape[x.shape.length - 1]!;
}

/** A child registered under a generated name (GapNet's conv4, bn4, ...). */
function child<M extends Module>(model: Module, name: string): M | undefined {
  return model.namedChildren().find(([n]) => n === name)?.[1] as M | undefined;
}

const DESCRIPTIONS: readonly Description<Module>[] = [
  // gap-net.ts: block = conv, bn, relu, (dropout); conv3 (with bn3: a block) then a 2x2 max pool; the
  // blocks conv4/bn4, ... after it; an average pool over the whole map; the 1x1 classifier convN.
  describe(GapNet, (g, m, x) => {
    const block = (conv: Conv2d, bn: BatchNorm2d, v: Value): Value => g.relu(g.batchNorm(bn, g.conv(conv, v)));
    x = block(m.conv1, m.bn1, x);
    x = block(m.conv2, m.bn2, x);
    x = g.maxPool(m.bn3 ? block(m.conv3, m.bn3, x) : g.conv(m.conv3, x), 2);
    let i = 4;
    for (; child(m, `bn${i}`); i++) x = block(child<Conv2d>(m, `conv${i}`)!, child<BatchNorm2d>(m, `bn${i}`)!, x);
    x = g.avgPool(x, side(x));
    return g.logSoftmax(g.flatten(g.conv(child<Conv2d>(m, `conv${i}`)!, x), 1), 1);
  }),
  // sep-gap-net.ts
  describe(SepGapNet, (g, m, x) => {
    x = g.relu(g.batchNorm(m.bn1, g.conv(m.conv1, x)));
    x = g.relu(g.batchNorm(m.bn2, g.conv(m.conv2, x)));
    x = g.maxPool(m.transition ? g.conv(m.transition, x) : x, 2);
    for (let i = 0; i < m.blocks.length; i++) {
      const b = m.blocks.at(i);
      if (!(b instanceof SeparableBlock)) return g.module(b, x); // refused by name
      let y = g.conv(b.depthwise, x);
      if (b.depthwiseBn) y = g.relu(g.batchNorm(b.depthwiseBn, y));
      x = g.relu(g.batchNorm(b.bn, g.conv(b.pointwise, y)));
    }
    x = g.avgPool(x, side(x));
    return g.logSoftmax(g.flatten(g.conv(m.classifier, x), 1), 1);
  }),
  // baseline-fc.ts
  describe(BaselineFc, (g, m, x) => {
    x = g.relu(g.conv(m.conv1, x));
    x = g.maxPool(g.relu(g.conv(m.conv2, x)), 2);
    x = g.maxPool(g.relu(g.conv(m.conv3, x)), 2);
    x = g.relu(g.linear(m.fc1, g.flatten(x, 1)));
    return g.logSoftmax(g.linear(m.fc2, x), 1);
  }),
  // seeds/session5-net.ts
  describe(Session5Net, (g, m, x) => {
    x = g.conv(m.conv1, x);
    x = g.relu(m.bn1 ? g.batchNorm(m.bn1, x) : x);
    x = g.conv(m.conv2, x);
    x = g.relu(m.bn2 ? g.batchNorm(m.bn2, x) : x);
    x = g.relu(g.conv(m.conv3, g.maxPool(x, 2)));
    x = g.maxPool(g.relu(g.conv(m.conv4, x)), 2);
    x = g.linear(m.fc1, g.flatten(x, 1));
    x = g.relu(m.bn3 ? g.batchNorm(m.bn3, x) : x);
    return g.logSoftmax(g.linear(m.fc2, x), 1);
  }),
  // seeds/skeleton-net.ts
  describe(SkeletonNet, (g, m, x) => {
    x = g.module(m.pool1, g.module(m.convblock3, g.module(m.convblock2, g.module(m.convblock1, x))));
    for (const b of [m.convblock4, m.convblock5, m.convblock6, m.convblock7, m.convblock8]) x = g.module(b, x);
    return g.logSoftmax(g.reshape(x, [-1, 10]), 1);
  }),
  // seeds/mnist8k-models.ts
  describe(Mnist8kModel1, (g, m, x) => {
    x = g.module(m.pool1, g.relu(g.conv(m.conv2, g.relu(g.conv(m.conv1, x)))));
    x = g.module(m.pool2, g.relu(g.conv(m.conv4, g.relu(g.conv(m.conv3, x)))));
    x = g.relu(g.conv(m.conv6, g.relu(g.conv(m.conv5, x))));
    return g.logSoftmax(g.reshape(g.conv(m.conv7, x), [-1, 10]), 1);
  }),
  describe(Mnist8kModel2, (g, m, x) => {
    x = g.batchNorm(m.norm1, g.relu(g.conv(m.conv1, x)));
    x = g.module(m.pool, g.batchNorm(m.norm2, g.relu(g.conv(m.conv2, x))));
    x = g.batchNorm(m.norm3, g.relu(g.conv(m.conv3, x)));
    x = g.module(m.pool, g.batchNorm(m.norm4, g.relu(g.conv(m.conv4, x))));
    x = g.relu(g.conv(m.conv6, g.batchNorm(m.norm5, g.relu(g.conv(m.conv5, x)))));
    return g.logSoftmax(g.reshape(g.module(m.gap, g.conv(m.antman, x)), [-1, 10]), 1);
  }),
  describe(Mnist8kModel3, (g, m, x) => {
    for (const b of [m.convblock1, m.convblock2, m.convblock3, m.pool1, m.convblock4, m.convblock5, m.convblock6, m.gap, m.convblock7]) x = g.module(b, x);
    return g.logSoftmax(g.reshape(x, [-1, 10]), 1);
  }),
  // seeds/cnn-mnist3-net.ts
  describe(CnnMnist3Net, (g, m, x) => {
    for (const b of [m.convblock1, m.convblock2, m.convblock3, m.pool1, m.convblock4, m.convblock5, m.convblock6, m.gap, m.convblock7]) x = g.module(b, x);
    return g.logSoftmax(g.reshape(x, [-1, 10]), 1);
  }),
  // seeds/basic-cnn.ts
  describe(BasicCnn, (g, m, x) => {
    x = g.maxPool(g.relu(g.conv(m.conv1, x)), 2);
    x = g.maxPool(g.relu(g.conv(m.conv2, x)), 2);
    return g.logSoftmax(g.linear(m.fc2, g.relu(g.linear(m.fc1, g.flatten(x, 1)))), 1);
  }),
];

/** Emits the model's eval-mode forward pass into the builder and returns its output value. */
export function emitModel(g: OnnxGraphBuilder, model: Module): Value {
  if (model instanceof Sequential) return g.module(model, g.input);
  // The most derived class with a description; a class on the way up that defines its own forward
  // computes something else, and is refused rather than exported as its parent.
  for (let proto = Object.getPrototypeOf(model) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    const d = DESCRIPTIONS.find((e) => e.cls.prototype === proto);
    if (d) return d.forward(g, model, g.input);
    if (Object.prototype.hasOwnProperty.call(proto, 'forward')) break;
  }
  throw new MnistLabError(`export: no ONNX description of a ${model.typeName} model (known: ${DESCRIPTIONS.map((d) => d.cls.name).join(', ')}, or any Sequential of supported layers)`);
}
