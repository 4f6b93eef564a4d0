/**
 * Training speed in a browser tab beside Node's, on the same machine, model, images and threads:
 *
 *   node dist/bench/browser-train.js [--model sepnet-8k] [--images 10000] [--batch-size 64]
 *     [--threads N] [--rounds 2] [--save DIR]
 *
 * Each round trains 1 epoch of the same RunSpec (the Train page's defaults, the champion's recipe,
 * without the EMA) twice: in headless Chromium on the Train page
 * (`mnist-lab serve`'s pages, the engine in a worker of the tab, `#/train?threads=N`), then in Node
 * (runSpec). The speed is the epoch's training images over its training seconds (evaluation left
 * out), as each run's own history records it; the rounds alternate so that both sides see the same
 * load, and the best round of each is reported (the least disturbed by other processes). The two
 * histories are also compared: they must be equal to the bit, timings aside. --threads defaults to
 * Chromium's navigator.hardwareConcurrency. --save DIR keeps the tab's last checkpoint download (.safetensors and
 * .json) there, for scripts/python/check-browser-checkpoint.py.
 *
 * Not a test: it takes a minute or more, and its figures mean something only on an otherwise idle
 * machine (it prints the load average; on a shared machine say so with the result). Needs dist/web
 * (node scripts/build-web.js) and Debian's chromium.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDashboard } from '../src/server/server.js';
import { runSpec } from '../src/run/run.js';
import type { EpochMetrics } from '../src/train/metrics.js';
import { parseRunSpec, type RunSpec } from '../src/train/run-spec.js';
import { launchChromium } from '../test/helpers/browser.js';

// ------------------------------------------------------------------ settings
function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const MODEL = flag('model', 'sepnet-8k');
const IMAGES = Number(flag('images', '10000'));
const BATCH_SIZE = flag('batch-size', '64');
const ROUNDS = Number(flag('rounds', '2'));
const SAVE = flag('save', '');

function withoutTimes(history: readonly EpochMetrics[]): unknown[] {
  return history.map(({ epochSeconds: _e, trainSeconds: _t, evalSeconds: _v, ...rest }) => rest);
}

// ------------------------------------------------------------------ the bench
const logdir = mkdtempSync(join(tmpdir(), 'mnist-lab-browser-bench-'));
const dashboard = await startDashboard({
  logdirs: [logdir], resultsDir: join(logdir, 'results'), host: '127.0.0.1', port: 0, webRoot: resolve('dist', 'web'), log: () => undefined,
});
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const cores = (await (async () => {
    await page.goto(`${dashboard.url}#/train`);
    return page.evaluate('navigator.hardwareConcurrency');
  })()) as number;
  const threads = Number(flag('threads', String(cores)));
  console.log(`browser-train: ${MODEL}, 1 epoch on ${IMAGES.toLocaleString('en-US')} images, batch ${BATCH_SIZE}, ${threads} thread(s); ` +
    `${cpus()[0]?.model.trim()}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const tabRates: number[] = [];
  const nodeRates: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // A fresh page each round: the Train page keeps its session per tab.
    await page.goto('about:blank');
    await page.goto(`${dashboard.url}#/train?threads=${threads}`);
    await page.locator('.tr-train').waitFor();
    await page.selectOption('select[name=model]', MODEL);
    for (const [name, value] of [['epochs', '1'], ['trainImages', String(IMAGES)], ['testImages', '1000'], ['batchSize', BATCH_SIZE], ['seed', '1']] as const) {
      await page.fill(`input[name=${name}]`, value);
    }
    // The champion's recipe without its weight average: one epoch is too short for an average to
    // catch up, and the per-step update is the same work on both sides anyway.
    await page.uncheck('input[name=ema]');
    await page.click('.tr-train');
    await page.waitForFunction("['finished', 'failed'].includes(document.querySelector('.tr-phase')?.dataset.phase)", null, { timeout: 600_000 });
    const tabHistory = JSON.parse(await page.locator('.tr-history').textContent() ?? '[]') as EpochMetrics[];
    if (tabHistory.length !== 1) throw new Error(`the tab's run failed: ${await page.locator('.tr-message').textContent()}`);
    const spec: RunSpec = parseRunSpec(await page.locator('.tr-spec').textContent() ?? '', 'the page\'s spec');
    const engine = await page.locator('.tr-engine').textContent();
    if (SAVE && round === ROUNDS) {
      mkdirSync(SAVE, { recursive: true });
      for (const selector of ['.tr-download', '.tr-download-meta']) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
        copyFileSync(await download.path(), join(SAVE, download.suggestedFilename()));
      }
    }

    const node = await runSpec({ ...spec, threads });
    const same = JSON.stringify(withoutTimes(tabHistory)) === JSON.stringify(withoutTimes(node.history));
    const tab = IMAGES / tabHistory[0]!.trainSeconds;
    const nodeRate = IMAGES / node.history[0]!.trainSeconds;
    tabRates.push(tab);
    nodeRates.push(nodeRate);
    console.log(`round ${round}: tab ${Math.round(tab)} img/s (${engine?.trim()}), Node ${Math.round(nodeRate)} img/s; ` +
      `test accuracy ${tabHistory[0]!.testAccuracy}%; histories ${same ? 'equal to the bit' : 'DIFFER'}`);
    if (!same) process.exitCode = 1;
  }
  const bestTab = Math.max(...tabRates);
  const bestNode = Math.max(...nodeRates);
  console.log(`best of ${ROUNDS}: tab ${Math.round(bestTab)} img/s, Node ${Math.round(bestNode)} img/s: the tab trains at ${(100 * bestTab / bestNode).toFixed(0)}% of Node's speed`);
} finally {
  await browser.close();
  await dashboard.close();
  rmSync(logdir, { recursive: true, force: true });
}
