/**
 * `mnist-lab serve`: a local dashboard of the runs under one or more logdirs (live curves, the runs
 * table, analyses of checkpoints, the experiments). Binds 127.0.0.1 unless told otherwise; Ctrl-C
 * stops it.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_HOST, exposureWarning } from '../../server/bind-host.js';
import { MnistLabError } from '../../util/errors.js';
import { nonNegativeInt } from '../options.js';

export const DEFAULT_PORT = 8808;
const DEFAULT_LOGDIR = 'runs';
const DEFAULT_RESULTS_DIR = join('reports', 'results');

interface ServeFlags {
  logdir?: string[];
  port: number;
  host: string;
  open?: boolean;
  resultsDir?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function port(value: string): number {
  const n = nonNegativeInt('--port')(value);
  if (n > 65535) throw new InvalidArgumentError(`--port must be a port number 0-65535 (0: any free port), got '${value}'`);
  return n;
}

/** <package root>/dist/web, found by walking up from this file to mnist-lab's package.json. */
export function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist'))) return join(dir, 'dist', 'web');
    dir = dirname(dir);
  }
  // dist/src/cli/commands/serve.js -> dist/web
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, command)));
}

/** Opens the URL in the desktop's browser, detached; says so when there is no opener. */
function openBrowser(url: string, say: (line: string) => void): void {
  const opener = process.platform === 'darwin' ? { cmd: 'open', args: [url] }
    : process.platform === 'win32' ? { cmd: 'cmd', args: ['/c', 'start', '""', url] }
    : { cmd: 'xdg-open', args: [url] };
  if (process.platform !== 'win32' && !onPath(opener.cmd)) {
    say(`--open: no ${opener.cmd} on this system; open ${url} in a browser yourself`);
    return;
  }
  const child = spawn(opener.cmd, opener.args, { detached: true, stdio: 'ignore' });
  child.on('error', () => say(`--open: could not start ${opener.cmd}; open ${url} in a browser yourself`));
  child.unref();
}

export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description('a local dashboard of your runs in the browser: live curves, the runs table, analyses, experiments')
    .option('--logdir <dir>', `a folder of run folders, searched recursively; repeat for several (default ${DEFAULT_LOGDIR})`, collect)
    .option('-p, --port <n>', `port (0: any free port; default ${DEFAULT_PORT})`, port, DEFAULT_PORT)
    .option('--host <address>', `address to listen on (default ${DEFAULT_HOST}; anything else exposes your runs to the network)`, DEFAULT_HOST)
    .option('--open', 'open the dashboard in the browser')
    .option('--results-dir <dir>', `experiment results for the experiments page (default ${DEFAULT_RESULTS_DIR})`)
    .action(async (flags: ServeFlags) => {
      await runServe(flags);
    });
}

async function runServe(flags: ServeFlags): Promise<void> {
  const say = (line: string): void => void process.stderr.write(`mnist-lab: ${line}\n`);
  const host = flags.host.trim();
  if (host === '') throw new MnistLabError('--host must be an address such as 127.0.0.1, got an empty string');
  const logdirs = flags.logdir ?? [DEFAULT_LOGDIR];
  for (const dir of logdirs) {
    if (existsSync(dir) && !isDirectory(dir)) throw new MnistLabError(`--logdir ${dir}: not a directory; pass the folder that holds your run folders`);
  }
  const resultsDir = flags.resultsDir ?? DEFAULT_RESULTS_DIR;
  if (flags.resultsDir !== undefined && !isDirectory(resultsDir)) {
    throw new MnistLabError(`--results-dir ${resultsDir}: no such directory; pass the folder where \`experiments run\` wrote its results`);
  }
  for (const dir of logdirs) {
    if (!existsSync(dir)) say(`--logdir ${dir} does not exist yet; its runs will show up when it does`);
  }
  if (flags.resultsDir === undefined && !isDirectory(resultsDir)) say(`no ${resultsDir} here: the experiments page will be empty`);
  const webRoot = defaultWebRoot();
  if (!existsSync(join(webRoot, 'index.html'))) say(`the dashboard's pages are not built (no ${join(webRoot, 'index.html')}); run \`npm run build\`. The API still answers at /api/runs`);

  // Loaded here, not at the top: every other command would pay for Fastify at startup.
  const { startDashboard } = await import('../../server/server.js');
  let dashboard;
  try {
    dashboard = await startDashboard({ logdirs, resultsDir, host, port: flags.port, webRoot, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new MnistLabError(`port ${flags.port} is in use; pass another --port (or --port 0 for any free one)`);
    if (code === 'EACCES') throw new MnistLabError(`not allowed to listen on port ${flags.port}; pass a port above 1023`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new MnistLabError(`--host ${host}: not an address of this machine; use 127.0.0.1 (default)`);
    }
    throw err;
  }
  const warning = exposureWarning(host, Number(new URL(dashboard.url).port));
  if (warning) say(warning);
  process.stdout.write(`mnist-lab dashboard: ${dashboard.url} (Ctrl-C to stop)\n`);
  if (flags.open) openBrowser(dashboard.url, say);

  await new Promise<void>((resolveStop) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await dashboard.close();
}
