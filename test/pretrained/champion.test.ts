/**
 * The shipped champion (pretrained/sepnet-8k): `mnist-lab eval` on it prints exactly the test line
 * that PROVENANCE.md records, and that line is the test accuracy and loss the training run recorded
 * in last.json for the epoch these weights are from. 10,000 test images, a few seconds.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAMPION, pretrainedRoot, readPretrained } from '../../src/models/pretrained.js';
import { readCheckpointMeta } from '../../src/train/checkpoint.js';
import { runCli } from '../helpers/cli.js';

const DIR = join(pretrainedRoot(), CHAMPION);
const TEST_LINE = /^Test set: Average loss: \d+\.\d{4}, Accuracy: \d+\/\d+ \(\d+\.\d\d%\)$/m;

describe('the shipped champion', () => {
  it('is found where the server and the Draw page look for it', () => {
    const c = readPretrained(CHAMPION);
    assert.equal(c.model.name, 'sepnet-8k');
    assert.equal(c.model.parameters, 7810);
    assert.equal(c.weights, join(DIR, 'last.safetensors'));
  });

  it('reproduces, under `mnist-lab eval`, the test accuracy recorded beside it', () => {
    const provenance = readFileSync(join(DIR, 'PROVENANCE.md'), 'utf8');
    const recorded = TEST_LINE.exec(provenance)?.[0];
    assert.ok(recorded, 'PROVENANCE.md records the `Test set:` line that eval prints');
    const meta = readCheckpointMeta(join(DIR, 'last.json'));
    const m = meta.metrics!;
    assert.equal(recorded, `Test set: Average loss: ${m.testLoss!.toFixed(4)}, Accuracy: ${m.testCorrect}/${m.testTotal} (${m.testAccuracy!.toFixed(2)}%)`,
      'PROVENANCE.md and last.json agree');
    assert.equal(m.testTotal, 10000);

    const r = runCli(['eval', DIR, '--threads', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(TEST_LINE.exec(r.stdout)?.[0], recorded, `eval printed:\n${r.stdout}`);
  });
});
