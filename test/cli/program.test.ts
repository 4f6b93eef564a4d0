/**
 * The program loads only the command a command line names (each command's modules cost memory for
 * the whole run: issue 15), and every command when it names none, so help and typos see them all.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram } from '../../src/cli/program.js';

const ALL = ['train', 'eval', 'summary', 'models', 'predict', 'experiments', 'sweep', 'serve', 'export', 'worker'];
const names = async (argv: string[]): Promise<string[]> => (await buildProgram(argv)).commands.map((c) => c.name());

describe('buildProgram', () => {
  it('registers only the command that argv names', async () => {
    assert.deepEqual(await names(['train', '--epochs', '1']), ['train']);
    assert.deepEqual(await names(['sweep', 'confirm', 'runs/sweeps/x']), ['sweep']);
    assert.deepEqual(await names(['worker', '--queue', 'redis://127.0.0.1:1']), ['worker']);
  });

  it('registers every command, in help order, when argv names none', async () => {
    assert.deepEqual(await names([]), ALL);
    assert.deepEqual(await names(['--help']), ALL);
    assert.deepEqual(await names(['help', 'train']), ALL);
    assert.deepEqual(await names(['trian']), ALL); // commander suggests "train" from the full list
  });
});
