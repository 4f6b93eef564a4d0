/**
 * The epoch loop. Each training step runs inside a memory scope, so the backend reuses the same
 * buffers every step and memory stays flat across epochs. The loop yields to the event loop
 * between batches so that Ctrl-C (an AbortSignal) is noticed; on abort it stops at the batch
 * boundary, and the last checkpoint (written at every epoch end, and once before training) resumes
 * the run exactly.
 *
 * It uses no platform API, so the same loop trains in Node and in a browser tab's worker: what it
 * records goes to a RunRecorder (a run folder in Node, memory in a tab), and it yields to the event
 * loop through a helper that works on both.
 */
import { yieldToEventLoop } from '../util/yield-to-event-loop.js';
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { allocPersistent, scope } from '../tensor/memory-scope.js';
import { nllLoss } from '../tensor/ops/loss.js';
import { getEngineRngState, setEngineRngState } from '../tensor/random.js';
import { DataLoader } from '../data/data-loader.js';
import type { MnistSplits } from '../data/mnist-splits.js';
import { Normalize } from '../data/transforms/normalize.js';
import type { Transform } from '../data/transforms/transform.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Scheduler } from '../optim/lr-scheduler/scheduler.js';
import { optimizerStateDictToJson } from '../optim/state-dict.js';
import { ExponentialMovingAverage } from '../optim/ema.js';
import { updateBn } from './update-bn.js';
import { ProgressBar, type ProgressStream } from './progress-bar.js';
import { MnistLabError } from '../util/errors.js';
import { buildOptimizer, buildScheduler, buildTrainTransform } from './recipe.js';
import type { BestMetric, RunSpec } from './run-spec.js';
import type { CheckpointMeta } from './checkpoint.js';
import { CHECKPOINT_FORMAT } from './checkpoint-meta-schema.js';
import type { EpochMetrics } from './metrics.js';
import type { CheckpointName, RunRecorder } from './run-recorder.js';
import { evaluate, formatEvalLine, type EvalResult } from './evaluate.js';

export type { BestMetric } from './run-spec.js';

export interface TrainerOptions {
  /** The run: its recipe, seed, model name and config (recorded in checkpoints), best metric. */
  spec: RunSpec;
  /**
   * Where the log, history and checkpoints go: a run folder in Node (FileRunRecorder of
   * spec.outDir), memory in a browser; absent or null records nothing (tests, benchmarks).
   */
  recorder?: RunRecorder | null;
  /** mnist-lab's version, recorded in checkpoints (Node: mnistLabVersion()); default 'unknown'. */
  mnistLabVersion?: string;
  /** The spec's model, built after the engine was seeded with spec.seed. */
  model: Module;
  /** The spec's data. */
  data: MnistSplits;
  /** The worker threads actually running, recorded in checkpoints. */
  threads: number;
  /** Receives every log line (per-epoch results, notices). */
  log: (line: string) => void;
  /** Draws a live bar when this is a TTY. */
  progressStream?: ProgressStream | null;
  signal?: AbortSignal;
  /** Continue from this checkpoint (the model's weights must already be loaded from it). */
  resume?: CheckpointMeta | null;
  evalBatchSize?: number;
  onEpochEnd?: (metrics: EpochMetrics) => void;
  /** After every training step: for live progress (the browser's bar and curves). */
  onBatchEnd?: (progress: BatchProgress) => void;
}

/** Where an epoch stands after a step, and the running figures a progress bar shows. */
export interface BatchProgress {
  epoch: number;
  /** Steps done so far in this epoch (1 after its first step), of `batches`. */
  batch: number;
  batches: number;
  /** This step's loss, and its batch's size and correct predictions. */
  loss: number;
  size: number;
  correct: number;
  /** The epoch's running train loss and accuracy (%) so far. */
  meanLoss: number;
  accuracy: number;
  /** Images trained on in this epoch so far, and the seconds that took. */
  seen: number;
  seconds: number;
}

export interface TrainResult {
  history: EpochMetrics[];
  best: CheckpointMeta['best'];
  /** True when stopped early by the signal. */
  interrupted: boolean;
  epochsCompleted: number;
}

