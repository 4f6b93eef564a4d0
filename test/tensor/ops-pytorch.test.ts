/**
 * Every op's forward output and backward gradients against PyTorch 1.13 (test/fixtures/pytorch/ops.json,
 * made by make_fixtures.py), within 1e-4 relative error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { F } from '../../src/nn/index.js';
import { readFixtureJson, relativeError } from '../helpers/fixtures.js';

interface FixtureTensor { dtype: 'float32' | 'int64'; shape: number[]; data: number[] }
interface OpCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  outputs: Record<string, FixtureTensor>;
  grad_weights: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>;
}

const fixture = readFixtureJson<{ cases: OpCase[] }>('pytorch', 'ops.json');
const TOLERANCE = 1e-4;

type Pair = number | [number, number];

function run(c: OpCase, t: Record<string, Tensor>, target: number[]): Record<string, Tensor> {
  const a = c.args;
  const x = t.input!;
  switch (c.op) {
    case 'conv2d':
      return { output: F.conv2d(x, t.weight!, t.bias ?? null, { stride: a.stride as Pair, padding: a.padding as Pair, dilation: a.dilation as Pair, groups: a.groups as number }) };
    case 'max_pool2d':
      return { output: F.maxPool2d(x, a.kernel_size as Pair, { stride: (a.stride ?? undefined) as Pair | undefined, padding: (a.padding ?? 0) as Pair }) };
    case 'avg_pool2d':
      return { output: F.avgPool2d(x, a.kernel_size as Pair, { stride: (a.stride ?? undefined) as Pair | undefined, padding: (a.padding ?? 0) as Pair, countIncludePad: (a.count_include_pad ?? true) as boolean }) };
    case 'adaptive_avg_pool2d':
      return { output: F.adaptiveAvgPool2d(x, a.output_size as Pair) };
    case 'batch_norm': {
      const output = F.batchNorm(x, t.running_mean ?? null, t.running_var ?? null, t.weight ?? null, t.bias ?? null, {
        training: a.training as boolean, momentum: a.momentum as number, eps: a.eps as number,
      });
      return { output, running_mean: t.running_mean!, running_var: t.running_var! };
    }
    case 'relu': return { output: F.relu(x) };
    case 'leaky_relu': return { output: F.leakyRelu(x, a.negative_slope as number) };
    case 'gelu': return { output: F.gelu(x) };
    case 'sigmoid': return { output: F.sigmoid(x) };
    case 'tanh': return { output: F.tanh(x) };
    case 'softmax': return { output: F.softmax(x, a.dim as number) };
    case 'log_softmax': return { output: F.logSoftmax(x, a.dim as number) };
    case 'nll_loss': return { output: F.nllLoss(x, target, { reduction: a.reduction as 'mean' | 'sum' }) };
    case 'cross_entropy':
      return { output: F.crossEntropy(x, target, { reduction: a.reduction as 'mean' | 'sum', labelSmoothing: a.label_smoothing as number }) };
    case 'linear': return { output: F.linear(x, t.weight!, t.bias ?? null) };
    case 'matmul': return { output: x.matmul(t.other!) };
    case 'sum': return { output: x.sum((a.dim ?? undefined) as number[] | undefined, (a.keepdim ?? false) as boolean) };
    case 'mean': return { output: x.mean((a.dim ?? undefined) as number[] | undefined, (a.keepdim ?? false) as boolean) };
    case 'add': return { output: x.add(t.other!) };
    case 'sub': return { output: x.sub(t.other!) };
    case 'mul': return { output: x.mul(t.other!) };
    case 'div': return { output: x.div(t.other!) };
    default:
      throw new Error(`no runner for op ${c.op}`);
  }
}

describe('ops match PyTorch 1.13 (forward and backward)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const tensors: Record<string, Tensor> = {};
      let target: number[] = [];
      for (const [k, v] of Object.entries(c.inputs)) {
        if (k === 'target') {
          target = v.data;
          continue;
        }
        const tensor = Tensor.from(v.data, v.shape);
        if (k in c.grads) tensor.requiresGrad_();
        tensors[k] = tensor;
      }
      const outs = run(c, tensors, target);
      for (const [k, expected] of Object.entries(c.outputs)) {
        const got = outs[k];
        assert.ok(got, `${c.name}: no output ${k}`);
        assert.deepEqual([...got.shape], expected.shape, `${c.name}: ${k} shape`);
        const err = relativeError(got.data, expected.data);
        assert.ok(err <= TOLERANCE, `${c.name}: ${k} relative error ${err}`);
      }
      const output = outs.output!;
      const w = c.grad_weights.output;
      assert.ok(w, `${c.name}: fixture has no grad weights`);
      output.backward(Tensor.from(w.data, w.shape));
      for (const [k, expected] of Object.entries(c.grads)) {
        const grad = tensors[k]?.grad;
        assert.ok(grad, `${c.name}: no gradient for ${k}`);
        const err = relativeError(grad.data, expected.data);
        assert.ok(err <= TOLERANCE, `${c.name}: grad of ${k} relative error ${err}`);
      }
    });
  }
});
