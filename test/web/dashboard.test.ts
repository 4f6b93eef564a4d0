/**
 * The dashboard's pages in headless Chromium against a real server (startDashboard on a free port)
 * over a temp logdir of hand-written run folders and the recorded experiment 12's seeds, plus a real
 * training run started during the test: every page loads without a console error; the runs table
 * sorts, filters and compares (the spec diff shows only the fields that differ); a live run's row
 * and curves update without a reload; the run page shows its analysis; API errors are messages on
 * the page. Screenshots of each page go to test-artifacts/web/.
 *
 * Needs dist/web (node scripts/build-web.js) and Debian's chromium; skips without chromium.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunsResponse, SweepDetail, SweepsResponse } from '../../src/server/api-types.js';
import { startDashboard, type Dashboard } from '../../src/server/server.js';
import { STUDY_FORMAT, type Study } from '../../src/sweep/study.js';
import { SWEEP_SPEC_FORMAT } from '../../src/sweep/sweep-spec.js';
import { chromiumPath, launchChromium } from '../helpers/browser.js';
import { fixtureHistory, fixtureSpec, fixtureStatus, tempDir, writeRecordedExperiments, writeRun } from './fixture-runs.js';

const ROOT = resolve('.');
const WEB_ROOT = join(ROOT, 'dist', 'web');
const RESULTS_DIR = join(ROOT, 'reports', 'results');
/** The recorded champion's seeds, each written as a run folder beside the four fixture runs above. */
const CHAMPION_RESULT = JSON.parse(readFileSync(join(RESULTS_DIR, '12-sepnet-8k.json'), 'utf8')) as { seeds: { history: { testAccuracy: number }[] }[] };
const CHAMPION_SEEDS = CHAMPION_RESULT.seeds.length;
const RUNS = 4 + CHAMPION_SEEDS;
const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

