/** Mean and sample standard deviation, as the report states them (src/report/experiment-stats.ts). */

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1); null with one value. */
  std: number | null;
  n: number;
}

/** Over the values that are numbers; null when there are none. */
export function meanStdOf(values: readonly (number | null)[]): MeanStd | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length < 2 ? null : Math.sqrt(xs.reduce((acc, v) => acc + (v - mean) ** 2, 0) / (xs.length - 1));
  return { mean, std, n: xs.length };
}
