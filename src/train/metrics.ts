/** Per-epoch metrics and the run history files (history.json and history.csv). */
import { join } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { MnistLabError } from '../util/errors.js';

export interface EpochMetrics {
  epoch: number;
  /** The lr at the start of the epoch. */
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** null when the run does not read the test set (a sweep's trials: the test set only reports). */
  testLoss: number | null;
  testAccuracy: number | null;
  testCorrect: number | null;
  testTotal: number | null;
  /** Wall seconds: the whole epoch, its training part, and its evaluation part. */
  epochSeconds: number;
  trainSeconds: number;
  evalSeconds: number;
}

/** An epoch of a run that evaluated the test set, as every recorded experiment did. */
export type TestedEpochMetrics = EpochMetrics & { testLoss: number; testAccuracy: number; testCorrect: number; testTotal: number };

/** The history as tested epochs, or a MnistLabError naming the run that did not read the test set. */
export function testedHistory(history: readonly EpochMetrics[], where: string): TestedEpochMetrics[] {
  for (const m of history) {
    if (m.testAccuracy === null || m.testLoss === null || m.testCorrect === null || m.testTotal === null) {
      throw new MnistLabError(`${where}: epoch ${m.epoch} has no test-set result (the run did not read the test set)`);
    }
  }
  return history as TestedEpochMetrics[];
}

const COLUMNS: (keyof EpochMetrics)[] = [
  'epoch', 'lr', 'trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'testLoss', 'testAccuracy', 'testCorrect', 'testTotal',
  'epochSeconds', 'trainSeconds', 'evalSeconds',
];

export function historyCsv(history: readonly EpochMetrics[]): string {
  const lines = [COLUMNS.join(',')];
  for (const m of history) lines.push(COLUMNS.map((c) => (m[c] === null ? '' : String(m[c]))).join(','));
  return `${lines.join('\n')}\n`;
}

export function writeHistory(dir: string, history: readonly EpochMetrics[]): void {
  writeFileAtomicSync(join(dir, 'history.json'), `${JSON.stringify(history, null, 1)}\n`);
  writeFileAtomicSync(join(dir, 'history.csv'), historyCsv(history));
}
