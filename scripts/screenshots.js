// Screenshots of the dashboard (`mnist-lab serve`) for the README: each page at 1366x768, light
// and dark, into docs/img/dashboard-<page>-<mode>.png. The runs are real: the recorded experiments'
// seeds (reports/results, laid out as runs/experiments/<name>/seed-<n>), a few small training runs
// made now (a minute or two on one thread), one stopped half-way, and one training while the runs
// page is captured.
//
//   npm run build && node scripts/build-web.js && node scripts/screenshots.js [--out docs/img]
//
// Needs chromium (Debian: apt-get install chromium).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outDir = resolve(outArg > 0 ? process.argv[outArg + 1] : join(root, 'docs', 'img'));
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
for (const need of [cli, join(root, 'dist', 'web', 'app.js'), join(root, 'dist', 'test', 'web', 'fixture-runs.js')]) {
  if (!existsSync(need)) {
    console.error(`screenshots: ${need} is missing; run \`npm run build && node scripts/build-web.js\` first`);
    process.exit(1);
  }
}
const { startDashboard } = await import(join(root, 'dist', 'src', 'server', 'server.js'));
const { chromiumPath, launchChromium } = await import(join(root, 'dist', 'test', 'helpers', 'browser.js'));
const { writeRecordedExperiments } = await import(join(root, 'dist', 'test', 'web', 'fixture-runs.js'));
if (chromiumPath() === null) {
  console.error('screenshots: chromium is not installed (apt-get install chromium)');
  process.exit(1);
}

