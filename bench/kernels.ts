/**
 * Per-kernel timings of the mnist8k-m3 layer shapes: reference vs wasm on 1 and 2 threads.
 *
 *   node dist/bench/kernels.js [--batch 128] [--no-reference] [--threads 1,2] [--min-ms 150]
 *
 * Each row is the median of repeated calls after a warm-up. The totals add up the kernels one
 * training step (or one inference pass at --infer-batch) calls, so "img/s" is what the kernels alone
 * allow; autograd and the optimizer come on top. Numbers are indicative: check `uptime` first, the
 * machine is shared.
 */
import { performance } from 'node:perf_hooks';
import type { Backend } from '../src/backend/backend.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createWasmBackend, type WasmBackend } from '../src/backend/wasm/index.js';
import { conv2dGeometry, pool2dGeometry, type Conv2dGeometry } from '../src/backend/geometry.js';

// ------------------------------------------------------------------ settings
function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const BATCH = Number(flag('batch', '128'));
const INFER_BATCH = Number(flag('infer-batch', '1000'));
const WITH_REFERENCE = !process.argv.includes('--no-reference');
const THREADS = flag('threads', '1,2').split(',').map(Number);
const MIN_MS = Number(flag('min-ms', '150'));

// ------------------------------------------------------------------ the model's kernels
interface Layer {
  name: string;
  cIn: number;
  cOut: number;
  size: number;
  k: number;
  /** Followed by BN, ReLU and dropout. */
  bnReluDropout: boolean;
  /** The first layer's input needs no gradient. */
  needsInputGrad: boolean;
}

const LAYERS: Layer[] = [
  { name: 'conv1', cIn: 1, cOut: 10, size: 28, k: 3, bnReluDropout: true, needsInputGrad: false },
  { name: 'conv2', cIn: 10, cOut: 15, size: 26, k: 3, bnReluDropout: true, needsInputGrad: true },
  { name: 'conv3', cIn: 15, cOut: 10, size: 24, k: 1, bnReluDropout: false, needsInputGrad: true },
  { name: 'conv4', cIn: 10, cOut: 16, size: 12, k: 3, bnReluDropout: true, needsInputGrad: true },
  { name: 'conv5', cIn: 16, cOut: 16, size: 10, k: 3, bnReluDropout: true, needsInputGrad: true },
  { name: 'conv6', cIn: 16, cOut: 16, size: 8, k: 3, bnReluDropout: true, needsInputGrad: true },
  { name: 'conv7', cIn: 16, cOut: 10, size: 1, k: 1, bnReluDropout: false, needsInputGrad: true },
];

interface Kernel {
  name: string;
  /** Which pass it belongs to: forward kernels run in inference too (BN in eval mode there). */
  pass: 'forward' | 'backward' | 'train-only' | 'infer-only';
  flops: number;
  run: () => void;
}

/** Builds the kernel calls of one m3 step at batch n on `backend`, with buffers it allocated. */
function modelKernels(backend: Backend, n: number): Kernel[] {
  const kernels: Kernel[] = [];
  const random = (size: number): Float32Array => {
    const a = backend.alloc(size);
    for (let i = 0; i < size; i++) a[i] = Math.sin(i * 12.9898) * 0.5;
    return a;
  };
  for (const L of LAYERS) {
    const g: Conv2dGeometry = conv2dGeometry([n, L.cIn, L.size, L.size], [L.cOut, L.cIn, L.k, L.k], [1, 1], [0, 0], [1, 1], 1);
    const x = random(n * L.cIn * L.size * L.size);
    const w = random(L.cOut * L.cIn * L.k * L.k);
    const outSize = n * L.cOut * g.outH * g.outW;
    const y = backend.alloc(outSize);
    const dy = random(outSize);
    const dx = backend.alloc(x.length);
    const dw = backend.alloc(w.length);
    const macs = n * L.cOut * g.outH * g.outW * L.cIn * L.k * L.k;
    kernels.push({ name: `${L.name} forward`, pass: 'forward', flops: 2 * macs, run: () => backend.conv2dForward(x, w, null, y, g) });
    kernels.push({ name: `${L.name} backward-weight`, pass: 'backward', flops: 2 * macs, run: () => backend.conv2dBackwardWeight(x, dy, dw, g) });
    if (L.needsInputGrad) {
      kernels.push({ name: `${L.name} backward-input`, pass: 'backward', flops: 2 * macs, run: () => backend.conv2dBackwardInput(dy, w, dx, g) });
    }
    if (L.bnReluDropout) {
      const s = { n, c: L.cOut, spatial: g.outH * g.outW };
      const gamma = random(L.cOut);
      const beta = random(L.cOut);
      const [mean, variance, invStd] = [backend.alloc(L.cOut), backend.alloc(L.cOut), backend.alloc(L.cOut).fill(1)];
      const bnOut = backend.alloc(outSize);
      const reluOut = backend.alloc(outSize);
      const mask = backend.alloc(outSize);
      const dropOut = backend.alloc(outSize);
      const dGamma = backend.alloc(L.cOut);
      const dBeta = backend.alloc(L.cOut);
      const grad = backend.alloc(outSize);
      const e = outSize;
      kernels.push({ name: `${L.name} bn train`, pass: 'train-only', flops: 5 * e, run: () => backend.batchNormTrainForward(y, gamma, beta, bnOut, mean, variance, invStd, s, 1e-5) });
      kernels.push({ name: `${L.name} bn eval`, pass: 'infer-only', flops: 2 * e, run: () => backend.batchNormEvalForward(y, gamma, beta, mean, variance, bnOut, s, 1e-5) });
      kernels.push({ name: `${L.name} relu`, pass: 'forward', flops: e, run: () => backend.reluForward(bnOut, reluOut) });
      kernels.push({ name: `${L.name} dropout`, pass: 'train-only', flops: e, run: () => backend.dropoutForward(reluOut, dropOut, mask, 0.05, 7, 1) });
      kernels.push({ name: `${L.name} relu backward`, pass: 'backward', flops: e, run: () => backend.reluBackward(dy, reluOut, grad) });
      kernels.push({ name: `${L.name} bn backward`, pass: 'backward', flops: 8 * e, run: () => backend.batchNormBackward(dy, y, gamma, mean, invStd, grad, dGamma, dBeta, s) });
    }
    if (L.name === 'conv3') {
      const pg = pool2dGeometry([n, 10, 24, 24], [2, 2], [2, 2], [0, 0]);
      const pout = backend.alloc(n * 10 * 144);
      const idx = backend.allocInt32(pout.length);
      const pdy = random(pout.length);
      const pdx = backend.alloc(n * 10 * 576);
      kernels.push({ name: 'maxpool 2x2', pass: 'forward', flops: y.length, run: () => backend.maxPool2dForward(y, pout, idx, pg) });
      kernels.push({ name: 'maxpool backward', pass: 'backward', flops: y.length, run: () => backend.maxPool2dBackward(pdy, idx, pdx, pg) });
    }
    if (L.name === 'conv6') {
      const pg = pool2dGeometry([n, 16, 6, 6], [6, 6], [6, 6], [0, 0]);
      const pout = backend.alloc(n * 16);
      const pdy = random(n * 16);
      const pdx = backend.alloc(n * 16 * 36);
      kernels.push({ name: 'avgpool 6x6', pass: 'forward', flops: y.length, run: () => backend.avgPool2dForward(y, pout, pg, false) });
      kernels.push({ name: 'avgpool backward', pass: 'backward', flops: y.length, run: () => backend.avgPool2dBackward(pdy, pdx, pg, false) });
    }
  }
  return kernels;
}

