/**
 * Property-based tests of the parsers of the schema-checked files: a run's spec.json
 * (parseRunSpec), a checkpoint's .json (parseCheckpointMeta, both format versions) and what an
 * experiment file exports (validateExperiment). Every input is read, or refused with a
 * MnistLabError whose every line (one per mistake) starts with the file's name; nothing else is
 * thrown and nothing hangs. The valid files to mutate come from the CLI itself: a spec from
 * `train --print-spec`, a checkpoint from a one-epoch run on 64 images, the experiments in
 * experiments/.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { parseRunSpec } from '../../src/train/run-spec.js';
import { parseCheckpointMeta } from '../../src/train/checkpoint.js';
import { validateExperiment } from '../../src/experiments/experiment.js';
import { repoRoot } from '../helpers/fixtures.js';
import { fuzzParams, parseOrRefuse, testTimeout } from './fuzz-config.js';
import { applyMutations, mutationsArb } from './mutate.js';
import { anyWeirdValue, applyEdits, editArb, jsonWeirdValue, toJsonText } from './value-edits.js';

const SPEC = 'fuzz/spec.json';
const CHECKPOINT = 'fuzz/last.json';
const EXPERIMENT = 'experiments/fuzz';
const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

const readSpec = (text: string) => parseOrRefuse(() => parseRunSpec(text, SPEC), SPEC, 'each');
const readCheckpoint = (text: string) => parseOrRefuse(() => parseCheckpointMeta(text, CHECKPOINT), CHECKPOINT, 'each');
const checkExperiment = (value: unknown) => parseOrRefuse(() => validateExperiment(value, EXPERIMENT), EXPERIMENT, 'each');

function mnistLab(...args: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });
  assert.equal(r.status, 0, `mnist-lab ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Keeps a checkpoint's shape but not its megabyte of numbers, so that each case stays quick. */
function trimNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 4 && value.every((v) => typeof v === 'number') ? value.slice(0, 4) : value.map(trimNumbers);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trimNumbers(v)]));
  return value;
}

/** The same checkpoint in the version 1 layout (recipe, data and threads at the top), which is still read. */
function asVersion1(meta: Record<string, unknown>): Record<string, unknown> {
  const { spec, ...rest } = meta as { spec: { recipe: object; seed: number; data: { dir: string | null; limitTrain: number | null; limitTest: number | null; valSplit: number; splitSeed: number | null } } };
  return {
    ...rest,
    format: 'mnist-lab-checkpoint-v1',
    recipe: { ...spec.recipe, seed: spec.seed, valSplit: spec.data.valSplit, splitSeed: spec.data.splitSeed },
    data: { dataDir: spec.data.dir, limitTrain: spec.data.limitTrain, limitTest: spec.data.limitTest },
  };
}

