/**
 * `mnist-lab export CHECKPOINT --format onnx [--out FILE] [--fold-bn]`: the checkpoint's model as an
 * ONNX file for deployment (src/export/onnx-export.ts), BatchNorm kept or folded into the conv before
 * it. The exporter is loaded only when this command runs, so the other commands do not need its
 * protobuf dependency.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { choice, positiveInt } from '../options.js';
import { defaultThreads, startBackend, type BackendName } from '../../backend/engine.js';
import { writeFileAtomicSync } from '../../util/atomic-write.js';
import { MnistLabError } from '../../util/errors.js';
import { loadModelFromCheckpoint } from './load-model.js';

interface ExportFlags {
  format: 'onnx';
  out?: string;
  foldBn?: boolean;
  model?: string;
  threads: number;
  backend: BackendName;
}

/** best.safetensors → best.onnx, beside it. */
function defaultOutPath(weights: string): string {
  return weights.endsWith('.safetensors') ? `${weights.slice(0, -'.safetensors'.length)}.onnx` : `${weights}.onnx`;
}

async function loadExporter(): Promise<typeof import('../../export/onnx-export.js')> {
  try {
    return await import('../../export/onnx-export.js');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && /protobufjs/.test(String(err))) {
      throw new MnistLabError("export needs the npm package 'protobufjs', which is not installed; run 'npm install' in mnist-lab");
    }
    throw err;
  }
}

export function addExportCommand(program: Command): void {
  program
    .command('export')
    .description("write a checkpoint's model as an ONNX file (opset 17) for deployment: normalised [N,1,28,28] images in, [N,10] log-probabilities out")
    .argument('<checkpoint>', 'a run directory (uses best.safetensors), a .safetensors file or a checkpoint .json')
    .addOption(new Option('--format <format>', 'output format').argParser(choice('--format', ['onnx'] as const)).default('onnx'))
    .option('-o, --out <file>', 'where to write it (default: beside the weights, e.g. best.onnx)')
    .option('--fold-bn', 'fold each BatchNorm into the conv (or linear layer) before it, instead of keeping BatchNormalization nodes')
    .option('-m, --model <name>', 'architecture, for weights without mnist-lab metadata (e.g. saved by PyTorch)')
    .option('-t, --threads <n>', 'worker threads for the check run (default: every core)', positiveInt('--threads'), defaultThreads())
    .addOption(new Option('--backend <name>', 'compute backend for the check run').argParser(choice('--backend', ['wasm', 'reference'] as const)).default('wasm'))
    .action(async (checkpoint: string, flags: ExportFlags) => {
      const { exportOnnx, ONNX_OPSET } = await loadExporter();
      const engine = await startBackend(flags.backend, flags.threads);
      try {
        const { model, modelName, weights } = loadModelFromCheckpoint(checkpoint, flags.model);
        const out = flags.out ?? defaultOutPath(weights);
        const dir = dirname(out);
        if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MnistLabError(`--out ${out}: the folder ${dir} does not exist`);
        if (existsSync(out) && statSync(out).isDirectory()) throw new MnistLabError(`--out ${out}: is a folder; give a file name such as ${out}/model.onnx`);
        const result = exportOnnx(model, { foldBn: flags.foldBn, modelName });
        writeFileAtomicSync(out, result.bytes);
        const bn = result.foldedBn + result.keptBn === 0 ? 'no BatchNorm'
          : flags.foldBn ? `BatchNorm: ${result.foldedBn} folded into the layer before it${result.keptBn ? `, ${result.keptBn} kept (not right after a conv or linear layer)` : ''}`
            : `BatchNorm: ${result.keptBn} kept as BatchNormalization`;
        process.stdout.write(`wrote ${out} (${(result.bytes.length / 1024).toFixed(1)} KiB): ${modelName} as ONNX opset ${ONNX_OPSET}, ${result.graph.nodes.length} nodes, ` +
          `input "${result.graph.input.name}" [N, 1, 28, 28] (normalised images), output "${result.graph.output.name}" [N, 10]; ${bn}\n`);
      } finally {
        engine.close();
      }
    });
}
