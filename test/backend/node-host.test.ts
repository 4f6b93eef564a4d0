/** The Node host of the wasm backend: a missing kernel build is a setup step, reported in one line. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeHost } from '../../src/backend/wasm/node-host.js';
import { MnistLabError } from '../../src/util/errors.js';

it('names the missing .wasm file and the command that builds it', async () => {
  await assert.rejects(() => nodeHost.loadModule('/nonexistent/kernels.wasm'), (err: unknown) => {
    assert.ok(err instanceof MnistLabError);
    assert.match(err.message, /cannot read \/nonexistent\/kernels\.wasm .*run `npm run build:wasm` first/);
    return true;
  });
});
