/**
 * Collects torchsummary's layer records by running one forward pass with a hook on every module but
 * the model itself and Sequential containers (torchsummary's rule), then lays them out with
 * summary-table.ts. A custom block gets its own row after its layers', with only its own parameters.
 */
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/grad-mode.js';
import { scope } from '../tensor/memory-scope.js';
import { Sequential } from '../nn/layers/sequential.js';
import { type ModelSummary, type SummaryLayerRecord, formatSummaryTable, summarizeModel } from './summary-table.js';

export function collectSummary(model: Module, inputShape: readonly number[] = [1, 28, 28]): ModelSummary {
  const layers: SummaryLayerRecord[] = [];
  const hooked = model.namedModules().filter(([, m]) => m !== model && !(m instanceof Sequential)).map(([, m]) => m);
  const removers = hooked.map((m) =>
    m.registerForwardHook((mod, _input, output) => {
      const own = mod.parameters(false);
      layers.push({
        name: `${mod.typeName}-${layers.length + 1}`,
        outputShape: [-1, ...output.shape.slice(1)],
        params: own.reduce((s, p) => s + p.size, 0),
        trainable: own.some((p) => p.requiresGrad),
      });
    }),
  );
  const wasTraining = model.training;
  try {
    // torchsummary runs a batch of 2 so that BatchNorm sees more than one value per channel; eval
    // mode here leaves the running statistics untouched.
    model.eval();
    noGrad(() => scope(() => void model.call(Tensor.zeros([2, ...inputShape]))));
  } finally {
    model.train(wasTraining);
    for (const remove of removers) remove();
  }
  const params = model.parameters();
  const total = params.reduce((s, p) => s + p.size, 0);
  const trainable = params.filter((p) => p.requiresGrad).reduce((s, p) => s + p.size, 0);
  return summarizeModel({ inputShape, layers, totals: { total, trainable } });
}

export function summaryText(model: Module, inputShape: readonly number[] = [1, 28, 28]): string {
  return formatSummaryTable(collectSummary(model, inputShape));
}