// ------------------------------------------------------------------ timing
function medianMs(run: () => void, minMs: number, minReps: number): number {
  run();
  if (minReps > 1) run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minReps || (performance.now() - start < minMs && times.length < 200)) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[0]!; // the fastest run: the machine is shared, and slower runs measure the neighbours
}

interface Column {
  label: string;
  times: Map<string, number>;
}

function timeAll(label: string, backend: Backend, n: number, minMs: number, passes: Kernel['pass'][], minReps = 5): Column {
  const times = new Map<string, number>();
  for (const k of modelKernels(backend, n)) if (passes.includes(k.pass)) times.set(k.name, medianMs(k.run, minMs, minReps));
  return { label, times };
}

function pad(s: string, width: number, right = false): string {
  return right ? s.padStart(width) : s.padEnd(width);
}

function printTable(title: string, n: number, columns: Column[], passes: Kernel['pass'][]): void {
  const kernels = modelKernels(createReferenceBackend(), 1).filter((k) => passes.includes(k.pass)); // names and passes only
  const flopsAt = new Map(modelKernels(createReferenceBackend(), n).map((k) => [k.name, k.flops]));
  console.log(`\n${title} (batch ${n}; ms per call, fastest of repeated runs)`);
  const header = [pad('kernel', 26), ...columns.map((c) => pad(c.label, 12, true)), pad('GFLOP/s', 10, true)].join(' ');
  console.log(header);
  console.log('-'.repeat(header.length));
  const last = columns[columns.length - 1]!;
  for (const k of kernels) {
    const cells = columns.map((c) => {
      const t = c.times.get(k.name);
      return pad(t === undefined ? '-' : t.toFixed(3), 12, true);
    });
    const t = last.times.get(k.name);
    const gflops = t === undefined ? '-' : ((flopsAt.get(k.name) ?? 0) / (t * 1e6)).toFixed(1);
    console.log([pad(k.name, 26), ...cells, pad(gflops, 10, true)].join(' '));
  }
  const total = (c: Column, passes: Kernel['pass'][]): number =>
    kernels.filter((k) => passes.includes(k.pass)).reduce((s, k) => s + (c.times.get(k.name) ?? NaN), 0);
  console.log('-'.repeat(header.length));
  const trainRow = columns.map((c) => pad(total(c, passes).toFixed(2), 12, true));
  console.log([pad('sum', 26), ...trainRow].join(' '));
  const trainImg = columns.map((c) => pad(Math.round((n * 1000) / total(c, passes)).toString(), 12, true));
  console.log([pad('  = img/s (kernels only)', 26), ...trainImg].join(' '));
}

// ------------------------------------------------------------------ main
const columns: Column[] = [];
const TRAIN: Kernel['pass'][] = ['forward', 'train-only', 'backward'];
const INFER: Kernel['pass'][] = ['forward', 'infer-only'];
if (WITH_REFERENCE) columns.push(timeAll('reference', createReferenceBackend(), BATCH, 0, TRAIN, 1));
const backends: WasmBackend[] = [];
for (const t of THREADS) {
  const b = await createWasmBackend({ threads: t });
  backends.push(b);
  columns.push(timeAll(`wasm ${t}T`, b, BATCH, MIN_MS, TRAIN));
}
printTable('m3 training-step kernels', BATCH, columns, TRAIN);

const inferColumns: Column[] = [];
for (let i = 0; i < THREADS.length; i++) {
  inferColumns.push(timeAll(`wasm ${THREADS[i]}T`, backends[i]!, INFER_BATCH, MIN_MS / 2, INFER));
}
printTable('m3 inference kernels', INFER_BATCH, inferColumns, INFER);
for (const b of backends) b.dispose();
