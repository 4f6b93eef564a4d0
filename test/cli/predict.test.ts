/**
 * `mnist-lab predict --image` as a user runs it, on PNGs made from MNIST test digits with known
 * labels: the exact 28x28 image, its dark-on-light inverse, and larger non-square pictures of the
 * digit (light on dark and dark on light, off centre, grayscale and RGBA, 8 and 16 bits). Each must
 * read as its label when the model reads the 28x28 original right; an inverse must read as the
 * original does. A blank picture (one colour: no digit to centre) is one clear line and exit code 2.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG, type ColorType } from 'pngjs';
import { fixturePath, repoRoot } from '../helpers/fixtures.js';
import { assertUserError, cliPath, runCli, type CliResult } from '../helpers/cli.js';
import { loadMnist } from '../../src/data/mnist.js';

const cli = cliPath;
const trained = fixturePath('pytorch', 'm3_trained.safetensors');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(...args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs the jobs two at a time (the machine's cores are shared). */
async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

interface Prediction {
  digit: number;
  probabilities: number[];
}

async function predict(file: string): Promise<Prediction> {
  const r = await run('predict', trained, '--model', 'mnist8k-m3', '--image', file, '--json');
  assert.equal(r.code, 0, `${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Prediction;
}


/** A gray picture as a function of (x, y) in [0, 255]. */
type Gray = (x: number, y: number) => number;

function writePng(file: string, width: number, height: number, gray: Gray, options: { colorType?: ColorType; bitDepth?: 8 | 16; alpha?: Gray } = {}): string {
  const png = new PNG({ width, height });
  // pngjs takes 16-bit pictures as 16-bit RGBA samples (in the host's byte order).
  const deep = options.bitDepth === 16;
  const samples = deep ? new Uint16Array(width * height * 4) : png.data;
  const max = deep ? 65535 : 255;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.round((Math.min(255, Math.max(0, gray(x, y))) / 255) * max);
      samples.set([v, v, v, options.alpha ? Math.round((options.alpha(x, y) / 255) * max) : max], 4 * (y * width + x));
    }
  }
  if (deep) png.data = Buffer.from(samples.buffer);
  writeFileSync(file, PNG.sync.write(png, { colorType: options.colorType ?? 6, bitDepth: options.bitDepth ?? 8, inputHasAlpha: true }));
  return file;
}

const test = loadMnist({ valSplit: 0, limit: { train: 1, test: 8 } }).test;

/** Test image i, light on dark as MNIST stores it, bilinearly scaled by `scale` and placed at (left, top). */
function digit(i: number, scale = 1, left = 0, top = 0): Gray {
  const at = (x: number, y: number) => (x < 0 || y < 0 || x > 27 || y > 27 ? 0 : test.images[i * 784 + y * 28 + x]!);
  return (x, y) => {
    const u = (x - left + 0.5) / scale - 0.5;
    const v = (y - top + 0.5) / scale - 0.5;
    const x0 = Math.floor(u);
    const y0 = Math.floor(v);
    const fx = u - x0;
    const fy = v - y0;
    return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
  };
}
const inverse = (g: Gray): Gray => (x, y) => 255 - g(x, y);

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-predict-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('mnist-lab predict --image', () => {
  // Test images 0, 1 and 3 are a 7, a 2 and a 0.
  const indices = [0, 1, 3];

  it('reads MNIST digits as their labels: at 28x28, inverted, and as larger non-square pictures', async () => {
    const cases = indices.flatMap((i) => {
      const f = (name: string) => join(dir, `${i}-${name}.png`);
      return [
        { i, kind: 'exact', file: writePng(f('exact'), 28, 28, digit(i), { colorType: 0 }) },
        { i, kind: 'exact-inverse', file: writePng(f('exact-inverse'), 28, 28, inverse(digit(i))) },
        // Light on dark, 3x larger, off centre on a wide canvas.
        { i, kind: 'wide', file: writePng(f('wide'), 150, 100, digit(i, 3, 70, 10), { colorType: 2 }) },
        { i, kind: 'wide-inverse', file: writePng(f('wide-inverse'), 150, 100, inverse(digit(i, 3, 70, 10)), { colorType: 2 }) },
        // Dark on light, 2.5x larger, on a tall 16-bit grayscale canvas.
        { i, kind: 'tall-inverse', file: writePng(f('tall-inverse'), 80, 130, inverse(digit(i, 2.5, 5, 40)), { colorType: 0, bitDepth: 16 }) },
      ];
    });
    const results = await inPairs(cases.map((c) => () => predict(c.file)));
    const byCase = new Map(cases.map((c, k) => [`${c.i}-${c.kind}`, results[k]!]));

    let right = 0;
    for (const i of indices) {
      const label = test.labels[i]!;
      const exact = byCase.get(`${i}-exact`)!;
      // The inverse of an exact 28x28 image is the same input once inverted back.
      assert.equal(byCase.get(`${i}-exact-inverse`)!.digit, exact.digit, `image ${i}: inverse`);
      exact.probabilities.forEach((p, d) => assert.ok(Math.abs(p - byCase.get(`${i}-exact-inverse`)!.probabilities[d]!) < 1e-5, `image ${i}: inverse probabilities`));
      if (exact.digit !== label) continue; // the model misreads this one even at 28x28; nothing to check against
      right++;
      for (const kind of ['wide', 'wide-inverse', 'tall-inverse']) {
        assert.equal(byCase.get(`${i}-${kind}`)!.digit, label, `image ${i} (a ${label}), ${kind}`);
      }
      assert.equal(byCase.get(`${i}-wide-inverse`)!.digit, byCase.get(`${i}-wide`)!.digit, `image ${i}: wide inverse`);
    }
    assert.ok(right >= indices.length - 1, `the model reads only ${right} of ${indices.length} test images right at 28x28`);
  });

  it('a transparent picture counts as white: a dark digit drawn only by its alpha', async () => {
    const file = writePng(join(dir, 'alpha.png'), 64, 64, () => 0, { alpha: digit(0, 2, 4, 4) });
    assert.equal((await predict(file)).digit, test.labels[0]);
  });

  it('a blank picture (one colour all over) is one clear line and exit code 2', async () => {
    const blanks = [
      writePng(join(dir, 'white.png'), 50, 40, () => 255),
      writePng(join(dir, 'black-28.png'), 28, 28, () => 0),
      writePng(join(dir, 'gray.png'), 31, 90, () => 128, { colorType: 0 }),
      writePng(join(dir, 'clear.png'), 20, 20, () => 0, { alpha: () => 0 }),
    ];
    const results = await inPairs(blanks.map((file) => () => run('predict', trained, '--model', 'mnist8k-m3', '--image', file)));
    results.forEach((r, k) => assertUserError(r, new RegExp(`--image ${blanks[k]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the image is blank .* no digit to read`)));
  });

  it('a file that is not a PNG, a truncated PNG and a missing file are one clear line each', async () => {
    const bytes = readFileSync(writePng(join(dir, 'good.png'), 40, 40, digit(0, 1.4)));
    const truncated = join(dir, 'truncated.png');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 30));
    const text = join(dir, 'text.png');
    writeFileSync(text, 'not a picture');
    const huge = join(dir, 'huge.png');
    // A valid header claiming 100000x100000 pixels: refused from the header, before anything that size exists.
    const ihdr = Buffer.from(bytes.subarray(0, 33));
    ihdr.writeUInt32BE(100_000, 16);
    ihdr.writeUInt32BE(100_000, 20);
    ihdr.writeUInt32BE(crc32(ihdr.subarray(12, 29)), 29);
    writeFileSync(huge, Buffer.concat([ihdr, bytes.subarray(33)]));
    const [r1, r2, r3, r4] = await inPairs([truncated, text, huge, join(dir, 'missing.png')].map((f) => () => run('predict', trained, '--model', 'mnist8k-m3', '--image', f)));
    assertUserError(r1!, /truncated\.png: not a readable PNG/);
    assertUserError(r2!, /text\.png: not a readable PNG: it does not start with the PNG signature/);
    assertUserError(r3!, /huge\.png: not a readable PNG: it is 100000x100000 pixels, more than mnist-lab reads/);
    assertUserError(r4!, /missing\.png: no such file or directory/);
  });
});