describe('dashboard pages in Chromium', { skip: chromiumPath() === null ? 'chromium is not installed' : false }, () => {
  const logdir = tempDir('dashboard-web');
  let dashboard: Dashboard;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let training: ChildProcess | null = null;
  /** Console errors and uncaught exceptions of every page, with the page's URL. */
  const problems: string[] = [];
  const ids = new Map<string, string>();

  const watch = (p: Page, ignore: (text: string) => boolean = () => false): void => {
    // Everything comes from the dashboard itself: no CDN, no font service.
    p.on('request', (r) => {
      if (!r.url().startsWith(dashboard.url) && !r.url().startsWith('data:')) problems.push(`${p.url()}: requested ${r.url()}`);
    });
    p.on('console', (m) => {
      if (m.type() === 'error' && !ignore(m.text())) problems.push(`${p.url()}: console error: ${m.text()}`);
    });
    p.on('pageerror', (e) => problems.push(`${p.url()}: uncaught: ${e.message}`));
  };
  const runIds = async (): Promise<Map<string, string>> => {
    const res = await fetch(`${dashboard.url}api/runs`);
    const body = (await res.json()) as RunsResponse;
    return new Map(body.runs.map((r) => [r.name, r.id]));
  };
  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  };
  const row = (name: string): string => `tr.run-row[data-run-id="${ids.get(name)}"]`;

  before(async () => {
    assert.ok(existsSync(join(WEB_ROOT, 'app.js')), 'dist/web/app.js is missing: build the pages first (node scripts/build-web.js)');
    mkdirSync(ARTIFACTS, { recursive: true });
    const finished = (epochs: number) => fixtureStatus('finished', { epochsDone: epochs, epochs });
    writeRun(join(logdir, 'alpha'), {
      spec: fixtureSpec({ seed: 1, lr: 0.01, epochs: 4, outDir: join(logdir, 'alpha') }),
      history: fixtureHistory(4, { finalTest: 99.1, seed: 1 }), status: finished(4), parameters: 7810,
    });
    writeRun(join(logdir, 'beta'), {
      spec: fixtureSpec({ seed: 2, lr: 0.05, epochs: 4, outDir: join(logdir, 'beta') }),
      history: fixtureHistory(4, { finalTest: 99.35, seed: 2 }), status: finished(4), parameters: 7810,
    });
    writeRun(join(logdir, 'stopped'), {
      spec: fixtureSpec({ seed: 3, epochs: 6, outDir: join(logdir, 'stopped') }),
      history: fixtureHistory(2, { seed: 3 }), status: fixtureStatus('interrupted', { epochsDone: 2, epochs: 6 }),
      parameters: 7810, files: { 'last.json': '{}' },
    });
    writeRun(join(logdir, 'damaged'), {
      spec: fixtureSpec({ seed: 4, outDir: join(logdir, 'damaged') }), history: '[\n {\n  "epoch": 1,\n  "lr": 0.0', status: finished(15),
    });
    writeRecordedExperiments(RESULTS_DIR, logdir, ['12-sepnet-8k']);

    dashboard = await startDashboard({
      logdirs: [logdir], resultsDir: RESULTS_DIR, host: '127.0.0.1', port: 0, webRoot: WEB_ROOT, pollIntervalMs: 150, log: () => undefined,
    });
    for (const [name, id] of await runIds()) ids.set(name, id);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme: 'light' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: dashboard.url.replace(/\/$/, '') });
    page = await context.newPage();
    watch(page);
  });

  after(async () => {
    training?.kill('SIGKILL');
    await browser?.close();
    await dashboard?.close();
    rmSync(logdir, { recursive: true, force: true });
  });

  it('lists every run; a damaged one is an error state, an interrupted one offers its resume command', async () => {
    await page.goto(dashboard.url);
    await page.locator('tr.run-row').nth(RUNS - 1).waitFor();
    assert.equal(await page.locator('tr.run-row').count(), RUNS);
    assert.equal(await page.locator('.page-sub').textContent(), `${RUNS} runs in ${logdir}`);

    const damaged = page.locator(row('damaged'));
    assert.equal(await damaged.locator('.pill-problem').count(), 1);
    assert.match(await page.locator(`tr.sub-row[data-sub-of="${ids.get('damaged')}"]`).textContent() ?? '', /history\.json: not valid JSON/);

    const sub = page.locator(`tr.sub-row[data-sub-of="${ids.get('stopped')}"]`);
    assert.equal(await page.locator(row('stopped')).locator('.pill-interrupted').count(), 1);
    const command = (await sub.locator('.command-text').textContent() ?? '').replace(/^\$ /, '');
    assert.equal(command, `mnist-lab train --resume ${join(logdir, 'stopped')}`);
    await sub.locator('.copy-btn').click();
    await sub.locator('.copy-btn', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), command);
    await shot('runs');
  });

  it('sorts by a column, both ways, empty cells last', async () => {
    const column = async (key: string): Promise<string[]> =>
      page.locator(`tr.run-row td[data-key="${key}"]`).allTextContents();
    const numbers = (cells: string[]): number[] => cells.filter((c) => c !== '–').map(Number);

    await page.locator('th[data-key="bestTestAccuracy"] .sort-btn').click();
    assert.equal(await page.locator('th[data-key="bestTestAccuracy"]').getAttribute('aria-sort'), 'descending');
    let cells = await column('bestTestAccuracy');
    assert.deepEqual(numbers(cells), [...numbers(cells)].sort((a, b) => b - a));
    assert.equal(cells.at(-1), '–', 'the damaged run has no accuracy and sorts last');

    await page.locator('th[data-key="bestTestAccuracy"] .sort-btn').click();
    assert.equal(await page.locator('th[data-key="bestTestAccuracy"]').getAttribute('aria-sort'), 'ascending');
    cells = await column('bestTestAccuracy');
    assert.deepEqual(numbers(cells), [...numbers(cells)].sort((a, b) => a - b));
    assert.equal(cells.at(-1), '–');

    await page.locator('th[data-key="name"] .sort-btn').click();
    const names = await page.locator('tr.run-row .run-link').evaluateAll((links) => links.map((a) => a.getAttribute('title') ?? ''));
    assert.deepEqual(names.slice(0, 3).map((t) => t.split('/').pop()), ['alpha', 'beta', 'damaged']);
    // The sort is in the address, so a reload keeps it.
    assert.match(page.url(), /sort=name&dir=asc/);
  });

  it('filters by text and groups by experiment with mean ± std over the seeds', async () => {
    await page.locator('.filter-input').fill('alph');
    await page.waitForFunction("document.querySelectorAll('tr.run-row').length === 1");
    assert.equal(await page.locator(row('alpha')).count(), 1);
    assert.equal(await page.locator('.toolbar-count').textContent(), `1 of ${RUNS}`);
    await page.locator('.filter-input').fill('nothing-matches-this');
    await page.locator('tr.no-match').waitFor();
    await page.locator('tr.no-match button').click();
    await page.waitForFunction(`document.querySelectorAll('tr.run-row').length === ${RUNS}`);

    await page.locator('.seg-btn[data-group="experiment"]').click();
    const group = page.locator('tr.group-row[data-group="12-sepnet-8k"]');
    await group.waitFor();
    assert.match(await group.textContent() ?? '', new RegExp(`${CHAMPION_SEEDS} runs`));
    const lastMeans = CHAMPION_RESULT.seeds.map((s) => s.history.slice(-5).reduce((a, m) => a + m.testAccuracy, 0) / Math.min(5, s.history.length));
    const mean = lastMeans.reduce((a, b) => a + b, 0) / lastMeans.length;
    const std = Math.sqrt(lastMeans.reduce((a, v) => a + (v - mean) ** 2, 0) / (lastMeans.length - 1));
    assert.equal(await group.locator('td[data-key="lastMean"]').textContent(), `${mean.toFixed(2)} ± ${std.toFixed(2)}`);
    await page.locator('.seg-btn[data-group="none"]').click();
  });

  it('compares two runs: overlaid curves, and a spec diff of only the fields that differ', async () => {
    await page.locator(row('alpha')).locator('input[type=checkbox]').check();
    await page.locator(row('beta')).locator('input[type=checkbox]').check();
    await page.locator('.diff-table tbody tr').first().waitFor();
    const paths = await page.locator('.diff-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')));
    assert.deepEqual(paths, ['recipe.optimizer.lr', 'seed', 'outDir']);
    const lr = await page.locator('.diff-table tr[data-path="recipe.optimizer.lr"] td').allTextContents();
    assert.deepEqual(lr, ['0.01', '0.05']);
    await page.waitForFunction("document.querySelector('#compare .chart-curves')?.dataset.runs === '2'");
    assert.ok(await page.locator('#compare .chart-curves svg.marks path').count() > 4, 'the curves are drawn');
    assert.deepEqual(await page.locator('#compare .legend-run').allTextContents(), ['alpha', 'beta']);
    // The selection is in the address: a reload (or a shared link) opens the same comparison.
    await page.reload();
    await page.locator('.diff-table tbody tr[data-path="seed"]').waitFor();
    await page.waitForFunction("document.querySelector('#compare .chart-curves')?.dataset.runs === '2'");
    await page.locator('#compare').scrollIntoViewIfNeeded();
    await shot('compare');
    await page.locator('#compare .section-head .btn').click();
    await page.locator('.compare-hint').waitFor();
  });

  it('follows a training run as it writes its files: the row appears and its epochs and curves update without a reload', async (t) => {
    await page.goto(dashboard.url);
    await page.locator('tr.run-row').nth(RUNS - 1).waitFor();
    await page.evaluate('window.notReloaded = true');
    const out = join(logdir, 'live');
    training = spawn(process.execPath, [CLI, 'train', '--epochs', '3', '--limit-train', '1000', '--limit-test', '200', '--threads', '1', '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    training.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => training!.on('exit', (code) => done(code)));

    // The row, by its name, as soon as the server's event stream brings it.
    const live = page.locator('tr.run-row', { has: page.locator('.run-link[title$="/live"]') });
    await live.waitFor({ timeout: 45_000 });
    // Tick it while it runs, so the comparison follows its own event stream too.
    await live.locator('input[type=checkbox]').check();
    const seen = new Set<string>();
    const statuses = new Set<string>();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const state = await live.evaluate((tr) => ({ status: tr.getAttribute('data-status') ?? '', epochs: tr.querySelector('td[data-key="epochs"]')?.textContent ?? '' }));
      seen.add(state.epochs);
      statuses.add(state.status);
      if (state.status === 'finished' && state.epochs === '3/3') break;
      assert.ok(Date.now() < deadline, `the live row did not finish: saw ${[...seen].join(', ')} (${[...statuses].join(', ')}); stderr: ${stderr}`);
      await page.waitForTimeout(40);
    }
    t.diagnostic(`the live row showed epochs ${[...seen].join(', ')}`);
    assert.equal(await exited, 0, stderr);
    assert.ok(statuses.has('running'), `the row showed the run while it trained (saw ${[...statuses].join(', ')})`);
    assert.ok(seen.size >= 2, `the epochs column changed as the run trained (saw ${[...seen].join(', ')})`);
    await page.waitForFunction("document.querySelector('#compare .chart-curves')?.dataset.epochs === '3'", null, { timeout: 10_000 });
    assert.equal(await page.evaluate('window.notReloaded'), true, 'the page was not reloaded');
    for (const [name, id] of await runIds()) ids.set(name, id);
  });

  it('shows a run: summary, curves, analysis of its checkpoint, spec, reproduce command and downloads', async () => {
    await page.goto(`${dashboard.url}#/runs/${encodeURIComponent(ids.get('live')!)}`);
    await page.locator('.run-title', { hasText: 'live' }).waitFor();
    await page.locator('.card-curves .chart-curves svg.marks').waitFor();
    await page.locator('.chart-confusion svg.marks').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.per-class tbody tr').count(), 10);
    assert.match(await page.locator('.run-actions .command-text').textContent() ?? '', /mnist-lab train --spec \S+live\/spec\.json --out \S+live-again/);
    const downloads = await page.locator('a.download').evaluateAll((links) => links.map((a) => a.getAttribute('download')));
    assert.deepEqual(downloads, ['best.safetensors', 'last.safetensors', 'history.csv', 'spec.json']);
    const spec = JSON.parse(await page.locator('.code-block.json').textContent() ?? '') as { model: { name: string }; recipe: { epochs: number } };
    assert.equal(spec.recipe.epochs, 3);
    const grid = page.locator('img.digit-grid');
    if (await grid.count()) {
      await page.waitForFunction("(document.querySelector('img.digit-grid')?.naturalWidth ?? 0) > 0");
    }
    await shot('run-detail');

    // A run without a checkpoint says so instead of asking for an analysis.
    await page.goto(`${dashboard.url}#/runs/${encodeURIComponent(ids.get('alpha')!)}`);
    await page.locator('.analysis .empty-title', { hasText: 'No checkpoint to analyse' }).waitFor();
    await page.locator('.card-curves .chart-curves svg.marks').waitFor();
  });

  it('shows the experiments: the comparison table, the frontier chart, seeds linking to their runs', async () => {
    await page.goto(`${dashboard.url}#/experiments`);
    await page.locator('.experiments-table tbody tr').first().waitFor();
    const names = await page.locator('.experiments-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-experiment')));
    assert.ok(names.includes('12-sepnet-8k') && names.includes('01-baseline-fc'), names.join(', '));
    const seeds = page.locator('tr[data-experiment="12-sepnet-8k"] a.chip');
    assert.equal(await seeds.count(), CHAMPION_SEEDS, 'every seed of 12 links to its run folder in the logdir');
    assert.equal(await page.locator('tr[data-experiment="01-baseline-fc"] a.chip').count(), 0);
    await page.locator('.chart-frontier svg.marks').waitFor();
    await shot('experiments');
    await seeds.first().click();
    await page.locator('.run-title', { hasText: 'seed-1' }).waitFor();
  });

  it('draws every page in dark mode without errors', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(dashboard.url);
    await page.locator('tr.run-row').first().waitFor();
    await shot('runs-dark');
    await page.goto(`${dashboard.url}#/runs/${encodeURIComponent(ids.get('live')!)}`);
    await page.locator('.chart-confusion svg.marks').waitFor({ timeout: 30_000 });
    await shot('run-detail-dark');
    await page.goto(`${dashboard.url}#/experiments`);
    await page.locator('.chart-frontier svg.marks').waitFor();
    await shot('experiments-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows an API error as a message on the page', async () => {
    const other = await context.newPage();
    // The browser itself logs the 404 of the missing run; the page must not add anything else.
    watch(other, (text) => /Failed to load resource: the server responded with a status of 404/.test(text));
    await other.goto(`${dashboard.url}#/runs/no-such-run`);
    const message = other.locator('.message-error');
    await message.waitFor();
    assert.match(await message.textContent() ?? '', /Could not load this run.*no such run/);
    await other.close();
  });

  it('logged no console error, threw no exception and loaded nothing from another origin on any page', () => {
    assert.deepEqual(problems, []);
  });

  it('lists a sweep, and its page draws the trials table, the best trial, both charts and the confirmation', async () => {
    // Written now, so the runs counted by the tests above stay as they were.
    const sweepDir = join(logdir, 'sweeps', 'web-sweep');
    const lr = 'recipe.optimizer.lr';
    const trials = [[0, 'complete', 98.1, 0.01], [1, 'pruned', null, 0.2], [2, 'complete', 98.9, 0.05], [3, 'complete', 97.2, 0.002]] as const;
    const study: Study = {
      format: STUDY_FORMAT,
      spec: {
        format: SWEEP_SPEC_FORMAT, name: 'web-sweep', base: { ...fixtureSpec({ epochs: 3 }), outDir: null },
        space: { [lr]: { type: 'loguniform', low: 0.001, high: 0.3 } },
        objective: { lastEpochs: 2, validation: { split: 1000, splitSeed: 1 } },
        sampler: { name: 'random', seed: 1 }, pruner: { name: 'asha', minEpochs: 1, reductionFactor: 2 }, budget: { trials: 6 },
      },
      trials: trials.map(([id, state, value, rate]): Study['trials'][number] => ({
        id, params: { [lr]: rate }, state, value, intermediate: state === 'pruned' ? { 1: 60 } : { 1: 90, 2: 95, 3: value ?? 0 },
        dir: `trials/000${id}`, seconds: 30 + id,
      })),
      confirmation: { trialId: 2, params: { [lr]: 0.05 }, dir: 'confirm', lastEpochs: 2, testLastMean: 99.12, testLastMin: 99.05, testFinal: 99.2, at: new Date().toISOString() },
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    for (const [id, state] of trials) {
      writeRun(join(sweepDir, 'trials', `000${id}`), {
        spec: fixtureSpec({ seed: id, epochs: 3, valSplit: 1000 }), history: fixtureHistory(state === 'pruned' ? 1 : 3, { seed: id, val: true }),
        status: fixtureStatus('finished', { epochsDone: 3, epochs: 3 }),
      });
    }
    writeRun(sweepDir, { files: { 'study.json': `${JSON.stringify(study, null, 1)}\n` } });

    // The runs table rescans its folders about once a second: wait until it links every trial.
    let sweepId = '';
    for (const deadline = Date.now() + 15_000; ;) {
      const list = (await (await fetch(`${dashboard.url}api/sweeps`)).json()) as SweepsResponse;
      sweepId = list.sweeps.find((s) => s.name === 'web-sweep')?.id ?? '';
      const detail = sweepId ? (await (await fetch(`${dashboard.url}api/sweeps/${sweepId}`)).json()) as SweepDetail : null;
      if (detail?.trials.every((t) => t.runId !== null)) break;
      assert.ok(Date.now() < deadline, 'the sweep and its trials\' runs did not appear');
      await new Promise((done) => setTimeout(done, 200));
    }

    await page.goto(`${dashboard.url}#/sweeps`);
    const listed = page.locator(`tr[data-sweep-id="${sweepId}"]`);
    await listed.waitFor();
    assert.equal(await page.locator('.nav a[aria-current="page"]').textContent(), 'Sweeps');
    const cells = await listed.locator('td').allTextContents();
    assert.equal(cells[0], 'web-sweepsweeps/web-sweep');
    assert.equal(cells[2], '3 complete · 1 stopped · 0 running of 6');
    assert.match(cells[3] ?? '', /^98\.90%trial 2: optimizer\.lr 0\.05$/);
    assert.match(cells[4] ?? '', /^99\.12%/);

    await listed.locator('a.run-link').click();
    await page.locator('.run-title', { hasText: 'web-sweep' }).waitFor();
    await page.locator('.chart-sweep[data-chart="parallel-coordinates"] svg.marks').waitFor();
    await page.locator('.chart-sweep[data-chart="importance"] svg.marks').waitFor();
    const rows = page.locator('.trials-table tbody tr');
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-trial'), tr.getAttribute('data-state')])),
      [['0', 'complete'], ['1', 'pruned'], ['2', 'complete'], ['3', 'complete']]);
    assert.deepEqual(await page.locator('.trials-table tbody tr.best').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-trial'))), ['2']);
    assert.equal(await rows.locator('a.run-link').count(), 4, 'every trial links to its run');
    assert.match(await page.locator('.sweep-confirmation').textContent() ?? '', /Confirmed on the test set: 99\.12%/);
    await shot('sweep');

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.locator('.chart-sweep[data-chart="importance"] svg.marks').waitFor();
    await shot('sweep-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.locator('.trials-table tr[data-trial="3"] a.run-link').click();
    await page.locator('.run-title', { hasText: 'trials/0003' }).waitFor();
    assert.deepEqual(problems, []);
  });
});
