/**
 * Per-kernel profile of one model's training step (quick diagnostic; npm run bench has the full report):
 *   node dist/bench/profile-step.js [--model mnist8k-m3] [--threads 2] [--batch 128] [--steps 30] [--conv-algorithm gemm|winograd]
 */
import { performance } from 'node:perf_hooks';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { setBackend } from '../src/backend/current.js';
import { createModel } from '../src/models/zoo.js';
import { Tensor } from '../src/tensor/tensor.js';
import { scope } from '../src/tensor/memory-scope.js';
import { nllLoss } from '../src/tensor/ops/loss.js';
import { SGD } from '../src/optim/sgd.js';
import { instrumentBackend } from './instrument.js';

function flag(name: string, fallback: string): number | string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
function count(name: string, fallback: number): number {
  const value = Number(flag(name, String(fallback)));
  if (!Number.isInteger(value) || value < 1) {
    console.error(`profile-step: --${name} must be a whole number >= 1, got ${String(flag(name, ''))}`);
    process.exit(2);
  }
  return value;
}
const threads = count('threads', 2);
const steps = count('steps', 30);
const batch = count('batch', 128);
const modelName = String(flag('model', 'mnist8k-m3'));
const convAlgorithm = flag('conv-algorithm', 'gemm') === 'winograd' ? 'winograd' : 'gemm';
const inner = await createWasmBackend({ threads, convAlgorithm });
const { backend, totals } = instrumentBackend(inner, (m, args) => {
  const a = args[0] as Float32Array;
  return `${m} ${a.length}`;
});
setBackend(backend);
const model = createModel(modelName);
const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = backend.alloc(batch * 784);
for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 1.5;
const labels = new Int32Array(batch).map((_, i) => i % 10);
let fwd = 0, bwd = 0, total = 0;
for (let s = 0; s < steps + 5; s++) {
  if (s === 5) { totals.reset(); fwd = bwd = total = 0; }
  const t0 = performance.now();
  let t1 = 0, t2 = 0;
  scope(() => {
    const out = model.call(new Tensor(x, [batch, 1, 28, 28], false, false));
    const loss = nllLoss(out, labels);
    loss.item();
    opt.zeroGrad();
    t1 = performance.now();
    loss.backward();
    t2 = performance.now();
    opt.step();
  });
  const t3 = performance.now();
  fwd += t1 - t0; bwd += t2 - t1; total += t3 - t0;
}
const rows = [...totals.ms].sort((a, b) => b[1] - a[1]);
let sum = 0;
for (const [k, v] of rows) { sum += v / steps; console.log(`${(v / steps).toFixed(3).padStart(8)} ms  ${k} x${totals.calls.get(k)! / steps}`); }
console.log(`kernel sum ${sum.toFixed(2)} ms; step ${(total / steps).toFixed(2)} ms (forward ${(fwd / steps).toFixed(2)}, backward ${(bwd / steps).toFixed(2)}, rest ${((total - fwd - bwd) / steps).toFixed(2)})`);
inner.dispose();
