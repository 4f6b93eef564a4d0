/**
 * A/B of two kernel builds on one shape set, interleaved call by call (the machine is shared, so
 * each side's number is the fastest of many calls):
 *   node dist/bench/ab.js <a.wasm> <b.wasm> [--threads 1] [--batch 1000] [--kernel forward|backward-weight|backward-input]
 *     [--algo-a gemm|winograd] [--algo-b gemm|winograd] [--layers 10/16/26/3,10/15/26/3]
 * --algo-a/b pick each side's convAlgorithm (the same .wasm twice A/Bs Winograd against GEMM);
 * --layers replaces the default (mnist8k-m3) shapes, each cIn/cOut/size/kernel[/groups];
 * --depthwise-gemm-a/-b (no value) run that side's depthwise 3×3 convs on the GEMM path.
 */
import { performance } from 'node:perf_hooks';
import { createWasmBackend, type ConvAlgorithm, type WasmBackend } from '../src/backend/wasm/index.js';
import { conv2dGeometry, type Conv2dGeometry } from '../src/backend/geometry.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const [aPath, bPath] = [process.argv[2]!, process.argv[3]!];
const threads = Number(flag('threads', '1'));
const n = Number(flag('batch', '1000'));
const kernel = flag('kernel', 'forward');
const defaultLayers = '1/10/28/3,10/15/26/3,15/10/24/1,10/16/12/3,16/16/10/3,16/16/8/3';
const layers = flag('layers', defaultLayers).split(',').map((l) => l.split('/').map(Number));
const algorithm = (side: string): ConvAlgorithm => (flag(`algo-${side}`, 'gemm') === 'winograd' ? 'winograd' : 'gemm');

function setup(b: WasmBackend, L: readonly number[]): () => void {
  const [cIn, cOut, size, k, groups = 1] = L as [number, number, number, number, number?];
  const g: Conv2dGeometry = conv2dGeometry([n, cIn, size, size], [cOut, cIn / groups, k, k], [1, 1], [0, 0], [1, 1], groups);
  const fill = (len: number): Float32Array => { const a = b.alloc(len); for (let i = 0; i < len; i++) a[i] = Math.sin(i * 1.7); return a; };
  const x = fill(n * cIn * size * size), w = fill((cOut * cIn / groups) * k * k), y = fill(n * cOut * g.outH * g.outW);
  const dx = b.alloc(x.length), dw = b.alloc(w.length);
  if (kernel === 'backward-weight') return () => b.conv2dBackwardWeight(x, y, dw, g);
  if (kernel === 'backward-input') return () => b.conv2dBackwardInput(y, w, dx, g);
  return () => b.conv2dForward(x, w, null, y, g);
}

const A = await createWasmBackend({ threads, wasmLocation: aPath, convAlgorithm: algorithm('a'), depthwiseViaGemm: process.argv.includes('--depthwise-gemm-a') });
const B = await createWasmBackend({ threads, wasmLocation: bPath, convAlgorithm: algorithm('b'), depthwiseViaGemm: process.argv.includes('--depthwise-gemm-b') });
let sumA = 0, sumB = 0;
for (const L of layers) {
  const ra = setup(A, L), rb = setup(B, L);
  let ta = Infinity, tb = Infinity;
  const deadline = performance.now() + 1500;
  while (performance.now() < deadline) {
    let t = performance.now(); ra(); ta = Math.min(ta, performance.now() - t);
    t = performance.now(); rb(); tb = Math.min(tb, performance.now() - t);
  }
  sumA += ta; sumB += tb;
  console.log(`${L.join('/').padEnd(12)} A ${ta.toFixed(3).padStart(8)} ms   B ${tb.toFixed(3).padStart(8)} ms   B/A ${(tb / ta).toFixed(2)}`);
}
console.log(`sum          A ${sumA.toFixed(3).padStart(8)} ms   B ${sumB.toFixed(3).padStart(8)} ms   B/A ${(sumB / sumA).toFixed(2)}`);
A.dispose();
B.dispose();
