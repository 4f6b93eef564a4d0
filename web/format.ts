/** How numbers read on the dashboard: accuracies as percentages with two decimals, as the report prints them. */

export const DASH = '–';

/** 99.5123 → "99.51" (the column header carries the %). */
export function pct(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : value.toFixed(digits);
}

/** 99.5123 → "99.51%". */
export function pctSign(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : `${value.toFixed(digits)}%`;
}

/** 7810 → "7,810". */
export function thousands(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : value.toLocaleString('en-US');
}

/** A loss or a learning rate: four significant digits, no exponent for the usual sizes. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (value !== 0 && (Math.abs(value) < 1e-4 || Math.abs(value) >= 1e6)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

/** Seconds as "45s", "3m 27s", "1h 02m". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** An ISO time as "just now", "4 min ago", "3 h ago", "2 days ago", then the date. */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return DASH;
  const s = Math.max(0, (now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 7 * 86400) return `${Math.round(s / 86400)} days ago`;
  return new Date(t).toISOString().slice(0, 10);
}

export function localTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toLocaleString() : iso;
}

/** Bytes as "31.2 kB", "1.4 MB". */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** mean ± std, or the mean alone with one value. */
export function meanStd(stats: { mean: number; std: number | null } | null, digits = 2): string {
  if (stats === null) return DASH;
  return stats.std === null ? stats.mean.toFixed(digits) : `${stats.mean.toFixed(digits)} ± ${stats.std.toFixed(digits)}`;
}
