// Compiles the AssemblyScript kernels (assembly/) to build/kernels.wasm.
//
// Flags, and why:
//   --enable simd,threads        SIMD128 kernels over a shared (threads) memory. No relaxed SIMD: Node 20 needs a flag for it.
//   --importMemory --sharedMemory --maximumMemory 65536
//                                the host creates ONE shared WebAssembly.Memory that the main thread and every worker
//                                instantiate the module over; 65536 pages (4 GiB) is only the upper bound the host may choose below.
//   --runtime stub --noAssert    the kernels never allocate or assert; no GC, no bounds-check traps in hot loops.
//   --use abort=                 drops abort() and its message strings, so the module has no data segments that
//                                each instance would re-write into the shared memory.
//   --memoryBase 0               keeps any static data (there should be none) at the bottom page, which the host reserves.
// The build is deterministic (same sources, same bytes) and takes a couple of seconds.
import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(root, 'build', 'kernels.wasm');
mkdirSync(dirname(outFile), { recursive: true });

const args = [
  join(root, 'assembly', 'index.ts'),
  '--outFile', outFile,
  '-O3',
  '--enable', 'simd',
  '--enable', 'threads',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory', '1',
  '--maximumMemory', '65536',
  '--runtime', 'stub',
  '--noAssert',
  '--use', 'abort=',
  '--memoryBase', '0',
];
if (process.argv.includes('--text')) args.push('--textFile', join(root, 'build', 'kernels.wat'));

const started = Date.now();
const { error, stderr } = await asc.main(args, { stdout: process.stdout, stderr: process.stderr });
if (error) {
  console.error(`build-wasm: AssemblyScript compilation failed: ${error.message}`);
  console.error(stderr.toString());
  process.exit(1);
}
console.log(`build-wasm: wrote ${outFile} in ${Date.now() - started} ms`);
