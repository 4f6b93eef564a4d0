/**
 * `mnist-lab eval`: a checkpoint's loss, accuracy and per-class accuracy on a split: the whole split,
 * or its first N images with --limit (a run trained with --limit-test N recorded its test accuracy on
 * the first N test images; `eval --limit N` reproduces that figure).
 */
import { Command, Option } from 'commander';
import { loadMnist } from '../../data/mnist.js';
import { DataLoader } from '../../data/data-loader.js';
import { Normalize } from '../../data/transforms/normalize.js';
import { allocPersistent } from '../../tensor/memory-scope.js';
import { evaluate, formatEvalLine } from '../../train/evaluate.js';
import { choice, positiveInt } from '../options.js';
import { defaultThreads, startBackend, type BackendName } from '../../backend/engine.js';
import { loadModelFromCheckpoint } from './load-model.js';

interface EvalFlags {
  model?: string;
  split: 'test' | 'train';
  dataDir?: string;
  json?: boolean;
  threads: number;
  backend: BackendName;
  batchSize: number;
  limit?: number;
}

export function addEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('evaluate a checkpoint (run directory, .safetensors or .json): loss, accuracy and per-class accuracy')
    .argument('<checkpoint>', 'a run directory (uses best.safetensors), a .safetensors file or a checkpoint .json')
    .option('-m, --model <name>', 'architecture, for weights without mnist-lab metadata (e.g. saved by PyTorch)')
    .addOption(new Option('--split <name>', 'which set to evaluate').argParser(choice('--split', ['test', 'train'] as const)).default('test'))
    .option('--data-dir <dir>', 'IDX files instead of the bundled MNIST')
    .option('-b, --batch-size <n>', 'evaluation batch size', positiveInt('--batch-size'), 1000)
    .option('--limit <n>', "only the first N images of the split (as train's --limit-test / --limit-train)", positiveInt('--limit'))
    .option('--json', 'print machine-readable JSON')
    .option('-t, --threads <n>', 'worker threads (default: every core)', positiveInt('--threads'), defaultThreads())
    .addOption(new Option('--backend <name>', 'compute backend').argParser(choice('--backend', ['wasm', 'reference'] as const)).default('wasm'))
    .action(async (checkpoint: string, flags: EvalFlags) => {
      const engine = await startBackend(flags.backend, flags.threads);
      try {
        const { model, modelName, weights } = loadModelFromCheckpoint(checkpoint, flags.model);
        const data = loadMnist({ dataDir: flags.dataDir, valSplit: 0, limit: flags.limit === undefined ? undefined : { [flags.split]: flags.limit } });
        const dataset = flags.split === 'test' ? data.test : data.train;
        const loader = new DataLoader(dataset, { batchSize: flags.batchSize, transform: new Normalize(), allocate: allocPersistent });
        const r = evaluate(model, loader);
        const perClass = r.perClassTotal.map((total, c) => ({
          class: c, correct: r.perClassCorrect[c]!, total, accuracy: total ? (100 * r.perClassCorrect[c]!) / total : 0,
        }));
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ checkpoint: weights, model: modelName, split: flags.split, n: r.total, correct: r.correct, accuracy: r.accuracy, loss: r.loss, perClass }, null, 2)}\n`);
          return;
        }
        const lines = [`${modelName} from ${weights}`, formatEvalLine(flags.split === 'test' ? 'Test set' : 'Train set', r), '', 'class  correct  total  accuracy'];
        for (const p of perClass) lines.push(`${String(p.class).padStart(5)}  ${String(p.correct).padStart(7)}  ${String(p.total).padStart(5)}  ${p.accuracy.toFixed(2).padStart(7)}%`);
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        engine.close();
      }
    });
}
