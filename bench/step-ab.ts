/**
 * A/B of the whole training step under two conv algorithms, interleaved step by step in one process
 * (the machine is shared, so single wall-clock numbers mislead): two wasm backends, one model on
 * each with the same weights, and steps alternating A, B, A, B... Prints per side the fastest step,
 * the 20th-percentile step and (at 1 thread, where the process's CPU time is the step's compute
 * time even when the machine preempts it) the median CPU time per step.
 *
 *   node dist/bench/step-ab.js [--model sepnet-8k] [--batch 64] [--threads 1] [--steps 60] [--a gemm] [--b winograd]
 *     [--depthwise-gemm-a] [--depthwise-gemm-b]
 * --depthwise-gemm-a/-b run that side's depthwise 3×3 convs on the GEMM path (WasmBackendOptions.depthwiseViaGemm).
 */
import { performance } from 'node:perf_hooks';
import { createWasmBackend, type ConvAlgorithm, type WasmBackend } from '../src/backend/wasm/index.js';
import { setBackend } from '../src/backend/current.js';
import { createModel } from '../src/models/zoo.js';
import { Tensor } from '../src/tensor/tensor.js';
import { scope } from '../src/tensor/memory-scope.js';
import { nllLoss } from '../src/tensor/ops/loss.js';
import { SGD } from '../src/optim/sgd.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const algorithm = (value: string): ConvAlgorithm => (value === 'winograd' ? 'winograd' : 'gemm');
const quantile = (a: number[], q: number): number => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) * q)]!;

const threads = Number(flag('threads', '1'));
const steps = Number(flag('steps', '60'));
const batch = Number(flag('batch', '64'));
const modelName = flag('model', 'sepnet-8k');

interface Side {
  readonly name: string;
  readonly backend: WasmBackend;
  readonly step: () => void;
  readonly wall: number[];
  readonly cpu: number[];
}

async function side(name: string, conv: ConvAlgorithm, depthwiseViaGemm: boolean): Promise<Side> {
  const backend = await createWasmBackend({ threads, convAlgorithm: conv, depthwiseViaGemm });
  setBackend(backend);
  const model = createModel(modelName);
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = backend.alloc(batch * 784);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 1.5;
  const labels = new Int32Array(batch).map((_, i) => i % 10);
  model.train();
  const step = (): void => {
    setBackend(backend);
    scope(() => {
      const loss = nllLoss(model.call(new Tensor(x, [batch, 1, 28, 28], false, false)), labels);
      loss.item();
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
  };
  return { name: `${name} (${conv}${depthwiseViaGemm ? ', depthwise via GEMM' : ''})`, backend, step, wall: [], cpu: [] };
}

const sides = [
  await side('A', algorithm(flag('a', 'gemm')), process.argv.includes('--depthwise-gemm-a')),
  await side('B', algorithm(flag('b', 'winograd')), process.argv.includes('--depthwise-gemm-b')),
];
for (let s = 0; s < steps + 5; s++) {
  for (const sd of sides) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    sd.step();
    if (s < 5) continue;
    sd.wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    sd.cpu.push((c.user + c.system) / 1000);
  }
}
for (const sd of sides) {
  console.log(`${modelName} batch ${batch}, ${threads} thread(s), ${sd.name}: fastest ${Math.min(...sd.wall).toFixed(2)} ms, ` +
    `p20 ${quantile(sd.wall, 0.2).toFixed(2)} ms, median cpu ${quantile(sd.cpu, 0.5).toFixed(2)} ms`);
}
const [a, b] = sides as [Side, Side];
console.log(`B/A: fastest ${(Math.min(...b.wall) / Math.min(...a.wall)).toFixed(3)}, p20 ${(quantile(b.wall, 0.2) / quantile(a.wall, 0.2)).toFixed(3)}, ` +
  `median cpu ${(quantile(b.cpu, 0.5) / quantile(a.cpu, 0.5)).toFixed(3)}`);
for (const sd of sides) sd.backend.dispose();