export class Trainer {
  readonly optimizer: Optimizer;
  readonly scheduler: Scheduler | null;
  readonly trainLoader: DataLoader;
  readonly valLoader: DataLoader | null;
  /** null when the run does not read the test set. */
  readonly testLoader: DataLoader | null;
  /** The training images, unaugmented and in order, for the average's BN statistics (recipe.ema.updateBn). */
  private readonly bnLoader: DataLoader | null;
  /** The weight average that is evaluated and saved, when the recipe asks for one. */
  readonly ema: ExponentialMovingAverage | null;
  /**
   * The unaugmented transform of the val, test and BN loaders, and of the train loader once
   * recipe.augmentation.untilEpoch has passed; stateless, so one instance serves them all.
   */
  private readonly plainTransform: Transform = new Normalize();
  private readonly history: EpochMetrics[] = [];
  private best: CheckpointMeta['best'];
  private readonly bestMetric: BestMetric;

  private readonly recorder: RunRecorder | null;

  constructor(private readonly o: TrainerOptions) {
    const { data, model } = o;
    const { recipe } = o.spec;
    this.recorder = o.recorder ?? null;
    // Batches live in backend memory for the lifetime of the run, so kernels read them in place.
    const allocate = (n: number): Float32Array => allocPersistent(n);
    this.trainLoader = new DataLoader(data.train, {
      batchSize: recipe.batchSize, shuffle: true, seed: o.spec.seed, transform: buildTrainTransform(recipe.augmentation), allocate,
    });
    const evalBatch = o.evalBatchSize ?? 1000;
    const transform = this.plainTransform;
    this.valLoader = data.val ? new DataLoader(data.val, { batchSize: evalBatch, transform, allocate }) : null;
    this.testLoader = data.test ? new DataLoader(data.test, { batchSize: evalBatch, transform, allocate }) : null;
    this.optimizer = buildOptimizer(recipe.optimizer, model.parameters());
    this.scheduler = buildScheduler(recipe.scheduler, this.optimizer, recipe.epochs, this.trainLoader.length);
    this.ema = recipe.ema ? new ExponentialMovingAverage(model, recipe.ema.decay, { useBuffers: !recipe.ema.updateBn }) : null;
    this.bnLoader = recipe.ema?.updateBn ? new DataLoader(data.train, { batchSize: evalBatch, transform, allocate }) : null;
    this.bestMetric = o.spec.bestMetric ?? (data.val ? 'val_accuracy' : 'test_accuracy');
    if (this.bestMetric.startsWith('test') && !data.test) throw new MnistLabError(`the best checkpoint is chosen by ${this.bestMetric}, but this run does not read the test set`);
    if (this.bestMetric.startsWith('val') && !data.val) {
      throw new MnistLabError(`--best-metric ${this.bestMetric} needs a validation split; add --val-split 10000`);
    }
    this.best = { metric: this.bestMetric, value: null, epoch: null };
    if (o.resume) this.restore(o.resume);
  }

  private restore(meta: CheckpointMeta): void {
    this.optimizer.loadStateDict(meta.optimizer);
    if (this.scheduler && meta.scheduler) this.scheduler.loadStateDict(meta.scheduler);
    setEngineRngState(meta.rng.engine);
    this.trainLoader.loadStateDict(meta.rng.trainLoader);
    if (this.ema) this.restoreAverage(meta);
    this.history.push(...meta.history);
    this.best = meta.best;
  }

  /**
   * A checkpoint's weights file holds the average (the model that was evaluated); the training
   * weights it was averaging ride in the metadata, like the optimizer's momentum buffers.
   */
  private restoreAverage(meta: CheckpointMeta): void {
    const ema = this.ema!;
    if (!meta.ema) throw new MnistLabError('the checkpoint was trained without an EMA of the weights, but its recipe asks for one; the metadata is damaged');
    ema.loadStateDict({ decay: meta.ema.decay, nAveraged: meta.ema.nAveraged, averages: this.modelWeights() });
    const training = new Map<string, { shape: number[]; data: number[] }>();
    for (const [name, t] of this.o.model.stateDict()) {
      const values = meta.ema.trainingWeights[name];
      if (values?.length !== t.data.length) throw new MnistLabError(`the checkpoint's training weights for ${name} are missing or the wrong size; the metadata is damaged`);
      training.set(name, { shape: [...t.shape], data: values });
    }
    this.o.model.loadStateDict(training);
  }

