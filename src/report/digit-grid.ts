/**
 * A PNG grid of misclassified test digits. Each cell is the 28x28 digit scaled up (white on black,
 * as MNIST stores it) with its label drawn underneath in a built-in pixel font: "true → predicted"
 * (the prediction in red) and the test image's index in gray (no '#': a 3x5 '#' reads as 'H'). The pixel font needs no system font,
 * so the grid looks the same on every machine.
 */
import { PNG } from 'pngjs';
import { MnistLabError } from '../util/errors.js';
import { markdownTable } from './markdown.js';

export interface MisclassifiedDigit {
  /** Position in the predictions array (and in the image array). */
  position: number;
  /** The image's index in the file it came from (t10k), which is what users look up. */
  sourceIndex: number;
  label: number;
  prediction: number;
}

/** The first `limit` images whose prediction differs from the label, in test-set order. */
export function misclassifiedDigits(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  limit = 64,
  sourceIndices?: ArrayLike<number>,
): MisclassifiedDigit[] {
  if (predictions.length !== labels.length) {
    throw new MnistLabError(`misclassified digits: ${predictions.length} predictions for ${labels.length} labels; they must match one to one`);
  }
  const out: MisclassifiedDigit[] = [];
  for (let i = 0; i < labels.length && out.length < limit; i++) {
    if (predictions[i] !== labels[i]) {
      out.push({ position: i, sourceIndex: sourceIndices?.[i] ?? i, label: labels[i]!, prediction: predictions[i]! });
    }
  }
  return out;
}

// 3x5 digits and a 5x5 arrow ('>' draws →); '#' is ink.
const GLYPHS: Record<string, readonly string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '.##', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '..#', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  '>': ['..#..', '...#.', '#####', '...#.', '..#..'],
};
const GLYPH_HEIGHT = 5;

type Rgb = readonly [number, number, number];
const INK: Rgb = [20, 20, 20];
const WRONG: Rgb = [200, 30, 30];
const MUTED: Rgb = [120, 120, 120];
const PAPER: Rgb = [255, 255, 255];

interface Run {
  text: string;
  color: Rgb;
}

function runWidth(runs: readonly Run[], scale: number): number {
  const chars = runs.flatMap((r) => [...r.text]);
  const columns = chars.reduce((acc, ch) => acc + glyph(ch)[0]!.length, 0) + Math.max(0, chars.length - 1);
  return columns * scale;
}

function glyph(ch: string): readonly string[] {
  const g = GLYPHS[ch];
  if (g === undefined) throw new Error(`digit grid: no pixel glyph for ${JSON.stringify(ch)}`);
  return g;
}

class Canvas {
  readonly png: PNG;
  constructor(readonly width: number, readonly height: number) {
    this.png = new PNG({ width, height, colorType: 6 });
    this.fill(0, 0, width, height, PAPER);
  }

  set(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = 4 * (y * this.width + x);
    const data = this.png.data;
    data[o] = r;
    data[o + 1] = g;
    data[o + 2] = b;
    data[o + 3] = 255;
  }

  fill(x0: number, y0: number, w: number, h: number, color: Rgb): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.set(x, y, color);
  }

  /** Draws the runs left to right from (x, y), one glyph column gap between characters. */
  text(runs: readonly Run[], x: number, y: number, scale: number): void {
    let cx = x;
    for (const run of runs) {
      for (const ch of run.text) {
        const g = glyph(ch);
        for (let gy = 0; gy < g.length; gy++) {
          for (let gx = 0; gx < g[gy]!.length; gx++) {
            if (g[gy]![gx] === '#') this.fill(cx + gx * scale, y + gy * scale, scale, scale, run.color);
          }
        }
        cx += (g[0]!.length + 1) * scale;
      }
    }
  }
}

export interface DigitGridOptions {
  /** Each image pixel becomes scale x scale (default 3). */
  scale?: number;
  /** Cells per row (default 8). */
  columns?: number;
}

/**
 * The grid as PNG bytes. `images` holds every image of the set (n*height*width bytes, row-major);
 * `digits` picks and labels the ones to show.
 */
export function digitGridPng(
  images: Uint8Array,
  imageSize: { height: number; width: number },
  digits: readonly MisclassifiedDigit[],
  options: DigitGridOptions = {},
): Buffer {
  if (digits.length === 0) throw new MnistLabError('digit grid: there are no digits to draw');
  const scale = options.scale ?? 3;
  const columns = Math.min(options.columns ?? 8, digits.length);
  const { height, width } = imageSize;
  const pixels = height * width;
  const pad = 6;
  const labelScale = 3;
  const indexScale = 2;
  const cellWidth = width * scale;
  const labelTop = height * scale + 5;
  const indexTop = labelTop + GLYPH_HEIGHT * labelScale + 4;
  const cellHeight = indexTop + GLYPH_HEIGHT * indexScale;
  const rows = Math.ceil(digits.length / columns);
  const canvas = new Canvas(pad + columns * (cellWidth + pad), pad + rows * (cellHeight + pad));

  digits.forEach((d, k) => {
    if ((d.position + 1) * pixels > images.length) {
      throw new MnistLabError(`digit grid: image ${d.position} is outside the ${images.length / pixels} images given`);
    }
    const left = pad + (k % columns) * (cellWidth + pad);
    const top = pad + Math.floor(k / columns) * (cellHeight + pad);
    const image = images.subarray(d.position * pixels, (d.position + 1) * pixels);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = image[y * width + x]!;
        canvas.fill(left + x * scale, top + y * scale, scale, scale, [v, v, v]);
      }
    }
    const label: Run[] = [
      { text: String(d.label), color: INK },
      { text: '>', color: MUTED },
      { text: String(d.prediction), color: WRONG },
    ];
    canvas.text(label, left + Math.floor((cellWidth - runWidth(label, labelScale)) / 2), top + labelTop, labelScale);
    const index: Run[] = [{ text: String(d.sourceIndex), color: MUTED }];
    canvas.text(index, left + Math.floor((cellWidth - runWidth(index, indexScale)) / 2), top + indexTop, indexScale);
  });
  return PNG.sync.write(canvas.png);
}

/** The same grid as a markdown table, cell for cell: "`#1234` 7 → 2". */
export function digitGridMarkdown(digits: readonly MisclassifiedDigit[], columns = 8): string {
  const width = Math.min(columns, Math.max(1, digits.length));
  const rows: string[][] = [];
  for (let k = 0; k < digits.length; k += width) {
    const row = digits.slice(k, k + width).map((d) => `\`#${d.sourceIndex}\` ${d.label} → ${d.prediction}`);
    while (row.length < width) row.push('');
    rows.push(row);
  }
  const header = Array.from({ length: width }, (_, i) => `${i + 1}`);
  return markdownTable(header, rows);
}
