/**
 * 20 optimizer steps of mnist8k-m3 on the fixed batch, against PyTorch 1.13's trajectories
 * (test/fixtures/pytorch/m3_optim.*): the loss at every step within 1e-4 relative error of
 * PyTorch's float32 run, the lr exactly, and the final parameters and BN buffers within 1e-4 of
 * PyTorch's float64 run, or twice PyTorch's own float32 gap where that is larger (see the fixture README).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Mnist8kM3 } from '../../src/models/mnist8k-m3.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { scope } from '../../src/tensor/memory-scope.js';
import { nllLoss } from '../../src/tensor/ops/loss.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam } from '../../src/optim/adam.js';
import { AdamW } from '../../src/optim/adamw.js';
import { OneCycleLR } from '../../src/optim/lr-scheduler/one-cycle-lr.js';
import type { Scheduler } from '../../src/optim/lr-scheduler/scheduler.js';
import { readFixtureJson, readFixtureTensors, relativeError } from '../helpers/fixtures.js';

const TOLERANCE = 1e-4;
const init = readFixtureTensors('pytorch', 'm3_init.safetensors');
const batch = readFixtureTensors('pytorch', 'm3_batch.safetensors');
const finals = readFixtureTensors('pytorch', 'm3_optim.safetensors');
interface Run {
  loss: number[];
  lr: number[];
  float32_vs_float64: { loss: number; state: Record<string, number> };
}
const trajectories = readFixtureJson<{ runs: Record<string, Run> }>('pytorch', 'm3_optim.json');

const runs: Record<string, (m: Mnist8kM3) => { opt: Optimizer; sched: Scheduler | null }> = {
  sgd: (m) => ({ opt: new SGD(m.parameters(), { lr: 0.005, momentum: 0.9, weightDecay: 5e-4, nesterov: true }), sched: null }),
  adam: (m) => ({ opt: new Adam(m.parameters(), { lr: 1e-4 }), sched: null }),
  adamw: (m) => ({ opt: new AdamW(m.parameters(), { lr: 1e-4, weightDecay: 1e-2 }), sched: null }),
  sgd_onecycle: (m) => {
    const opt = new SGD(m.parameters(), { lr: 0.01, momentum: 0.9 });
    return { opt, sched: new OneCycleLR(opt, { maxLr: 0.005, totalSteps: 20 }) };
  },
};

describe('mnist8k-m3 optimizer trajectories match PyTorch', () => {
  for (const [name, make] of Object.entries(runs)) {
    it(name, () => {
      const model = new Mnist8kM3({ dropout: 0 });
      model.loadStateDict(init);
      model.train();
      const { opt, sched } = make(model);
      // The fixture adds fixed noise to the batch so no max-pool window ties (see its README).
      const input = finals.get('input')!;
      const x = Tensor.from(input.data, input.shape);
      const target = Array.from(batch.get('target')!.data);
      const expected = trajectories.runs[name]!;
      const losses: number[] = [];
      const lrs: number[] = [];
      for (let step = 0; step < 20; step++) {
        lrs.push(opt.paramGroups[0]!.lr);
        losses.push(scope(() => {
          opt.zeroGrad();
          const loss = nllLoss(model.call(x), target);
          loss.backward();
          opt.step();
          return loss.item();
        }));
        sched?.step();
      }
      const lossErr = relativeError(losses, expected.loss);
      assert.ok(lossErr <= TOLERANCE, `${name}: loss trajectory relative error ${lossErr}`);
      assert.ok(relativeError(lrs, expected.lr) <= 1e-12, `${name}: lr schedule differs`);
      // Final weights against PyTorch's float64 run: its float32 run is itself up to ~2e-2 away
      // from that on a few BN biases (recorded in float32_vs_float64), while this engine's float64
      // accumulation tracks the exact trajectory.
      for (const [key, t] of model.stateDict()) {
        const exact = finals.get(`${name}.f64.${key}`);
        if (!exact) continue; // num_batches_tracked is an integer count, checked below
        const err = relativeError(t.data, exact.data);
        // Under Adam a few BN biases stay ill-conditioned even at this lr (PyTorch's float32 run
        // misses them by ~1.6e-3): no float32 engine can do better than about that gap there.
        const bound = Math.max(TOLERANCE, 2 * (expected.float32_vs_float64.state[key] ?? 0));
        assert.ok(err <= bound, `${name}: final ${key} relative error ${err} against float64 (bound ${bound})`);
      }
      assert.equal(model.bn1.num_batches_tracked!.data[0], 20);
    });
  }
});