let dir = '';
let specs: string[] = [];
let checkpoints: string[] = [];
let experiments: unknown[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-fuzz-'));
  specs = [
    mnistLab('train', '--print-spec'),
    mnistLab('train', '--print-spec', '-m', 'mnist8k-m3', '--val-split', '1000', '--best-metric', 'val_loss', '--scheduler', 'multistep', '--milestones', '2,4', '--gamma', '0.5', '--optimizer', 'adam', '--translate', '0.1,0.1', '--erasing', '0.2'),
  ];
  const run = join(dir, 'run');
  mnistLab('train', '-m', 'mnist8k-m3', '-e', '1', '--limit-train', '64', '--limit-test', '32', '--backend', 'reference', '-t', '1', '-o', run);
  specs.push(readFileSync(join(run, 'spec.json'), 'utf8'));
  const meta = trimNumbers(JSON.parse(readFileSync(join(run, 'last.json'), 'utf8'))) as Record<string, unknown>;
  checkpoints = [JSON.stringify(meta, null, 1), JSON.stringify(asVersion1(meta))];
  const experimentsDir = join(repoRoot, 'dist', 'experiments');
  for (const file of readdirSync(experimentsDir).filter((f) => /^\d.*\.js$/.test(f)).sort()) { // as the registry: goals.js is not one
    experiments.push(((await import(pathToFileURL(join(experimentsDir, file)).href)) as { default: unknown }).default);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Random text: JSON of any shape, almost-JSON, and not JSON at all. */
const anyText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.json({ maxDepth: 4 }),
  fc.dictionary(fc.oneof(fc.constantFrom('format', 'spec', 'recipe', 'model', 'data', 'seed', '__proto__'), fc.string({ maxLength: 6 })), jsonWeirdValue, { maxKeys: 6 }).map((o) => toJsonText(o)),
  fc.constantFrom('', ' ', 'null', '[]', '{}', '"x"', '1e400', 'a\nb', '{"format": 1,\n"x"', '\ufeff{}', '{"__proto__": {"format": 1}}'),
);

/** A valid file's text, mutated as bytes (then read as UTF-8, invalid sequences replaced as readFileSync does). */
function textMutations(bases: () => string[]) {
  return fc.record({ base: fc.nat(), mutations: mutationsArb(256, 4) }).map(({ base, mutations }) => {
    const list = bases();
    const bytes = new TextEncoder().encode(list[base % list.length]!);
    return new TextDecoder().decode(applyMutations(bytes, mutations));
  });
}

/** A valid file's value, with one to four fields replaced, deleted or added, written back as JSON text. */
function structuralMutations(bases: () => string[]) {
  return fc.record({ base: fc.nat(), edits: fc.array(editArb(jsonWeirdValue), { minLength: 1, maxLength: 4 }), indent: fc.constantFrom(undefined, 1) }).map(({ base, edits, indent }) => {
    const list = bases();
    return toJsonText(applyEdits(JSON.parse(list[base % list.length]!), edits), indent);
  });
}

describe('spec.json (parseRunSpec): property-based', () => {
  it('the specs it starts from are valid', () => {
    for (const text of specs) assert.ok(readSpec(text).ok);
  });
  it('random text', { timeout: testTimeout() }, () => {
    fc.assert(fc.property(anyText, (t) => void readSpec(t)), fuzzParams());
  });
  it('valid specs mutated as bytes', { timeout: testTimeout() }, () => {
    fc.assert(fc.property(textMutations(() => specs), (t) => void readSpec(t)), fuzzParams());
  });
  it('valid specs with fields replaced, deleted or added', { timeout: testTimeout() }, () => {
    fc.assert(fc.property(structuralMutations(() => specs), (t) => void readSpec(t)), fuzzParams());
  });
});

describe('checkpoint .json (parseCheckpointMeta): property-based', () => {
  it('the checkpoint that `mnist-lab train` writes reads back, in both format versions', () => {
    for (const text of checkpoints) {
      const r = readCheckpoint(text);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
    }
  });
  it('random text', { timeout: testTimeout() }, () => {
    fc.assert(fc.property(anyText, (t) => void readCheckpoint(t)), fuzzParams());
  });
  it('valid checkpoints mutated as bytes', { timeout: testTimeout() }, () => {
    fc.assert(fc.property(textMutations(() => checkpoints), (t) => void readCheckpoint(t)), fuzzParams());
  });
  it('valid checkpoints with fields replaced, deleted or added', { timeout: testTimeout() }, () => {
    fc.assert(fc.property(structuralMutations(() => checkpoints), (t) => void readCheckpoint(t)), fuzzParams());
  });
});

describe('experiment files (validateExperiment): property-based', () => {
  it('the experiments in experiments/ are valid', () => {
    assert.ok(experiments.length > 0);
    for (const e of experiments) {
      const r = checkExperiment(e);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
    }
  });
  it('any value at all', { timeout: testTimeout() }, () => {
    fc.assert(fc.property(anyWeirdValue, (v) => void checkExperiment(v)), fuzzParams());
  });
  it('real experiments with fields replaced, deleted or added (NaN, bigints, cycles, Maps, deep nesting...)', { timeout: testTimeout() }, () => {
    const arb = fc.record({ base: fc.nat(), edits: fc.array(editArb(anyWeirdValue), { minLength: 1, maxLength: 4 }) });
    fc.assert(fc.property(arb, ({ base, edits }) => void checkExperiment(applyEdits(experiments[base % experiments.length], edits))), fuzzParams());
  });
});

/** A format field nested 100,000 arrays deep: once broke String(format) with a RangeError. */
const DEEP_FORMAT = `{"format":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;

describe('the schema-checked files: the minimal inputs that broke them', () => {
  it('a JSON syntax error whose quoted input holds a newline stays on lines that name the file', () => {
    readSpec('a\nb');
    readCheckpoint('a\nb');
    readCheckpoint('{"format": 1,\n"x"');
  });
  it('a string value holding a newline is quoted on one line', () => {
    readSpec('"a\\nb"');
    readSpec('"\\r"');
    checkExperiment('a\nb');
  });
  it('a checkpoint whose format is an object with its own toString, or nested 100000 deep', () => {
    readCheckpoint('{"format":{"toString":1}}');
    readCheckpoint(DEEP_FORMAT);
  });
});
