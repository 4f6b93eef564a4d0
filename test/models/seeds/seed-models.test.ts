/**
 * The seed projects' models in the zoo (src/models/seeds): each one's parameter count and every
 * feature its seed's README states (shared/seeds/000-004), its output ([N, 10] log-probabilities),
 * its state_dict keys in the order the PyTorch module in its doc comment gives them, and, where a
 * README prints a torchsummary table or its sizes, the same table or sizes from `mnist-lab summary`.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SEED002_M3_SUMMARY_TABLE } from '../../fixtures/seed002-m3-summary.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createModel, getModelEntry, listModels } from '../../../src/models/zoo.js';
import type { Module } from '../../../src/nn/module.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { noGrad } from '../../../src/tensor/grad-mode.js';
import { manualSeed } from '../../../src/tensor/random.js';
import { collectSummary, summaryText } from '../../../src/report/model-summary.js';
import { setBackend } from '../../../src/backend/current.js';
import { createReferenceBackend } from '../../../src/backend/reference/index.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import { readFixtureTensors, repoRoot } from '../../helpers/fixtures.js';

/** What each README states: the parameter count, and the layer counts by type that it names. */
interface Expected {
  seed: string;
  params: number;
  /** Layer type → how many, for the layer kinds the README mentions (checked exactly). */
  layers?: Record<string, number>;
  /** torchsummary's "Params size (MB)" and "Estimated Total Size (MB)" as the README prints them. */
  sizesMB?: [string, string];
}

const EXPECTED: Record<string, Expected> = {
  // Seed 000: "BatchNorm Layers" and "Fully Connected Layers: 2 (65, 10)" / (32, 10) / (48, 10).
  's000-i1': { seed: '000', params: 24_245, layers: { BatchNorm2d: 0, BatchNorm1d: 0, Linear: 2 } },
  's000-i2': { seed: '000', params: 80_501, layers: { BatchNorm2d: 2, BatchNorm1d: 0, Linear: 2 } },
  's000-i3': { seed: '000', params: 14_354, layers: { BatchNorm2d: 2, BatchNorm1d: 1, Linear: 2 } },
  's000-i4': { seed: '000', params: 19_354, layers: { BatchNorm2d: 2, BatchNorm1d: 1, Linear: 2 } },
  's001-m1': { seed: '001', params: 10_790, layers: { BatchNorm2d: 0, Dropout: 0, AvgPool2d: 0, Linear: 0 } },
  's002-m1': { seed: '002', params: 6_379_786 },
  // "Use batch normalization and regularization. Use GAP"
  's002-m2': { seed: '002', params: 16_352, layers: { BatchNorm2d: 5, Dropout2d: 1, AvgPool2d: 1, Linear: 0 } },
  's002-m3': { seed: '002', params: 7_944 },
  'mnist8k-m3': { seed: '002', params: 7_944 },
  's003-i1': { seed: '003', params: 194_884, layers: { BatchNorm2d: 0, Dropout: 0 }, sizesMB: ['0.74', '2.94'] },
  's003-i2': { seed: '003', params: 10_790, layers: { BatchNorm2d: 0, Dropout: 0 }, sizesMB: ['0.04', '0.45'] },
  // Iteration 3 adds BatchNorm; iteration 4 has BatchNorm and dropout.
  's003-i3': { seed: '003', params: 10_970, layers: { BatchNorm2d: 7, Dropout: 2 }, sizesMB: ['0.04', '0.73'] },
  's003-i4': { seed: '003', params: 7_904, layers: { BatchNorm2d: 5, Dropout: 2, AvgPool2d: 1 }, sizesMB: ['0.03', '0.50'] },
  's004-m1': { seed: '004', params: 26_698, layers: { Conv2d: 2, Linear: 2 } },
};

/** The fully connected layers' widths the seed 000 README gives: (hidden, 10). */
const SEED000_FC: Record<string, number> = { 's000-i1': 65, 's000-i2': 65, 's000-i3': 32, 's000-i4': 48 };

const SEED002_M3_TABLE = SEED002_M3_SUMMARY_TABLE;

// ---- the PyTorch modules' state_dict keys, from each file's doc comment -------------------------

const conv = (bias: boolean): string[] => (bias ? ['weight', 'bias'] : ['weight']);
const bn = ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'];
const linear = ['weight', 'bias'];

function keys(prefix: string, leaf: readonly string[]): string[] {
  return leaf.map((k) => `${prefix}.${k}`);
}

