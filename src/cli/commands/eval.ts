/**
 * `mnist-lab eval`: a checkpoint's loss, accuracy and per-class accuracy on a split: the whole split,
 * or its first N images with --limit (a run trained with --limit-test N recorded its test accuracy on
 * the first N test images; `eval --limit N` reproduces that figure).
 *
 * Several checkpoints are evaluated as an ensemble (src/models/ensemble.ts): the mean of their
 * probabilities, its loss the negative log of that mean at the label; each member's own loss and
 * accuracy are reported beside it, and the parameter count is the members' sum.
 */
import { Command, Option } from 'commander';
import { loadMnist } from '../../data/mnist.js';
import { DataLoader } from '../../data/data-loader.js';
import { Normalize } from '../../data/transforms/normalize.js';
import { allocPersistent } from '../../tensor/memory-scope.js';
import { evaluate, formatEvalLine, type EvalResult } from '../../train/evaluate.js';
import { Ensemble, ENSEMBLE_COMBINE_RULE, evaluateEnsemble } from '../../models/ensemble.js';
import { choice, positiveInt } from '../options.js';
import { defaultThreads, startBackend, type BackendName } from '../../backend/engine.js';
import { loadModelsFromCheckpoints } from './load-model.js';

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

function perClassRows(r: EvalResult): { class: number; correct: number; total: number; accuracy: number }[] {
  return r.perClassTotal.map((total, c) => ({
    class: c, correct: r.perClassCorrect[c]!, total, accuracy: total ? (100 * r.perClassCorrect[c]!) / total : 0,
  }));
}

function perClassTable(r: EvalResult): string[] {
  const lines = ['class  correct  total  accuracy'];
  for (const p of perClassRows(r)) lines.push(`${String(p.class).padStart(5)}  ${String(p.correct).padStart(7)}  ${String(p.total).padStart(5)}  ${p.accuracy.toFixed(2).padStart(7)}%`);
  return lines;
}

export function addEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('evaluate a checkpoint (run directory, .safetensors or .json): loss, accuracy and per-class accuracy; several checkpoints: their ensemble (mean of their probabilities) and each one')
    .argument('<checkpoint...>', 'a run directory (uses best.safetensors), a .safetensors file or a checkpoint .json; several make an ensemble')
    .option('-m, --model <name>', 'architecture, for weights without mnist-lab metadata (e.g. saved by PyTorch); applies to every checkpoint given')
    .addOption(new Option('--split <name>', 'which set to evaluate').argParser(choice('--split', ['test', 'train'] as const)).default('test'))
    .option('--data-dir <dir>', 'IDX files instead of the bundled MNIST')
    .option('-b, --batch-size <n>', 'evaluation batch size', positiveInt('--batch-size'), 1000)
    .option('--limit <n>', "only the first N images of the split (as train's --limit-test / --limit-train)", positiveInt('--limit'))
    .option('--json', 'print machine-readable JSON')
    .option('-t, --threads <n>', 'worker threads (default: every core)', positiveInt('--threads'), defaultThreads())
    .addOption(new Option('--backend <name>', 'compute backend').argParser(choice('--backend', ['wasm', 'reference'] as const)).default('wasm'))
    .action(async (checkpoints: string[], flags: EvalFlags) => {
      const engine = await startBackend(flags.backend, flags.threads);
      try {
        const loaded = loadModelsFromCheckpoints(checkpoints, flags.model);
        const data = loadMnist({ dataDir: flags.dataDir, valSplit: 0, limit: flags.limit === undefined ? undefined : { [flags.split]: flags.limit } });
        const dataset = flags.split === 'test' ? data.test : data.train;
        const loader = new DataLoader(dataset, { batchSize: flags.batchSize, transform: new Normalize(), allocate: allocPersistent });
        const label = flags.split === 'test' ? 'Test set' : 'Train set';
        if (loaded.length === 1) {
          const { model, modelName, weights } = loaded[0]!;
          const r = evaluate(model, loader);
          if (flags.json) {
            process.stdout.write(`${JSON.stringify({ checkpoint: weights, model: modelName, split: flags.split, n: r.total, correct: r.correct, accuracy: r.accuracy, loss: r.loss, perClass: perClassRows(r) }, null, 2)}\n`);
            return;
          }
          process.stdout.write(`${[`${modelName} from ${weights}`, formatEvalLine(label, r), '', ...perClassTable(r)].join('\n')}\n`);
          return;
        }
        const ensemble = new Ensemble(loaded.map((l) => l.model));
        const { ensemble: r, members } = evaluateEnsemble(ensemble, loader);
        const parameters = ensemble.numParameters();
        const memberRows = loaded.map((l, i) => ({
          checkpoint: l.weights, model: l.modelName, parameters: l.model.numParameters(),
          n: members[i]!.total, correct: members[i]!.correct, accuracy: members[i]!.accuracy, loss: members[i]!.loss,
        }));
        if (flags.json) {
          const out = {
            model: 'ensemble', combine: ENSEMBLE_COMBINE_RULE, split: flags.split, parameters,
            n: r.total, correct: r.correct, accuracy: r.accuracy, loss: r.loss, perClass: perClassRows(r), members: memberRows,
          };
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        const lines = [`ensemble of ${loaded.length} models, ${parameters.toLocaleString('en-US')} parameters in all (${ENSEMBLE_COMBINE_RULE})`];
        memberRows.forEach((m, i) => {
          lines.push(`  ${i + 1}. ${m.model} from ${m.checkpoint} (${m.parameters.toLocaleString('en-US')} parameters)`);
          lines.push(`     ${formatEvalLine(label, members[i]!)}`);
        });
        lines.push(`Ensemble: ${formatEvalLine(label, r)}`, '', ...perClassTable(r));
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        engine.close();
      }
    });
}