  get epochsDone(): number {
    return this.history.length;
  }

  private log(line: string): void {
    this.o.log(line);
    this.recorder?.appendLog(line);
  }

  async run(): Promise<TrainResult> {
    const { recipe } = this.o.spec;
    if (this.epochsDone === 0) this.writeCheckpoint('last', null);
    let interrupted = false;
    for (let epoch = this.epochsDone + 1; epoch <= recipe.epochs; epoch++) {
      const metrics = await this.runEpoch(epoch);
      if (metrics === null) {
        interrupted = true;
        break;
      }
      this.history.push(metrics);
      const improved = this.updateBest(metrics);
      this.writeCheckpoint('last', metrics);
      if (improved) this.writeCheckpoint('best', metrics);
      this.recorder?.writeHistory(this.history);
      this.o.onEpochEnd?.(metrics);
      if (this.o.signal?.aborted) {
        interrupted = epoch < recipe.epochs;
        break;
      }
    }
    return { history: [...this.history], best: this.best, interrupted, epochsCompleted: this.epochsDone };
  }

  /** One epoch of training plus evaluation; null when aborted mid-epoch. */
  private async runEpoch(epoch: number): Promise<EpochMetrics | null> {
    const { model } = this.o;
    const { recipe } = this.o.spec;
    const lr = this.optimizer.paramGroups[0]!.lr;
    this.log(`EPOCH: ${epoch}/${recipe.epochs} (lr ${lr.toPrecision(4)})`);
    model.train();
    const { untilEpoch } = recipe.augmentation;
    if (untilEpoch !== undefined && epoch > untilEpoch && this.trainLoader.transform !== this.plainTransform) {
      this.trainLoader.transform = this.plainTransform;
      this.log(`Augmentation ended after epoch ${untilEpoch}: from epoch ${epoch} on, training uses the plain images.`);
    }
    const start = performance.now();
    const stream = this.o.progressStream;
    const bar = stream?.isTTY ? new ProgressBar({ total: this.trainLoader.length, stream }) : null;
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let batchIndex = 0;
    const { height, width } = this.trainLoader.dataset;
    for (const batch of this.trainLoader) {
      if (this.o.signal?.aborted) {
        bar?.close();
        this.log(`Interrupted during epoch ${epoch} at batch ${batchIndex}/${this.trainLoader.length}; the last checkpoint (epoch ${epoch - 1}) resumes the run.`);
        return null;
      }
      const step = scope(() => {
        const x = new Tensor(batch.images, [batch.size, 1, height, width], false, false);
        const out = model.call(x);
        const loss = nllLoss(out, batch.labels, { labelSmoothing: recipe.labelSmoothing });
        const value = loss.item();
        if (!Number.isFinite(value)) {
          throw new MnistLabError(
            `the loss became ${value} at epoch ${epoch}, batch ${batchIndex}; training stopped before the weights were corrupted. ` +
              `Lower the lr (now ${this.optimizer.paramGroups[0]!.lr.toPrecision(3)}) and resume from the last checkpoint.`,
          );
        }
        this.optimizer.zeroGrad();
        loss.backward();
        this.optimizer.step();
        this.ema?.update();
        const pred = out.argmax();
        let c = 0;
        for (let i = 0; i < batch.size; i++) if (pred[i] === batch.labels[i]) c++;
        return { value, c };
      });
      if (this.scheduler?.stepsPerBatch) this.scheduler.step();
      lossSum += step.value * batch.size;
      correct += step.c;
      seen += batch.size;
      if (bar) {
        bar.setDescription(`Loss=${step.value.toFixed(4)} Batch_id=${batchIndex} Accuracy=${((100 * correct) / seen).toFixed(2)}`);
        bar.update(1);
      }
      batchIndex++;
      this.o.onBatchEnd?.({
        epoch, batch: batchIndex, batches: this.trainLoader.length, loss: step.value, size: batch.size, correct: step.c,
        meanLoss: lossSum / seen, accuracy: (100 * correct) / seen, seen, seconds: (performance.now() - start) / 1000,
      });
      // Lets signals (Ctrl-C) and the progress bar's timers run; costs microseconds per batch.
      await yieldToEventLoop();
    }
    bar?.close();
    const trainSeconds = (performance.now() - start) / 1000;
    const trainLoss = lossSum / seen;
    const trainAccuracy = (100 * correct) / seen;
    this.log(`Train: Average loss: ${trainLoss.toFixed(4)}, Accuracy: ${correct}/${seen} (${trainAccuracy.toFixed(2)}%) [${trainSeconds.toFixed(1)} s, ${Math.round(seen / trainSeconds)} img/s]`);

    const evalStart = performance.now();
    if (this.ema && this.bnLoader) this.ema.updateBuffers(() => updateBn(model, this.bnLoader!));
    const { val, test } = this.withEvaluatedWeights(() => ({
      val: this.valLoader ? evaluate(model, this.valLoader) : null,
      test: this.testLoader ? evaluate(model, this.testLoader) : null,
    }));
    if (val) this.log(formatEvalLine('Validation set', val));
    if (test) this.log(formatEvalLine('Test set', test));
    const evalSeconds = (performance.now() - evalStart) / 1000;
    if (this.scheduler && !this.scheduler.stepsPerBatch) {
      // ReduceLROnPlateau watches validation loss, or training loss without a split: never the test set.
      this.scheduler.step(this.scheduler.needsMetric ? val?.loss ?? trainLoss : undefined);
    }
    return {
      epoch, lr, trainLoss, trainAccuracy,
      valLoss: val?.loss ?? null, valAccuracy: val?.accuracy ?? null,
      testLoss: test?.loss ?? null, testAccuracy: test?.accuracy ?? null, testCorrect: test?.correct ?? null, testTotal: test?.total ?? null,
      epochSeconds: trainSeconds + evalSeconds, trainSeconds, evalSeconds,
    };
  }

