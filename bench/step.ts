/**
 * Whole-step timing of one model on the wasm backend: median training-step time (forward, nllLoss,
 * backward, SGD step inside scope()) and median inference-batch time.
 *
 *   node dist/bench/step.js [--model mnist8k-m3] [--threads 2] [--steps 40] [--infer 10] [--batch 128] [--json]
 *     [--conv-algorithm gemm|winograd] [--whole-batch]
 *
 * --json prints one JSON line instead (bench/compare-pytorch.ts reads it).
 */
import { performance } from 'node:perf_hooks';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { setBackend } from '../src/backend/current.js';
import { createModel } from '../src/models/zoo.js';
import { Tensor } from '../src/tensor/tensor.js';
import { scope } from '../src/tensor/memory-scope.js';
import { noGrad } from '../src/tensor/grad-mode.js';
import { nllLoss } from '../src/tensor/ops/loss.js';
import { SGD } from '../src/optim/sgd.js';
import { forwardInChunks } from '../src/train/evaluate.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

const threads = Number(flag('threads', '2'));
const steps = Number(flag('steps', '40'));
const inferReps = Number(flag('infer', '10'));
const wholeBatch = process.argv.includes('--whole-batch');
const batch = Number(flag('batch', '128'));
const convAlgorithm = flag('conv-algorithm', 'gemm') === 'winograd' ? 'winograd' : 'gemm';
const backend = await createWasmBackend({ threads, convAlgorithm });
// A/B switch for the zero-skipping hint (diagnostic).
if (process.argv.includes('--always-zero')) (backend as { nextAllocOverwritten?: () => void }).nextAllocOverwritten = undefined;
setBackend(backend);
const model = createModel(flag('model', 'mnist8k-m3'));
const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = backend.alloc(batch * 784);
for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 1.5;
const labels = new Int32Array(batch).map((_, i) => i % 10);
model.train();
const times: number[] = [];
// CPU time of the process per step: with --threads 1 it is the step's compute time even when the
// (shared) machine preempts us, which makes A/B comparisons on a loaded machine possible.
const cpuTimes: number[] = [];
for (let s = 0; s < steps + 5; s++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  scope(() => {
    const out = model.call(new Tensor(x, [batch, 1, 28, 28], false, false));
    const loss = nllLoss(out, labels);
    loss.item();
    opt.zeroGrad();
    loss.backward();
    opt.step();
  });
  if (s >= 5) {
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
}
const tStep = median(times);
const xi = backend.alloc(1000 * 784);
for (let i = 0; i < xi.length; i++) xi[i] = Math.sin(i * 0.37) * 1.5;
model.eval();
const it: number[] = [];
for (let s = 0; s < inferReps + 2; s++) {
  const t0 = performance.now();
  // As `evaluate` runs a batch: EVAL_CHUNK images per forward pass, so activations stay in cache
  // (--whole-batch: one forward pass of all 1000, as before 2026-12-02).
  noGrad(() => scope(() => { (wholeBatch ? model.call(new Tensor(xi, [1000, 1, 28, 28], false, false)) : forwardInChunks(model, xi, 1000, 28, 28)).argmax(); }));
  if (s >= 2) it.push(performance.now() - t0);
}
const tInf = median(it);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({
    system: 'mnist-lab', threads: backend.threads, params: model.numParameters(),
    trainStepMs: tStep, trainImgPerS: (batch * 1000) / tStep, inferBatchMs: tInf, inferImgPerS: 1e6 / tInf,
  }));
} else console.log(`threads ${threads}: train step ${tStep.toFixed(2)} ms (${Math.round((batch * 1000) / tStep)} img/s, min ${Math.min(...times).toFixed(2)}, cpu ${median(cpuTimes).toFixed(2)}), ` +
  `infer ${tInf.toFixed(2)} ms (${Math.round(1e6 / tInf)} img/s)`);
backend.dispose();
