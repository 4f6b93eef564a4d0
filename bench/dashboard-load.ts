/**
 * Dashboard load benchmark: `node dist/bench/dashboard-load.js [--seconds 60] [--clients 50]
 * [--limit-train 2000] [--threads 1] [--out bench/results/dashboard-load.json]`
 *
 * Does watching a run slow it down? It starts `mnist-lab serve` on a temporary logdir, then trains
 * the same `mnist-lab train` run twice for `--seconds` each (small epochs, so history.json and
 * status.json change every second or two), first with no one watching, then with `--clients`
 * clients each holding the run's event stream and the runs stream open. It reports each phase's
 * training throughput (img/s from the run's own history, the first epoch left out as JIT warm-up),
 * the slowdown, the events the clients received, the server's CPU time and peak RSS, and whether
 * the server stayed up (it must still answer /api/runs and exit 0 on SIGINT).
 *
 * Not a test: it takes 2 x seconds plus start-up, and its figures are only meaningful on an
 * otherwise idle machine (it prints the load average; on a shared machine say so with the result).
 * Linux only for the server's RSS and CPU (/proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ------------------------------------------------------------------ settings
function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const SECONDS = Number(flag('seconds', '60'));
const CLIENTS = Number(flag('clients', '50'));
const LIMIT_TRAIN = Number(flag('limit-train', '2000'));
const LIMIT_TEST = Number(flag('limit-test', '500'));
const THREADS = Number(flag('threads', '1'));
const MODEL = flag('model', 'sepnet-8k');
const OUT = flag('out', 'bench/results/dashboard-load.json');

/** dist/bench/dashboard-load.js -> the package root. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (v: number, digits = 1): number => Number(v.toFixed(digits));

// ------------------------------------------------------------------ the server process
interface ProcSample {
  rssKiB: number;
  hwmKiB: number;
  cpuSeconds: number;
}

/** VmRSS / VmHWM and user+system CPU of a process, from /proc (null elsewhere or once it is gone). */
function procSample(pid: number): ProcSample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM'), cpuSeconds: ticks / 100 };
  } catch {
    return null;
  }
}

async function startServer(logdir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--logdir', logdir, '--results-dir', join(ROOT, 'reports', 'results')], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /mnist-lab dashboard: (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { child, url };
}

function getJson<T>(url: string): Promise<{ status: number; body: T | null }> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: null });
        }
      });
    });
    req.on('error', () => resolve({ status: 0, body: null }));
    req.end();
  });
}

// ------------------------------------------------------------------ event-stream clients
/** Holds a stream open and counts its events by name, without parsing their JSON (the clients must cost little). */
class CountingClient {
  readonly counts = new Map<string, number>();
  private tail = '';
  private readonly req;
  closedByServer = false;

  constructor(url: string) {
    this.req = request(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.feed(chunk));
      res.on('end', () => (this.closedByServer = true));
      res.on('error', () => undefined);
    });
    this.req.on('error', () => (this.closedByServer = true));
    this.req.end();
  }

  private feed(chunk: string): void {
    const text = this.tail + chunk;
    let from = 0;
    let end: number;
    while ((end = text.indexOf('\n\n', from)) >= 0) {
      if (text.startsWith('event: ', from)) {
        const name = text.slice(from + 7, text.indexOf('\n', from));
        this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
      }
      from = end + 2;
    }
    this.tail = text.slice(from);
  }

  close(): void {
    this.req.destroy();
  }
}

// ------------------------------------------------------------------ one training phase
interface PhaseResult {
  phase: string;
  clients: number;
  epochs: number;
  /** Training images per second over the epochs after the first. */
  trainImagesPerSecond: number;
  /** Mean wall seconds of a whole epoch (training, test pass, checkpoints), same epochs. */
  epochSecondsMean: number;
  serverCpuSeconds: number;
  serverPeakRssMiB: number;
  events: { history: number; status: number; runs: number; perClientHistoryMin: number };
  clientsDisconnected: number;
}

