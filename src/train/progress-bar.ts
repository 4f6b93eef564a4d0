/**
 * A tqdm-style progress bar for terminals, drawing the same line the seeds' logs show:
 *
 *   Loss=0.0810 Batch_id=468 Accuracy=93.30: 100%|█████████| 469/469 [00:08<00:00, 54.50it/s]
 *
 * It redraws in place with '\r', at most once per `minIntervalMs` (100 ms by default) so a fast
 * loop does not spend its time writing to the terminal, and ends the line on `close()`. When the
 * stream is not a TTY (a log file, a pipe, CI) it draws nothing; the trainer prints one line per
 * epoch instead.
 *
 * The formatting functions are exported and pure, so they can be tested without a terminal.
 */
import { formatFixed } from '../util/python-format.js';

/** What the bar needs from its stream; `process.stdout`/`process.stderr` qualify. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal width in characters (tty.WriteStream has it). */
  readonly columns?: number;
}

export interface ProgressBarOptions {
  /** Number of iterations that makes 100%. */
  readonly total: number;
  /** Defaults to process.stderr, like tqdm. */
  readonly stream?: ProgressStream;
  /** Text before the percentage, e.g. "Loss=0.0810 Batch_id=468 Accuracy=93.30". */
  readonly description?: string;
  /** Clock in milliseconds; inject a fake one in tests. Defaults to performance.now(). */
  readonly now?: () => number;
  /** Minimum time between two redraws. */
  readonly minIntervalMs?: number;
  /** Line width; defaults to the stream's current `columns` (80 when it has none). */
  readonly ncols?: number;
  /**
   * Weight of the newest speed sample in the displayed rate, as tqdm's `smoothing`: 0 shows the
   * average since the start, 1 only the latest interval. tqdm's default, 0.3, follows slow-downs
   * without jitter and forgets a slow first step (JIT warm-up, wasm compilation).
   */
  readonly smoothing?: number;
}

export interface MeterState {
  readonly n: number;
  readonly total: number;
  readonly elapsedSeconds: number;
  /** Iterations per second, or null while unknown (nothing done yet). */
  readonly rate: number | null;
  readonly description?: string;
  /** Width of the whole line; the bar takes whatever the text leaves. */
  readonly ncols: number;
}

const DEFAULT_COLUMNS = 80;
// tqdm's Unicode bar: a space, then eighths of a block from ▏ (1/8) up to █ (full).
const BAR_SYMBOLS = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
const FULL_BLOCK = BAR_SYMBOLS[BAR_SYMBOLS.length - 1]!;
const EIGHTHS = BAR_SYMBOLS.length - 1;

/** tqdm's format_interval: "mm:ss" below an hour, "h:mm:ss" from an hour on. */
export function formatInterval(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const s = whole % 60;
  const totalMinutes = Math.floor(whole / 60);
  const m = totalMinutes % 60;
  const h = Math.floor(totalMinutes / 60);
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** tqdm's rate text: "54.50it/s", " 5.25it/s" (width 5), "2.50s/it" when slower than 1 it/s, "?it/s" when unknown. */
export function formatRate(rate: number | null): string {
  if (rate === null || !(rate > 0) || !Number.isFinite(rate)) return '?it/s';
  if (rate < 1) return `${formatFixed(1 / rate, 2).padStart(5)}s/it`;
  return `${formatFixed(rate, 2).padStart(5)}it/s`;
}

/** A bar exactly `width` characters wide, filled to `fraction` in eighths of a block. */
export function formatBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const eighths = Math.floor(clamped * width * EIGHTHS);
  const full = Math.floor(eighths / EIGHTHS);
  if (full >= width) return FULL_BLOCK.repeat(width);
  return FULL_BLOCK.repeat(full) + BAR_SYMBOLS[eighths % EIGHTHS] + ' '.repeat(width - full - 1);
}

/** The whole line: "<desc>: <pct>%|<bar>| n/total [elapsed<remaining, rate]", trimmed to `ncols`. */
export function formatMeter(state: MeterState): string {
  const { n, total, elapsedSeconds, rate } = state;
  const fraction = total > 0 ? n / total : 0;
  const knownRate = rate ?? (elapsedSeconds > 0 && n > 0 ? n / elapsedSeconds : null);
  const remaining = knownRate !== null && knownRate > 0 ? formatInterval((total - n) / knownRate) : '?';
  const prefix = state.description ? `${state.description}: ` : '';
  const left = `${prefix}${formatFixed(fraction * 100, 0).padStart(3)}%|`;
  const right = `| ${n}/${total} [${formatInterval(elapsedSeconds)}<${remaining}, ${formatRate(knownRate)}]`;
  const barWidth = Math.max(1, state.ncols - left.length - right.length);
  const line = left + formatBar(fraction, barWidth) + right;
  return line.length > state.ncols ? line.slice(0, state.ncols) : line;
}

