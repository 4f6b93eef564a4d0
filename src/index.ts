/**
 * mnist-lab's public API: a PyTorch-like engine (tensors, autograd, nn, optim), the data pipeline,
 * the trainer and checkpoints. See the README for a tour.
 */
export { Tensor, FreedGraphError, type GradFn, type BackwardOptions } from './tensor/tensor.js';
export { noGrad, isGradEnabled } from './tensor/grad-mode.js';
export { scope, keep } from './tensor/memory-scope.js';
export { manualSeed } from './tensor/random.js';
export * as ops from './tensor/ops/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export { setBackend, getBackend } from './backend/current.js';
export type { Backend } from './backend/backend.js';
export { createReferenceBackend } from './backend/reference/index.js';
export { createWasmBackend } from './backend/wasm/index.js';
export * from './data/index.js';
export { Trainer, type TrainerOptions, type TrainResult, type BatchProgress } from './train/trainer.js';
export type { RunRecorder } from './train/run-recorder.js';
export { FileRunRecorder } from './train/file-recorder.js';
export { MemoryRunRecorder, type MemoryCheckpoint } from './train/memory-recorder.js';
export { DEFAULT_RECIPE, type Recipe } from './train/recipe.js';
export {
  RUN_SPEC_FORMAT, formatRunSpec, parseRunSpec, runSpecProblems, validateRunSpec,
  type RunSpec, type DataSpec, type ModelConfig as RunModelConfig,
} from './train/run-spec.js';
export { readRunSpecFile } from './train/run-spec-file.js';
export { runSpec, type RunHooks, type RunOutcome } from './run/run.js';
export { runSpecInMemory, type MemoryRunOptions, type MnistSource } from './run/memory-run.js';
export { planResume, type ResumePlan } from './run/resume.js';
export { startBackend, defaultThreads, type EngineHandle } from './backend/engine.js';
export { evaluate, type EvalResult } from './train/evaluate.js';
export { saveWeights, readWeights, locateCheckpoint, type CheckpointMeta } from './train/checkpoint.js';
export { readSafetensorsFile, readSafetensorsFileSync, writeSafetensorsFile, writeSafetensorsFileSync, parseSafetensors, serializeSafetensors } from './io/safetensors.js';
export { createModel, listModels, registerModel, type ZooEntry, type ModelConfig } from './models/zoo.js';
export { Mnist8kM3 } from './models/mnist8k-m3.js';
export { GapNet } from './models/gap-net.js';
export { collectSummary, summaryText } from './report/model-summary.js';
export { MnistLabError } from './util/errors.js';
export { Rng } from './util/rng.js';