async function trainPhase(phase: string, logdir: string, server: { child: ChildProcess; url: string }, clients: number): Promise<PhaseResult> {
  const out = join(logdir, phase);
  const train = spawn(process.execPath, [
    CLI, 'train', '--model', MODEL, '--epochs', '10000', '--limit-train', String(LIMIT_TRAIN), '--limit-test', String(LIMIT_TEST),
    '--threads', String(THREADS), '--out', out,
  ], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let trainErr = '';
  train.stderr!.on('data', (d: Buffer) => (trainErr += d.toString()));
  const trainExit = new Promise<number | null>((resolve) => train.on('exit', (code) => resolve(code)));

  const pid = server.child.pid!;
  const cpuBefore = procSample(pid)?.cpuSeconds ?? NaN;
  let peakRss = procSample(pid)?.rssKiB ?? 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, procSample(pid)?.rssKiB ?? 0);
  }, 200);

  const open: CountingClient[] = [];
  if (clients > 0) {
    // The run's id, once its folder shows up in the table.
    let id: string | null = null;
    while (id === null) {
      const r = await getJson<{ runs: { id: string; name: string }[] }>(new URL('/api/runs', server.url).href);
      id = r.body?.runs.find((row) => row.name === phase)?.id ?? null;
      if (id === null) await sleep(200);
    }
    for (let i = 0; i < clients; i++) {
      open.push(new CountingClient(new URL(`/api/runs/${id}/events`, server.url).href));
      open.push(new CountingClient(new URL('/api/events', server.url).href));
    }
  }
  await Promise.race([sleep(SECONDS * 1000), trainExit]);
  train.kill('SIGINT'); // stops at the next batch, as Ctrl-C does
  const code = await trainExit;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, procSample(pid)?.rssKiB ?? 0);
  const cpuAfter = procSample(pid)?.cpuSeconds ?? NaN;
  if (code !== 0) throw new Error(`train (${phase}) exited with ${code}: ${trainErr.slice(-2000)}`);

  const sum = (name: string): number => open.reduce((acc, c) => acc + (c.counts.get(name) ?? 0), 0);
  const perClientHistory = open.filter((_, i) => i % 2 === 0).map((c) => c.counts.get('history') ?? 0);
  const disconnected = open.filter((c) => c.closedByServer).length;
  for (const c of open) c.close();

  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as { trainSeconds: number; epochSeconds: number }[];
  const trainImages = (JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { data: { train: number } }).data.train;
  const warm = history.slice(1);
  if (warm.length === 0) throw new Error(`${phase}: fewer than 2 epochs in ${SECONDS} s; pass a smaller --limit-train or more --seconds`);
  return {
    phase,
    clients,
    epochs: history.length,
    trainImagesPerSecond: (warm.length * trainImages) / warm.reduce((a, m) => a + m.trainSeconds, 0),
    epochSecondsMean: warm.reduce((a, m) => a + m.epochSeconds, 0) / warm.length,
    serverCpuSeconds: cpuAfter - cpuBefore,
    serverPeakRssMiB: peakRss / 1024,
    events: { history: sum('history'), status: sum('status'), runs: sum('runs'), perClientHistoryMin: perClientHistory.length ? Math.min(...perClientHistory) : 0 },
    clientsDisconnected: disconnected,
  };
}

// ------------------------------------------------------------------ main
async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing; run \`npm run build\` first`);
  const loadAtStart = loadavg().map((v) => v.toFixed(2)).join(' ');
  console.log(`dashboard load: ${SECONDS} s per phase, ${CLIENTS} clients x 2 streams, ${MODEL} on ${LIMIT_TRAIN} images/epoch, ${THREADS} thread(s)`);
  if (loadavg()[0]! > 0.5) console.log(`note: load average ${loadAtStart} at start; other processes share the cores, so the figures are noisy`);
  const logdir = mkdtempSync(join(tmpdir(), 'mnist-lab-dashboard-load-'));
  const server = await startServer(logdir);
  const serverExit = new Promise<number | null>((resolve) => server.child.on('exit', (code) => resolve(code)));
  try {
    const quiet = await trainPhase('unwatched', logdir, server, 0);
    const watched = await trainPhase('watched', logdir, server, CLIENTS);
    const stillAnswers = (await getJson(new URL('/api/runs', server.url).href)).status === 200;
    const hwm = procSample(server.child.pid!)?.hwmKiB ?? NaN;
    server.child.kill('SIGINT');
    const exitCode = await Promise.race([serverExit, sleep(10_000).then(() => 'timeout' as const)]);
    const slowdown = 100 * (1 - watched.trainImagesPerSecond / quiet.trainImagesPerSecond);

    const rows = [quiet, watched].map((r) => [
      r.phase, String(r.clients * 2), String(r.epochs), r.trainImagesPerSecond.toFixed(0), r.epochSecondsMean.toFixed(2),
      r.serverCpuSeconds.toFixed(2), r.serverPeakRssMiB.toFixed(1), String(r.events.history + r.events.status + r.events.runs),
    ]);
    const header = ['phase', 'streams', 'epochs', 'train img/s', 's/epoch', 'server CPU s', 'server RSS MiB', 'events'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    console.log(`slowdown with ${CLIENTS} clients watching: ${slowdown.toFixed(1)}% (noise on a shared machine is easily +-5%)`);
    console.log(`every client got >= ${watched.events.perClientHistoryMin} history events; ${watched.clientsDisconnected} streams were dropped by the server`);
    console.log(`server: peak RSS ${(hwm / 1024).toFixed(1)} MiB (VmHWM), still answering: ${stillAnswers}, exit on SIGINT: ${exitCode}`);

    const result = {
      date: new Date().toISOString(),
      machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores`,
      node: process.version,
      loadAverage: { start: loadAtStart, end: loadavg().map((v) => v.toFixed(2)).join(' ') },
      settings: { seconds: SECONDS, clients: CLIENTS, streamsPerClient: 2, model: MODEL, limitTrain: LIMIT_TRAIN, limitTest: LIMIT_TEST, threads: THREADS },
      phases: [quiet, watched].map((r) => ({
        ...r, trainImagesPerSecond: round(r.trainImagesPerSecond), epochSecondsMean: round(r.epochSecondsMean, 3),
        serverCpuSeconds: round(r.serverCpuSeconds, 2), serverPeakRssMiB: round(r.serverPeakRssMiB),
      })),
      slowdownPercent: round(slowdown),
      server: { peakRssMiB: round(hwm / 1024), stillAnswering: stillAnswers, exitCodeOnSigint: exitCode },
    };
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${OUT}`);
    if (!stillAnswers || exitCode !== 0) process.exitCode = 1;
  } finally {
    server.child.kill('SIGKILL');
    rmSync(logdir, { recursive: true, force: true });
  }
}

await main();
