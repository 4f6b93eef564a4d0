// One-off repair (2026-11-23): the runner saved the last step's predictions instead of the weight
// average's for EMA experiments (fixed in src/experiments/runner.ts); this recomputed them from
// each seed's last.safetensors (the averaged weights the last epoch reported), and checks that loss and
// correct count equal the recorded last epoch to the bit. Run from the repository root after a build:
//   node notes/recompute-predictions.mjs 07-gapnet-8k-ema 08-gapnet-5k-ema 09-gapnet-8k-early-anneal
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
const root = process.cwd();
const { createModel } = await import(join(root, 'dist/src/models/zoo.js'));
const { readWeights } = await import(join(root, 'dist/src/train/checkpoint.js'));
const { loadMnist } = await import(join(root, 'dist/src/data/mnist.js'));
const { DataLoader } = await import(join(root, 'dist/src/data/data-loader.js'));
const { Normalize } = await import(join(root, 'dist/src/data/transforms/normalize.js'));
const { evaluate } = await import(join(root, 'dist/src/train/evaluate.js'));
const { allocPersistent } = await import(join(root, 'dist/src/tensor/memory-scope.js'));
const { startBackend } = await import(join(root, 'dist/src/backend/engine.js'));
const engine = await startBackend('wasm', 2);
const test = loadMnist({ valSplit: 0 }).test;
// As the trainer's test loader: batches in backend memory (see notes/NOTES.md on the last bits).
const loader = new DataLoader(test, { batchSize: 1000, transform: new Normalize(), allocate: (n) => allocPersistent(n) });
for (const name of process.argv.slice(2)) {
  const path = join(root, 'reports/results', `${name}.json`);
  const result = JSON.parse(readFileSync(path, 'utf8'));
  for (const run of result.seeds) {
    const model = createModel(result.model);
    model.loadStateDict(readWeights(join(root, run.runDir, 'last.safetensors')));
    const r = evaluate(model, loader, { collectPredictions: true });
    const last = run.history.at(-1);
    if (r.correct !== last.testCorrect || r.loss !== last.testLoss) throw new Error(`${name} seed ${run.seed}: ${r.correct} vs ${last.testCorrect}`);
    run.testPredictions = Array.from(r.predictions).join('');
    console.log(name, run.seed, r.correct);
  }
  writeFileSync(`${path}.tmp`, `${JSON.stringify(result, null, 1)}\n`);
  renameSync(`${path}.tmp`, path);
}
engine.close();