/** nn.Sequential(Conv2d(bias=False), [BatchNorm2d], ReLU, [Dropout]): BN, when there, is layer 1. */
function block(name: string, withBn: boolean): string[] {
  return [...keys(`${name}.0`, conv(false)), ...(withBn ? keys(`${name}.1`, bn) : [])];
}

function session5Keys(bn2d: boolean, bn1d: boolean): string[] {
  return [
    ...keys('conv1', conv(true)), ...(bn2d ? keys('bn1', bn) : []), ...keys('conv2', conv(true)), ...(bn2d ? keys('bn2', bn) : []),
    ...keys('conv3', conv(true)), ...keys('conv4', conv(true)), ...keys('fc1', linear), ...(bn1d ? keys('bn3', bn) : []), ...keys('fc2', linear),
  ];
}

function skeletonKeys(withBn: boolean): string[] {
  return [...[1, 2, 3, 4, 5, 6, 7].flatMap((i) => block(`convblock${i}`, withBn)), ...block('convblock8', false)];
}

const TORCH_KEYS: Record<string, string[]> = {
  's000-i1': session5Keys(false, false),
  's000-i2': session5Keys(true, false),
  's000-i3': session5Keys(true, true),
  's000-i4': session5Keys(true, true),
  's001-m1': skeletonKeys(false),
  's002-m1': [1, 2, 3, 4, 5, 6, 7].flatMap((i) => keys(`conv${i}`, conv(true))),
  's002-m2': [
    ...[1, 2, 3, 4, 5].flatMap((i) => [...keys(`conv${i}`, conv(false)), ...keys(`norm${i}`, bn)]),
    ...keys('conv6', conv(false)), ...keys('antman', conv(false)),
  ],
  's002-m3': [
    ...block('convblock1', true), ...block('convblock2', true), ...block('convblock3', false),
    ...block('convblock4', true), ...block('convblock5', true), ...block('convblock6', true), ...block('convblock7', false),
  ],
  's003-i1': skeletonKeys(false),
  's003-i2': skeletonKeys(false),
  's003-i3': skeletonKeys(true),
  's003-i4': [
    ...block('convblock1', true), ...block('convblock2', true), ...block('convblock3', false),
    ...block('convblock4', true), ...block('convblock5', true), ...block('convblock6', true), ...block('convblock7', false),
  ],
  's004-m1': [...keys('conv1', conv(true)), ...keys('conv2', conv(true)), ...keys('fc1', linear), ...keys('fc2', linear)],
};

function layerCounts(model: Module): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [name, m] of model.namedModules()) if (name !== '') counts.set(m.typeName, (counts.get(m.typeName) ?? 0) + 1);
  return counts;
}

const seedEntries = listModels().filter((e) => e.seed !== undefined);

