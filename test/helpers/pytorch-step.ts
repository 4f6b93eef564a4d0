/**
 * One training step of a model against a PyTorch fixture made the way make_fixtures.py makes m3_step:
 * output and loss against PyTorch's float32 run, every gradient and the output against its float64 run
 * (PyTorch's own float32 gradients are not exact enough to hold an engine to 1e-4, see the fixture README),
 * the BN buffers after the step, and the eval-mode output. Shared by every model checked this way.
 */
import assert from 'node:assert/strict';
import type { Module } from '../../src/nn/module.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/tensor/grad-mode.js';
import { nllLoss } from '../../src/tensor/ops/loss.js';
import { relativeError } from './fixtures.js';

export type FixtureTensors = Map<string, { shape: number[]; data: Float32Array }>;

export const PYTORCH_TOLERANCE = 1e-4;

export function assertRelativelyClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const err = relativeError(actual, expected);
  assert.ok(err <= PYTORCH_TOLERANCE, `${what}: relative error ${err}`);
}

/** Runs one train-mode step of `model`, which already holds the fixture's init, and checks every result against the fixture. */
export function assertStepMatchesPyTorch(model: Module, fixture: { batch: FixtureTensors; step: FixtureTensors; exact: FixtureTensors }): void {
  const { batch, step, exact } = fixture;
  model.train();
  const input = batch.get('input')!;
  const target = Array.from(batch.get('target')!.data);
  const out = model.call(Tensor.from(input.data, input.shape));
  assertRelativelyClose(out.data, step.get('output')!.data, 'output');
  const loss = nllLoss(out, target);
  assertRelativelyClose([loss.item()], step.get('loss')!.data, 'loss');
  loss.backward();
  for (const [name, p] of model.namedParameters()) assertRelativelyClose(p.grad!.data, exact.get(`grad.${name}`)!.data, `grad.${name}`);
  assertRelativelyClose(out.data, exact.get('output')!.data, 'output vs float64');
  for (const [name, b] of model.namedBuffers()) assertRelativelyClose(b.data, step.get(`after.${name}`)!.data, `after.${name}`);

  model.eval();
  const evalOut = noGrad(() => model.call(Tensor.from(input.data, input.shape)));
  assertRelativelyClose(evalOut.data, step.get('eval_output')!.data, 'eval_output');
}
