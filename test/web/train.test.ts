/**
 * The Train page in headless Chromium against a real server: it trains sepnet-8k for 1 epoch on the
 * first 2,000 training images in the tab (stopped part-way and continued on the way), and the
 * accuracy it shows beats a real bar and is Node's: the same spec run by runSpec in this process
 * gives the same history, to the bit (the timings aside). The downloaded checkpoint is the run's:
 * its weights and metadata are what Node's run folder holds. Screenshots go to test-artifacts/web/.
 *
 * Also the server's MNIST route: the bundled IDX bytes, and a 404 for any other name.
 *
 * Needs dist/web (node scripts/build-web.js) and Debian's chromium; skips without chromium.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDashboard, type Dashboard } from '../../src/server/server.js';
import type { MnistFilesResponse } from '../../src/server/mnist-api.js';
import { bundledMnistDir } from '../../src/data/mnist.js';
import { runSpec } from '../../src/run/run.js';
import { parseCheckpointMeta, readWeights } from '../../src/train/checkpoint.js';
import { weightsFromSafetensorsBytes } from '../../src/train/checkpoint-weights.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import { parseRunSpec } from '../../src/train/run-spec.js';
import { chromiumPath, launchChromium } from '../helpers/browser.js';
import { tempDir } from './fixture-runs.js';

const ROOT = resolve('.');
const WEB_ROOT = join(ROOT, 'dist', 'web');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
/** What 1 epoch of this recipe on 2,000 images must reach on the first 1,000 test images (it gets 89.7%). */
const ACCURACY_BAR = 85;

/** The history without its wall-clock fields, which no two runs share. */
function bits(history: readonly EpochMetrics[]): Omit<EpochMetrics, 'epochSeconds' | 'trainSeconds' | 'evalSeconds'>[] {
  return history.map(({ epochSeconds: _e, trainSeconds: _t, evalSeconds: _v, ...rest }) => rest);
}

describe('the MNIST route', () => {
  let dashboard: Dashboard;
  const logdir = tempDir('mnist-route');
  before(async () => {
    dashboard = await startDashboard({ logdirs: [logdir], resultsDir: join(logdir, 'results'), host: '127.0.0.1', port: 0, webRoot: WEB_ROOT, log: () => undefined });
  });
  after(async () => {
    await dashboard?.close();
    rmSync(logdir, { recursive: true, force: true });
  });

  it('lists the four bundled files and serves their bytes; any other name is a 404 with a JSON error', async () => {
    const list = (await (await fetch(`${dashboard.url}api/mnist`)).json()) as MnistFilesResponse;
    assert.deepEqual(list.files.map((f) => f.name).sort(), ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte']);
    assert.match(list.mnistLabVersion, /^\d+\.\d+\.\d+/);
    const res = await fetch(`${dashboard.url}api/mnist/t10k-labels-idx1-ubyte`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), new Uint8Array(readFileSync(join(bundledMnistDir(), 't10k-labels-idx1-ubyte'))));
    for (const bad of ['nope', 'train-images-idx3-ubyte.gz', '..%2Fpackage.json', 'package.json']) {
      const r = await fetch(`${dashboard.url}api/mnist/${bad}`);
      assert.equal(r.status, 404, bad);
      assert.equal(typeof ((await r.json()) as { error?: unknown }).error, 'string', bad);
    }
  });
});