describe('seed models in the zoo', () => {
  before(async () => setBackend(await createWasmBackend({ threads: 1 })));
  after(() => setBackend(createReferenceBackend()));

  it('lists every seed model the READMEs describe, each under its seed', () => {
    assert.deepEqual(seedEntries.map((e) => e.name).sort(), Object.keys(EXPECTED).sort());
    for (const e of seedEntries) assert.equal(e.seed, EXPECTED[e.name]!.seed, e.name);
    for (const e of seedEntries.filter((e) => e.name.startsWith('s'))) assert.ok(e.name.startsWith(`s${e.seed}-`), e.name);
  });

  it('reconstructions say so in their description; transcriptions of a seed\'s code say that', () => {
    for (const e of seedEntries.filter((e) => e.name.startsWith('s'))) {
      const transcribed = e.name.startsWith('s002-');
      assert.match(e.description, transcribed ? /the seed's code/ : /reconstructed/, e.name);
    }
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    describe(name, () => {
      it(`has exactly ${expected.params.toLocaleString('en-US')} parameters and the layers its README names`, () => {
        manualSeed(1);
        const model = createModel(name);
        assert.equal(model.numParameters(), expected.params);
        const counts = layerCounts(model);
        for (const [type, n] of Object.entries(expected.layers ?? {})) assert.equal(counts.get(type) ?? 0, n, `${type} layers`);
      });

      it('returns [N, 10] log-probabilities', () => {
        manualSeed(2);
        const model = createModel(name).eval();
        const n = name === 's002-m1' ? 1 : 3;
        const x = Tensor.from(Float32Array.from({ length: n * 784 }, (_, i) => Math.sin(i * 0.37)), [n, 1, 28, 28]);
        const out = noGrad(() => model.call(x));
        assert.deepEqual(out.shape, [n, 10]);
        for (let r = 0; r < n; r++) {
          const row = Array.from(out.data.subarray(r * 10, r * 10 + 10));
          assert.ok(row.every((v) => Number.isFinite(v) && v <= 0), `row ${r}: ${row}`);
          assert.ok(Math.abs(row.reduce((s, v) => s + Math.exp(v), 0) - 1) < 1e-5, `row ${r} sums to 1`);
        }
      });

      if (TORCH_KEYS[name]) {
        it("has the PyTorch module's state_dict keys, in order", () => {
          assert.deepEqual([...createModel(name).stateDict().keys()], TORCH_KEYS[name]);
        });
      }

      if (expected.sizesMB) {
        it(`summary: params ${expected.sizesMB[0]} MB, estimated total ${expected.sizesMB[1]} MB, as the README states`, () => {
          const s = collectSummary(createModel(name));
          assert.equal(s.paramsSizeMB.toFixed(2), expected.sizesMB![0]);
          assert.equal(s.estimatedTotalSizeMB.toFixed(2), expected.sizesMB![1]);
        });
      }
    });
  }

  it("s000: the fully connected layers are (hidden, 10) with the README's hidden widths, BatchNorm1d on the hidden one", () => {
    for (const [name, hidden] of Object.entries(SEED000_FC)) {
      const linears = createModel(name).namedModules().filter(([, m]) => m.typeName === 'Linear').map(([, m]) => m.parameters(false)[0]!.shape);
      assert.deepEqual(linears.map((s) => s[0]), [hidden, 10], name);
      const bn1d = createModel(name).namedModules().filter(([, m]) => m.typeName === 'BatchNorm1d');
      for (const [, m] of bn1d) assert.equal(m.parameters(false)[0]!.shape[0], hidden, `${name}: BatchNorm1d width`);
    }
  });

  it("s002-m3: `mnist-lab summary` prints the README's torchsummary table, row for row", () => {
    assert.equal(summaryText(createModel('s002-m3')), SEED002_M3_TABLE);
  });

  it('s002-m3 computes what mnist8k-m3 computes: the PyTorch-trained m3 weights, moved key by key, give the same log-probabilities', () => {
    const trained = readFixtureTensors('pytorch', 'm3_trained.safetensors');
    const m3 = createModel('mnist8k-m3');
    m3.loadStateDict(trained);
    const seedModel = createModel('s002-m3');
    const ours = [...m3.stateDict().entries()];
    const theirs = [...seedModel.stateDict().keys()];
    assert.equal(ours.length, theirs.length);
    seedModel.loadStateDict(new Map(theirs.map((k, i) => [k, ours[i]![1]])));
    m3.eval();
    seedModel.eval();
    const x = Tensor.from(Float32Array.from({ length: 4 * 784 }, (_, i) => Math.cos(i * 0.11) * 2), [4, 1, 28, 28]);
    const a = noGrad(() => m3.call(x));
    const b = noGrad(() => seedModel.call(x));
    assert.deepEqual(Array.from(b.data), Array.from(a.data));
  });

  it("s002-m2's shared Dropout2d and s003-i3/i4's Dropout layers take the config's dropout", () => {
    for (const name of ['s002-m2', 's002-m3', 's003-i3', 's003-i4']) {
      assert.equal(getModelEntry(name).takesDropout, true, name);
      const drops = createModel(name, { dropout: 0.3 }).namedModules().filter(([, m]) => /^Dropout/.test(m.typeName));
      assert.ok(drops.length > 0, name);
      for (const [, m] of drops) assert.equal((m as unknown as { p: number }).p, 0.3, name);
    }
  });

  it('`mnist-lab models --seed 003` (or 4 for 004) lists exactly that seed\'s models; an unknown seed is one line, exit code 2', () => {
    const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
    const r = spawnSync(process.execPath, [cli, 'models', '--seed', '003', '--json'], { encoding: 'utf8', cwd: repoRoot });
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { name: string; parameters: number; seed: string }[];
    assert.deepEqual(rows.map((row) => [row.name, row.parameters]), [['s003-i1', 194_884], ['s003-i2', 10_790], ['s003-i3', 10_970], ['s003-i4', 7_904]]);
    const short = spawnSync(process.execPath, [cli, 'models', '--seed', '4'], { encoding: 'utf8', cwd: repoRoot });
    assert.equal(short.status, 0, short.stderr);
    assert.deepEqual(short.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]), ['s004-m1']);
    const bad = spawnSync(process.execPath, [cli, 'models', '--seed', '007'], { encoding: 'utf8', cwd: repoRoot });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^mnist-lab: --seed 007: no zoo model comes from that seed; the seeds are 000, 001, 002, 003, 004\n$/);
  });
});
