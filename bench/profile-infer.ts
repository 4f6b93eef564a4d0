/** Per-kernel profile of mnist8k-m3 inference at batch 1000 (quick diagnostic). */
import { performance } from 'node:perf_hooks';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { setBackend } from '../src/backend/current.js';
import { createModel } from '../src/models/zoo.js';
import { Tensor } from '../src/tensor/tensor.js';
import { scope } from '../src/tensor/memory-scope.js';
import { noGrad } from '../src/tensor/grad-mode.js';
import { instrumentBackend } from './instrument.js';

const threads = Number(process.argv[2] ?? '2');
const reps = 8;
const inner = await createWasmBackend({ threads });
const { backend, totals } = instrumentBackend(inner, (m, args) => `${m} ${(args[0] as Float32Array).length}`);
setBackend(backend);
const model = createModel('mnist8k-m3');
model.eval();
const x = backend.alloc(1000 * 784);
for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 1.5;
let total = 0;
for (let s = 0; s < reps + 2; s++) {
  if (s === 2) { totals.reset(); total = 0; }
  const t0 = performance.now();
  noGrad(() => scope(() => void model.call(new Tensor(x, [1000, 1, 28, 28], false, false)).argmax()));
  total += performance.now() - t0;
}
let sum = 0;
for (const [k, v] of [...totals.ms].sort((a, b) => b[1] - a[1])) { sum += v / reps; console.log(`${(v / reps).toFixed(3).padStart(8)} ms  ${k}`); }
console.log(`kernel sum ${sum.toFixed(2)} ms; batch ${(total / reps).toFixed(2)} ms`);
inner.dispose();
