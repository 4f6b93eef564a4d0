// Builds the dashboard's browser code (web/) into dist/web/, which `mnist-lab serve` serves.
// First type-checks web/ with its own tsconfig (DOM types; esbuild only strips types), then bundles
// web/app.ts with vega, vega-lite and vega-embed into one minified ES module, bundles each worker
// script (WORKERS) beside it, copies the engine's kernels (build/kernels*.wasm, which the page fetches)
// and the static files. Nothing is loaded from a CDN at run time.
//
//   node scripts/build-web.js            type-check and build
//   node scripts/build-web.js --no-check build only (esbuild's speed, for iterating)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const webDir = join(root, 'web');
const outDir = join(root, 'dist', 'web');
const STATIC = /\.(html|css|svg|png|ico)$/;
/** Scripts started as Web Workers: each is its own bundle in dist/web/, named after its file. */
const WORKERS = ['engine/kernel-worker.ts', 'engine/train-worker.ts'];
const KERNELS = ['kernels.wasm', 'kernels-single.wasm'];

if (!process.argv.includes('--no-check')) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const check = spawnSync(process.execPath, [tsc, '-p', join(webDir, 'tsconfig.json'), '--noEmit'], { stdio: 'inherit', cwd: root });
  if (check.status !== 0) {
    console.error('build-web: web/ has type errors (above); nothing was built');
    process.exit(1);
  }
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const result = await build({
  entryPoints: [join(webDir, 'app.ts'), ...WORKERS.map((w) => join(webDir, w))],
  outdir: outDir,
  entryNames: '[name]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
});
for (const name of KERNELS) {
  const from = join(root, 'build', name);
  if (!existsSync(from)) {
    console.error(`build-web: ${from} is missing; run \`npm run build:wasm\` first (npm run build does both)`);
    process.exit(1);
  }
  copyFileSync(from, join(outDir, name));
}
for (const name of readdirSync(webDir)) {
  if (STATIC.test(name)) copyFileSync(join(webDir, name), join(outDir, name));
}
const bytes = result.metafile.outputs['dist/web/app.js']?.bytes ?? Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
console.log(`build-web: dist/web/ (app.js ${(bytes / 1e6).toFixed(2)} MB)`);