describe('the Train page in Chromium', { skip: chromiumPath() === null ? 'chromium is not installed' : false }, () => {
  const logdir = tempDir('train-web');
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    assert.ok(existsSync(join(WEB_ROOT, 'train-worker.js')), 'dist/web/train-worker.js is missing: build the pages first (node scripts/build-web.js)');
    mkdirSync(ARTIFACTS, { recursive: true });
    dashboard = await startDashboard({ logdirs: [logdir], resultsDir: join(logdir, 'results'), host: '127.0.0.1', port: 0, webRoot: WEB_ROOT, log: () => undefined });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light', acceptDownloads: true });
    page = await context.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith(dashboard.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`requested ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    await dashboard?.close();
    rmSync(logdir, { recursive: true, force: true });
  });

  const phase = (name: string, timeout = 120_000): Promise<unknown> =>
    page.waitForFunction(`document.querySelector('.tr-phase')?.dataset.phase === ${JSON.stringify(name)}`, null, { timeout });

  it('trains 1 epoch on 2,000 images, stopped and continued on the way: the accuracy shown beats the bar and the history is Node\'s', async () => {
    await page.goto(`${dashboard.url}#/train`);
    await page.locator('.tr-train').waitFor();
    // Cross-origin isolated (the server sends COOP/COEP), so the engine gets every core.
    const cores = (await page.evaluate('navigator.hardwareConcurrency')) as number;
    assert.equal(await page.evaluate('crossOriginIsolated'), true);
    assert.match(await page.locator('.tr-engine').textContent() ?? '', new RegExp(`Trains on ${cores} threads?`));
    await page.screenshot({ path: join(ARTIFACTS, 'train-idle.png') });

    await page.selectOption('select[name=model]', 'sepnet-8k');
    for (const [name, value] of [['epochs', '1'], ['trainImages', '2000'], ['testImages', '1000'], ['batchSize', '16'], ['seed', '1']] as const) {
      await page.fill(`input[name=${name}]`, value);
    }
    await page.uncheck('input[name=ema]');
    await page.click('.tr-train');
    // Stop a few steps in; Continue then starts again from the checkpoint written before the first step.
    await page.waitForFunction("/step ([3-9]|\\d\\d+) of/.test(document.querySelector('.tr-progress-text')?.textContent ?? '')", null, { timeout: 120_000 });
    await page.click('.tr-stop');
    await phase('stopped');
    await page.screenshot({ path: join(ARTIFACTS, 'train-stopped.png') });
    assert.equal(await page.locator('.tr-continue').isEnabled(), true);
    await page.click('.tr-continue');
    await phase('finished');
    assert.match(await page.locator('.tr-engine').textContent() ?? '', new RegExp(`^Trains on ${cores} threads?: WebAssembly SIMD kernels in a worker of this tab`));
    await page.locator('.tr-curves svg').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'train-finished.png'), fullPage: true });

    const spec = parseRunSpec(await page.locator('.tr-spec').textContent() ?? '', 'the page\'s spec');
    const tabHistory = JSON.parse(await page.locator('.tr-history').textContent() ?? '') as EpochMetrics[];
    assert.equal(tabHistory.length, 1);
    const shown = await page.locator('.tr-stat-test .tr-stat-value').textContent();

    const node = await runSpec({ ...spec, threads: 2 });
    assert.deepEqual(bits(tabHistory), bits(node.history));
    const accuracy = node.history[0]!.testAccuracy!;
    assert.ok(accuracy > ACCURACY_BAR, `test accuracy ${accuracy}% is below ${ACCURACY_BAR}%`);
    assert.equal(shown, `${accuracy.toFixed(2)}%`);

    // The download is the run's checkpoint: Node's run of the same spec saves the same weights.
    const [weightsDownload] = await Promise.all([page.waitForEvent('download'), page.click('.tr-download')]);
    const [metaDownload] = await Promise.all([page.waitForEvent('download'), page.click('.tr-download-meta')]);
    assert.equal(weightsDownload.suggestedFilename(), 'sepnet-8k-seed1-epoch1.safetensors');
    assert.equal(metaDownload.suggestedFilename(), 'sepnet-8k-seed1-epoch1.json');
    const out = join(logdir, 'node-run');
    await runSpec({ ...spec, threads: 2, outDir: out });
    const tabWeights = weightsFromSafetensorsBytes(new Uint8Array(readFileSync(await weightsDownload.path())), 'download');
    for (const [name, t] of readWeights(join(out, 'last.safetensors'))) assert.deepEqual(tabWeights.get(name)?.data, t.data, name);
    const meta = parseCheckpointMeta(readFileSync(await metaDownload.path(), 'utf8'), 'download');
    assert.equal(meta.epoch, 1);
    assert.deepEqual(bits(meta.history), bits(node.history));

    // "Draw with it" opens the Draw page on the model just trained, and it reads a stroke drawn there.
    await page.click('.tr-draw');
    await page.waitForFunction(`document.querySelector('#draw-model')?.value === 'tab:trained'`, null, { timeout: 30_000 });
    await page.waitForFunction(`document.querySelector('.draw-result')?.dataset.state === 'empty'`, null, { timeout: 30_000 });
    assert.match(await page.locator('.model-facts').textContent() ?? '', /trained in this browser/);
    const pad = await page.locator('.pad-frame canvas').boundingBox();
    assert.ok(pad, 'the Draw page shows its pad');
    await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.8, { steps: 12 });
    await page.mouse.up();
    await page.waitForFunction(`document.querySelector('.draw-result')?.dataset.digit !== undefined`, null, { timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'train-then-draw.png') });
    await page.goto(`${dashboard.url}#/train`);
    await page.locator('.tr-train').waitFor();

    // Dark mode: the page is drawn again from the session's state.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.locator('.tr-curves svg').first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'train-finished-dark.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
