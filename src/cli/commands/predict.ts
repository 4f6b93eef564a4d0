/**
 * `mnist-lab predict`: reads a digit from a PNG, or from the test set by index. Several checkpoints
 * predict as an ensemble: the mean of their probabilities (src/models/ensemble.ts), each member's
 * own prediction listed below it.
 */
import { Command, Option } from 'commander';
import { Tensor } from '../../tensor/tensor.js';
import { loadMnist } from '../../data/mnist.js';
import { rgbaToGray, toMnistDigit } from '../../data/digit-image.js';
import { readPngFile } from '../../io/png-image.js';
import { MnistLabError } from '../../util/errors.js';
import { choice, nonNegativeInt, positiveInt } from '../options.js';
import { defaultThreads, startBackend, type BackendName } from '../../backend/engine.js';
import { meanProbabilityLog } from '../../models/ensemble.js';
import { classifyDigit } from '../../models/classify-digit.js';
import { loadModelsFromCheckpoints } from './load-model.js';

interface PredictFlags {
  image?: string;
  index?: number;
  model?: string;
  json?: boolean;
  threads: number;
  backend: BackendName;
  dataDir?: string;
}

function readPng(path: string): Float32Array {
  const name = `--image ${path}`;
  const { width, height, rgba } = readPngFile(path, name);
  return toMnistDigit(rgbaToGray(rgba, width, height), name);
}

function argmax(values: readonly number[]): number {
  return values.indexOf(Math.max(...values));
}

export function addPredictCommand(program: Command): void {
  program
    .command('predict')
    .description('read one digit with a trained model: from a PNG (--image) or a test-set image (--index)')
    .argument('<checkpoint...>', 'a run directory, a .safetensors or a checkpoint .json; several predict as an ensemble (mean of their probabilities)')
    .option('-i, --image <png>', 'a PNG of one digit (any size; dark-on-light or light-on-dark)')
    .option('--index <n>', 'an index into the test set (0-9999)', nonNegativeInt('--index'))
    .option('-m, --model <name>', 'architecture, for weights without mnist-lab metadata; applies to every checkpoint given')
    .option('--data-dir <dir>', 'IDX files instead of the bundled MNIST (for --index)')
    .option('--json', 'print machine-readable JSON')
    .option('-t, --threads <n>', 'worker threads', positiveInt('--threads'), Math.min(defaultThreads(), 1))
    .addOption(new Option('--backend <name>', 'compute backend').argParser(choice('--backend', ['wasm', 'reference'] as const)).default('reference'))
    .action(async (checkpoints: string[], flags: PredictFlags) => {
      if ((flags.image === undefined) === (flags.index === undefined)) throw new MnistLabError('predict: give exactly one of --image <png> or --index <n>');
      const engine = await startBackend(flags.backend, flags.threads);
      try {
        const loaded = loadModelsFromCheckpoints(checkpoints, flags.model);
        let pixels: Float32Array;
        let label: number | null = null;
        if (flags.image !== undefined) {
          pixels = readPng(flags.image);
        } else {
          const test = loadMnist({ dataDir: flags.dataDir, valSplit: 0 }).test;
          const i = flags.index!;
          if (i >= test.n) throw new MnistLabError(`--index ${i}: the test set has ${test.n} images (0-${test.n - 1})`);
          pixels = Float32Array.from(test.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
          label = test.labels[i]!;
        }
        // The Draw page reads a digit with the same function.
        const readings = loaded.map((l) => classifyDigit(l.model, pixels));
        const memberProbs = readings.map((r) => r.probabilities);
        const ensemble = loaded.length > 1;
        const probs = ensemble
          ? Array.from(meanProbabilityLog(readings.map((r) => Tensor.from(r.logProbabilities, [1, r.logProbabilities.length]))).data, (v) => Math.exp(v))
          : memberProbs[0]!;
        const digit = argmax(probs);
        const members = loaded.map((l, i) => ({ checkpoint: l.weights, model: l.modelName, digit: argmax(memberProbs[i]!), probabilities: memberProbs[i]! }));
        if (flags.json) {
          const out = ensemble
            ? { model: 'ensemble', digit, probabilities: probs, label, members }
            : { model: loaded[0]!.modelName, digit, probabilities: probs, label };
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        const lines = [`Prediction: ${digit} (${(100 * probs[digit]!).toFixed(2)}%)${label !== null ? `, label ${label}` : ''}${ensemble ? `, the mean of ${loaded.length} models' probabilities` : ''}`];
        probs.forEach((p, d) => lines.push(`  ${d}: ${(100 * p).toFixed(2).padStart(6)}% ${'█'.repeat(Math.round(p * 40))}`));
        if (ensemble) {
          members.forEach((m, i) => lines.push(`  model ${i + 1}: ${m.digit} (${(100 * m.probabilities[m.digit]!).toFixed(2)}%), ${m.model} from ${m.checkpoint}`));
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        engine.close();
      }
    });
}