// Everything happens in a scratch folder that looks like a project: ./runs and ./reports/results,
// so the pages show the paths a user would see.
const work = join(tmpdir(), `mnist-lab-screenshots-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'reports'), { recursive: true });
cpSync(join(root, 'reports', 'results'), join(work, 'reports', 'results'), { recursive: true });
process.chdir(work);
const say = (line) => console.log(`screenshots: ${line}`);

say('laying out the recorded experiments as run folders');
writeRecordedExperiments('reports/results', 'runs');

const train = (name, args) => ['train', '--threads', '1', '--limit-train', '10000', '--limit-test', '2000', '--out', `runs/${name}`, ...args];
const runs = [
  ['sepnet-8k-10k-images', ['--model', 'sepnet-8k', '--epochs', '6', '--ema', '0']],
  ['gapnet-8k-val-split', ['--model', 'gapnet-8k', '--epochs', '6', '--ema', '0', '--val-split', '2000']],
  ['sepnet-8k-maxlr0.2-ls0.1', ['--model', 'sepnet-8k', '--epochs', '6', '--ema', '0', '--max-lr', '0.2', '--label-smoothing', '0.1', '--seed', '2']],
];
for (const [name, args] of runs) {
  say(`training runs/${name}`);
  const r = spawnSync(process.execPath, [cli, ...train(name, args)], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`training ${name} failed`);
}

/** Starts a run; resolves once its status.json says `epochs` epochs are done. */
async function startRun(name, args, epochs) {
  const child = spawn(process.execPath, [cli, ...train(name, args)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const status = join('runs', name, 'status.json');
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    try {
      if (JSON.parse(readFileSync(status, 'utf8')).epochsDone >= epochs) return child;
    } catch {
      // not written yet, or half-written
    }
    if (child.exitCode !== null) throw new Error(`${name} stopped early`);
  }
}

say('training runs/gapnet-5k-stopped and stopping it after 2 epochs (as a killed process leaves it)');
const stopped = await startRun('gapnet-5k-stopped', ['--model', 'gapnet-5k', '--epochs', '12', '--ema', '0'], 2);
stopped.kill('SIGKILL');

const dashboard = await startDashboard({ logdirs: ['runs'], resultsDir: 'reports/results', host: '127.0.0.1', port: 0, webRoot: join(root, 'dist', 'web'), log: () => undefined });
const browser = await launchChromium();
mkdirSync(outDir, { recursive: true });
const problems = [];
let live = null;
try {
  const ids = new Map((await (await fetch(`${dashboard.url}api/runs`)).json()).runs.map((r) => [r.name, r.id]));
  const pages = [
    {
      name: 'runs',
      url: '#/',
      ready: async (page) => {
        await page.locator('tr.run-row[data-status="running"]').waitFor();
      },
    },
    {
      name: 'compare',
      url: `#/?${['experiments/05-gapnet-8k/seed-1', 'experiments/07-gapnet-8k-ema/seed-1', 'experiments/12-sepnet-8k/seed-1'].map((n) => `sel=${ids.get(n)}`).join('&')}`,
      ready: async (page) => {
        await page.locator('#compare .chart-curves svg.marks').waitFor();
        await page.locator('.diff-table').waitFor();
        await page.evaluate(() => {
          const head = document.querySelector('#compare .section-head');
          window.scrollTo(0, head.getBoundingClientRect().top + window.scrollY - 64);
        });
      },
    },
    {
      name: 'run-detail',
      url: `#/runs/${ids.get('sepnet-8k-10k-images')}`,
      ready: async (page) => {
        await page.locator('.card-curves svg.marks').waitFor();
        await page.locator('.chart-confusion svg.marks').waitFor({ timeout: 60_000 });
        await page.waitForFunction(() => (document.querySelector('img.digit-grid')?.naturalWidth ?? 0) > 0);
      },
    },
    {
      name: 'run-analysis',
      url: `#/runs/${ids.get('sepnet-8k-10k-images')}`,
      ready: async (page) => {
        await page.locator('.chart-confusion svg.marks').waitFor({ timeout: 60_000 });
        await page.waitForFunction(() => (document.querySelector('img.digit-grid')?.naturalWidth ?? 0) > 0);
        await page.evaluate(() => {
          const head = document.querySelector('.analysis').previousElementSibling;
          window.scrollTo(0, head.getBoundingClientRect().top + window.scrollY - 64);
        });
      },
    },
    {
      name: 'experiments',
      url: '#/experiments',
      ready: async (page) => {
        await page.locator('.chart-frontier svg.marks').waitFor();
      },
    },
    {
      // A 3 drawn with the mouse in one stroke (two arcs), read in the page by the shipped champion.
      name: 'draw',
      url: '#/draw',
      ready: async (page) => {
        await page.locator('.draw-result[data-state="empty"]').waitFor();
        const box = await page.locator('.pad-canvas').boundingBox();
        const arc = (cx, cy, r, from, to) => Array.from({ length: 24 }, (_, i) => {
          const a = ((from + ((to - from) * i) / 23) * Math.PI) / 180;
          return [box.x + (cx + r * Math.cos(a)) * box.width, box.y + (cy + 1.1 * r * Math.sin(a)) * box.height];
        });
        const three = [...arc(0.49, 0.35, 0.13, -165, 90), ...arc(0.5, 0.63, 0.15, -90, 155)];
        await page.mouse.move(...three[0]);
        await page.mouse.down();
        for (const p of three.slice(1)) await page.mouse.move(...p, { steps: 2 });
        await page.mouse.up();
        await page.locator('.draw-result[data-state="ready"]').waitFor();
      },
    },
    {
      // Trains sepnet-8k for 2 epochs on 4,000 images in the tab (10-20 s a mode) and shows the result.
      name: 'train',
      url: '#/train',
      ready: async (page) => {
        await page.locator('.tr-train').waitFor();
        for (const [name, value] of [['epochs', '2'], ['trainImages', '4000'], ['testImages', '2000'], ['batchSize', '32']]) await page.fill(`input[name=${name}]`, value);
        // Without the weight average: over 250 steps it would still lag the model it averages.
        await page.uncheck('input[name=ema]');
        await page.click('.tr-train');
        await page.waitForFunction(() => document.querySelector('.tr-phase')?.dataset.phase === 'finished', null, { timeout: 300_000 });
        await page.locator('.tr-curves svg.marks').waitFor();
      },
    },
  ];

  say('training runs/sepnet-8k-live, captured while it trains');
  live = await startRun('sepnet-8k-live', ['--model', 'sepnet-8k', '--epochs', '15', '--ema', '0'], 2);

  for (const mode of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme: mode });
    for (const p of pages) {
      const page = await context.newPage();
      page.on('console', (m) => m.type() === 'error' && problems.push(`${p.name} (${mode}): ${m.text()}`));
      page.on('pageerror', (e) => problems.push(`${p.name} (${mode}): ${e.message}`));
      await page.goto(`${dashboard.url}${p.url}`);
      await p.ready(page);
      // Let transitions and the row highlight settle.
      await page.waitForTimeout(1800);
      const file = join(outDir, `dashboard-${p.name}-${mode}.png`);
      await page.screenshot({ path: file });
      say(`wrote ${file}`);
      await page.close();
    }
    await context.close();
  }
} finally {
  live?.kill('SIGKILL');
  await browser.close();
  await dashboard.close();
  process.chdir(root);
  rmSync(work, { recursive: true, force: true });
}
if (problems.length) {
  console.error(`screenshots: the pages logged errors:\n${problems.join('\n')}`);
  process.exit(1);
}