  /** Evaluates the model as the run reports it: with the weight average when the recipe has one. */
  evaluate(loader: DataLoader, options: { collectPredictions?: boolean } = {}): EvalResult {
    return this.withEvaluatedWeights(() => evaluate(this.o.model, loader, options));
  }

  /** Runs `fn` with the weights that are evaluated and saved: the average when there is one. */
  private withEvaluatedWeights<T>(fn: () => T): T {
    return this.ema ? this.ema.withAveragedWeights(fn) : fn();
  }

  private updateBest(m: EpochMetrics): boolean {
    const value = {
      val_accuracy: m.valAccuracy, val_loss: m.valLoss, test_accuracy: m.testAccuracy, test_loss: m.testLoss,
    }[this.bestMetric];
    if (value === null) return false;
    const higherIsBetter = this.bestMetric.endsWith('accuracy');
    const prev = this.best.value;
    if (prev === null || (higherIsBetter ? value > prev : value < prev)) {
      this.best = { metric: this.bestMetric, value, epoch: m.epoch };
      return true;
    }
    return false;
  }

  /** The model's state dict as plain arrays, for checkpoint metadata. */
  private modelWeights(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [name, t] of this.o.model.stateDict()) out[name] = Array.from(t.data);
    return out;
  }

  private writeCheckpoint(name: CheckpointName, metrics: EpochMetrics | null): void {
    const recorder = this.recorder;
    if (!recorder) return;
    const { spec } = this.o;
    const meta: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      mnistLabVersion: this.o.mnistLabVersion ?? 'unknown',
      model: { name: spec.model.name, config: spec.model.config, parameters: this.o.model.numParameters() },
      spec,
      epoch: this.epochsDone,
      metrics,
      history: [...this.history],
      best: this.best,
      optimizer: optimizerStateDictToJson(this.optimizer.stateDict()),
      scheduler: this.scheduler ? this.scheduler.stateDict() : null,
      rng: { engine: getEngineRngState(), trainLoader: this.trainLoader.stateDict() },
      threads: this.o.threads,
      savedAt: new Date().toISOString(),
      ...(this.ema && { ema: { decay: this.ema.decay, nAveraged: this.ema.nAveraged, trainingWeights: this.modelWeights() } }),
    };
    this.withEvaluatedWeights(() => recorder.saveCheckpoint(name, this.o.model, meta));
  }
}