/** Exponential moving average with tqdm's start-up bias correction. */
class SmoothedValue {
  private last = 0;
  private calls = 0;
  constructor(private readonly alpha: number) {}

  add(x: number): void {
    this.last = this.alpha * x + (1 - this.alpha) * this.last;
    this.calls++;
  }

  get value(): number {
    return this.calls === 0 ? 0 : this.last / (1 - (1 - this.alpha) ** this.calls);
  }
}

export class ProgressBar {
  private readonly total: number;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private readonly fixedNcols: number | undefined;
  private readonly smoothing: number;
  private readonly enabled: boolean;
  private readonly startMs: number;
  private readonly smoothedCount: SmoothedValue;
  private readonly smoothedSeconds: SmoothedValue;
  private description: string;
  private count = 0;
  private lastDrawMs: number;
  private lastDrawCount = 0;
  private lastLineLength = 0;
  private closed = false;

  constructor(options: ProgressBarOptions) {
    if (!Number.isInteger(options.total) || options.total < 0) {
      throw new RangeError(`ProgressBar total must be a non-negative integer, got ${options.total}`);
    }
    this.total = options.total;
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? (() => performance.now());
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.fixedNcols = options.ncols;
    this.smoothing = options.smoothing ?? 0.3;
    this.smoothedCount = new SmoothedValue(this.smoothing);
    this.smoothedSeconds = new SmoothedValue(this.smoothing);
    this.description = options.description ?? '';
    this.enabled = this.stream.isTTY === true;
    this.startMs = this.now();
    this.lastDrawMs = this.startMs;
    this.draw(this.startMs);
  }

  /** Iterations done so far. */
  get n(): number {
    return this.count;
  }

  /** Changes the text before the percentage; it shows on the next redraw. */
  setDescription(description: string): void {
    this.description = description;
  }

  /** Records `increment` more iterations and redraws if the last redraw is old enough. */
  update(increment = 1): void {
    if (this.closed) return;
    this.count += increment;
    const nowMs = this.now();
    if (nowMs - this.lastDrawMs < this.minIntervalMs) return;
    if (this.smoothing > 0 && nowMs > this.lastDrawMs && this.count > this.lastDrawCount) {
      this.smoothedCount.add(this.count - this.lastDrawCount);
      this.smoothedSeconds.add((nowMs - this.lastDrawMs) / 1000);
    }
    this.lastDrawMs = nowMs;
    this.lastDrawCount = this.count;
    this.draw(nowMs);
  }

  /** Draws the final state and ends the line. Further updates are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.draw(this.now());
    if (this.enabled) this.stream.write('\n');
  }

  /** The line as it would be drawn now (also when the stream is not a TTY). */
  render(nowMs = this.now()): string {
    return formatMeter({
      n: this.count,
      total: this.total,
      elapsedSeconds: (nowMs - this.startMs) / 1000,
      rate: this.rate(nowMs),
      description: this.description,
      ncols: this.ncols(),
    });
  }

  private rate(nowMs: number): number | null {
    const seconds = this.smoothedSeconds.value;
    if (this.smoothing > 0 && seconds > 0) return this.smoothedCount.value / seconds;
    const elapsed = (nowMs - this.startMs) / 1000;
    return elapsed > 0 && this.count > 0 ? this.count / elapsed : null;
  }

  private ncols(): number {
    // Read the width on every draw so the bar follows a resized terminal.
    return this.fixedNcols ?? (this.stream.columns && this.stream.columns > 0 ? this.stream.columns : DEFAULT_COLUMNS);
  }

  private draw(nowMs: number): void {
    if (!this.enabled) return;
    const line = this.render(nowMs);
    // Blank out the tail of a longer previous line (a shorter description, a narrower terminal),
    // without ever writing past the current width, which would wrap.
    const padding = ' '.repeat(Math.max(0, Math.min(this.lastLineLength, this.ncols()) - line.length));
    this.stream.write(`\r${line}${padding}`);
    this.lastLineLength = line.length;
  }
}
