/**
 * An ensemble of trained models that averages their predicted probabilities: for each image,
 * p = mean over members of softmax(member), computed from the members' log-probabilities as
 * log p = m + log(sum_i exp(l_i - m)) - log(n) with m = max_i l_i (in double, so a confident member's
 * tiny probabilities do not underflow). Like every zoo model the ensemble returns log-probabilities,
 * log p, so its loss is nll_loss on them: the negative log of the averaged probability of the label.
 * Averaging probabilities (not log-probabilities) is the usual "soft voting": a member that is unsure
 * pulls the mean toward uniform instead of vetoing a class.
 *
 * `Ensemble` is a Module whose children are the members ("0", "1", ... as in nn.ModuleList), so
 * numParameters() is the sum of the members' counts and evaluate() takes it as it takes one model;
 * evaluateEnsemble() also reports each member's own figures from the same forward passes.
 */
import { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/grad-mode.js';
import { scope, allocFloat32 } from '../tensor/memory-scope.js';
import { nllLoss } from '../tensor/ops/loss.js';
import { formatShape } from '../tensor/shape.js';
import type { DataLoader } from '../data/data-loader.js';
import type { EvalResult } from '../train/evaluate.js';

/** How the members' outputs are combined, in words, for reports. */
export const ENSEMBLE_COMBINE_RULE = "mean of the members' probabilities; loss = negative log of that mean at the label";

/**
 * log(mean_i exp(l_i)) elementwise over the members' log-probabilities (all of one shape [N, C]):
 * the log of their mean probability.
 */
export function meanProbabilityLog(memberLogProbs: readonly Tensor[]): Tensor {
  const first = memberLogProbs[0];
  if (!first) throw new Error('meanProbabilityLog: no members');
  for (const t of memberLogProbs) {
    if (t.shape.length !== first.shape.length || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new Error(`meanProbabilityLog: members disagree on the output shape (${formatShape(first.shape)} vs ${formatShape(t.shape)})`);
    }
  }
  const out = new Tensor(allocFloat32(first.size), first.shape);
  const logN = Math.log(memberLogProbs.length);
  for (let j = 0; j < first.size; j++) {
    let m = -Infinity;
    for (const t of memberLogProbs) m = Math.max(m, t.data[j]!);
    if (m === -Infinity) {
      out.data[j] = -Infinity;
      continue;
    }
    let s = 0;
    for (const t of memberLogProbs) s += Math.exp(t.data[j]! - m);
    out.data[j] = m + Math.log(s) - logN;
  }
  return out;
}

export class Ensemble extends Module {
  readonly #members: readonly Module[];

  constructor(members: readonly Module[]) {
    super();
    if (members.length === 0) throw new Error('Ensemble: needs at least one member');
    this.#members = [...members];
    this.#members.forEach((m, i) => this.registerModule(String(i), m));
  }

  get memberModels(): readonly Module[] {
    return this.#members;
  }

  /** Inference only: the combination records no gradient. */
  forward(x: Tensor): Tensor {
    return meanProbabilityLog(this.#members.map((m) => m.call(x)));
  }
}

/** Accumulates evaluate()'s figures batch by batch, from a model's log-probabilities. */
class EvalAccumulator {
  private lossSum = 0;
  private correct = 0;
  private total = 0;
  private readonly perClassCorrect = new Array<number>(10).fill(0);
  private readonly perClassTotal = new Array<number>(10).fill(0);

  add(logp: Tensor, labels: Int32Array, size: number): void {
    this.lossSum += nllLoss(logp, labels.subarray(0, size), { reduction: 'sum' }).item();
    const pred = logp.argmax();
    for (let i = 0; i < size; i++) {
      const y = labels[i]!;
      this.perClassTotal[y]!++;
      if (pred[i] === y) {
        this.correct++;
        this.perClassCorrect[y]!++;
      }
    }
    this.total += size;
  }

  result(): EvalResult {
    const { lossSum, correct, total } = this;
    return { loss: lossSum / total, correct, total, accuracy: (100 * correct) / total, perClassCorrect: this.perClassCorrect, perClassTotal: this.perClassTotal, predictions: null };
  }
}

export interface EnsembleEvalResult {
  /** The ensemble's figures (loss: mean negative log of the averaged probability of the label). */
  ensemble: EvalResult;
  /** Each member's own figures, in the members' order, as evaluate() would give them. */
  members: EvalResult[];
}

/** Evaluates the ensemble and each member in one pass over the loader, in eval mode. */
export function evaluateEnsemble(ensemble: Ensemble, loader: DataLoader): EnsembleEvalResult {
  const members = ensemble.memberModels;
  const wasTraining = members.map((m) => m.training);
  ensemble.eval();
  const acc = new EvalAccumulator();
  const memberAcc = members.map(() => new EvalAccumulator());
  try {
    for (const batch of loader) {
      noGrad(() =>
        scope(() => {
          const x = new Tensor(batch.images, [batch.size, 1, loader.dataset.height, loader.dataset.width], false, false);
          const outs = members.map((m) => m.call(x));
          outs.forEach((out, i) => memberAcc[i]!.add(out, batch.labels, batch.size));
          acc.add(meanProbabilityLog(outs), batch.labels, batch.size);
        }),
      );
    }
  } finally {
    members.forEach((m, i) => m.train(wasTraining[i]));
  }
  return { ensemble: acc.result(), members: memberAcc.map((a) => a.result()) };
}
