import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicTempPath, writeFileAtomic, writeFileAtomicSync } from '../../src/util/atomic-write.js';

function withTempDir(body: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-atomic-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('the temp file sits next to the target and is unique per call', () => {
  const a = atomicTempPath('/data/run/model.safetensors');
  const b = atomicTempPath('/data/run/model.safetensors');
  assert.match(a, new RegExp(`^/data/run/model\\.safetensors\\.tmp-${process.pid}-[0-9a-f]{12}$`));
  assert.notEqual(a, b);
});

test('writes new files and replaces existing ones, leaving no temp files', withTempDir(async (dir) => {
  const path = join(dir, 'out.json');
  writeFileAtomicSync(path, '{"a":1}');
  assert.equal(readFileSync(path, 'utf8'), '{"a":1}');
  writeFileAtomicSync(path, new Uint8Array([1, 2, 3]));
  assert.deepEqual(readFileSync(path), Buffer.from([1, 2, 3]));
  await writeFileAtomic(path, 'äsync');
  assert.equal(readFileSync(path, 'utf8'), 'äsync');
  await writeFileAtomic(path, new Uint8Array(0));
  assert.equal(readFileSync(path).length, 0);
  assert.deepEqual(readdirSync(dir), ['out.json']);
}));

test('a failed write removes its temp file and leaves the old file alone', withTempDir(async (dir) => {
  // Renaming a file over a non-empty directory fails after the temp file was written.
  const target = join(dir, 'occupied');
  mkdirSync(target);
  writeFileSync(join(target, 'keep'), 'x');
  assert.throws(() => writeFileAtomicSync(target, 'data'), (err: NodeJS.ErrnoException) => typeof err.code === 'string');
  await assert.rejects(writeFileAtomic(target, 'data'), (err: NodeJS.ErrnoException) => typeof err.code === 'string');
  assert.deepEqual(readdirSync(dir), ['occupied']);
  assert.deepEqual(readdirSync(target), ['keep']);
}));

test('a missing directory fails with ENOENT and creates nothing', withTempDir(async (dir) => {
  const path = join(dir, 'missing', 'out.bin');
  assert.throws(() => writeFileAtomicSync(path, 'x'), { code: 'ENOENT' });
  await assert.rejects(writeFileAtomic(path, 'x'), { code: 'ENOENT' });
  assert.deepEqual(readdirSync(dir), []);
}));
