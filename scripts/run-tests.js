// Runs every compiled test file with Node's built-in test runner.
// Node 20's `--test` has no glob support, so the file list is gathered here.
//
// Some tests need a system package. When one is missing
// (chromium for the browser tests, redis-server for the queue tests) and this runs as root, as CI
// does, it is installed with apt-get; anywhere else those tests are
// skipped, with one line naming the package and how many tests that skips. Nothing else is skipped.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** System packages the suite needs, the binary that shows each is there, and the tests that use it. */
const SYSTEM_PACKAGES = [
  { name: 'chromium', binary: '/usr/bin/chromium', tests: `${join('dist', 'test', 'web')}/`, what: 'browser', skipEnv: 'MNIST_LAB_NO_CHROMIUM' },
  { name: 'redis-server', binary: '/usr/bin/redis-server', tests: `${join('dist', 'test', 'queue')}/`, what: 'queue', skipEnv: 'MNIST_LAB_NO_REDIS' },
];

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

function aptInstall(name) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', name], { stdio: 'inherit', env }).status === 0;
  process.stdout.write(`run-tests: ${name} is missing; installing it with apt-get (running as root)\n`);
  if (install()) return true;
  // A fresh machine may have no package lists yet.
  spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  return install();
}

const filter = process.argv.slice(2);
let files = collect('dist/test');
if (filter.length > 0) files = files.filter((f) => filter.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}

const env = { ...process.env };
const skipped = [];
for (const pkg of SYSTEM_PACKAGES) {
  const users = files.filter((f) => f.startsWith(pkg.tests));
  if (users.length === 0 || existsSync(pkg.binary)) continue;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && aptInstall(pkg.name) && existsSync(pkg.binary)) continue;
  env[pkg.skipEnv] = '1';
  skipped.push({ pkg, users });
}

const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit', env });

for (const { pkg, users } of skipped) {
  // Count what was skipped from a quick run of those files alone (their suites skip at once).
  const count = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...users], { encoding: 'utf8', env });
  const n = /# skipped (\d+)/.exec(count.stdout)?.[1] ?? '?';
  process.stdout.write(`run-tests: ${pkg.name} is not installed, so ${n} ${pkg.what} test(s) were skipped; install it with: apt-get install ${pkg.name}\n`);
}
process.exit(r.status ?? 1);
