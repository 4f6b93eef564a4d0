/** Per-epoch metrics and the run history files (history.json and history.csv). */
import { join } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic-write.js';

export interface EpochMetrics {
  epoch: number;
  /** The lr at the start of the epoch. */
  lr: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  testLoss: number;
  testAccuracy: number;
  testCorrect: number;
  testTotal: number;
  /** Wall seconds: the whole epoch, its training part, and its evaluation part. */
  epochSeconds: number;
  trainSeconds: number;
  evalSeconds: number;
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
