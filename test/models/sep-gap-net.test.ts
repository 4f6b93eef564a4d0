/**
 * SepGapNet's layout: the parameter count a config buys, how many separable blocks the 12x12 map
 * after the pool holds, and that its state dict survives a safetensors file with its int64 BN counters.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SepGapNet } from '../../src/models/sep-gap-net.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/tensor/grad-mode.js';
import { manualSeed } from '../../src/tensor/random.js';
import { readSafetensorsFileSync } from '../../src/io/safetensors.js';
import { readWeights, saveWeights } from '../../src/train/checkpoint.js';

/** Weights plus BN affine pairs, counted independently of the module tree. */
function expectedParameters(stem: readonly [number, number], widths: readonly number[], depthwiseNorm = false): number {
  const [c1, c2] = stem;
  let n = 9 * c1 + 2 * c1 + 9 * c1 * c2 + 2 * c2;
  let cin = c2;
  for (const w of widths) {
    n += 9 * cin + (depthwiseNorm ? 2 * cin : 0) + cin * w + 2 * w; // depthwise 3x3, [its BN,] pointwise 1x1, BN
    cin = w;
  }
  return n + cin * 10;
}

function images(n: number): Tensor {
  return new Tensor(new Float32Array(n * 28 * 28).map((_, i) => ((i * 7919) % 255) / 255 - 0.4), [n, 1, 28, 28]);
}

describe('SepGapNet', () => {
  it('has the parameter count the separable layout predicts', () => {
    const cases: [readonly [number, number], number[], number][] = [
      [[10, 16], [24, 24, 24, 24], 4918],
      [[10, 16], [36, 36, 36, 36], 7810],
      [[8, 12], [20, 28], expectedParameters([8, 12], [20, 28])],
    ];
    for (const [stem, widths, count] of cases) {
      assert.equal(expectedParameters(stem, widths), count);
      assert.equal(new SepGapNet({ stem, widths }).numParameters(), count, `stem ${stem} widths ${widths}`);
    }
    // The record candidates of issue 17: a BN between depthwise and pointwise costs 2·cin a block.
    assert.equal(expectedParameters([10, 16], [35, 35, 35, 35], true), 7778);
    assert.equal(new SepGapNet({ stem: [10, 16], widths: [35, 35, 35, 35], depthwiseNorm: true }).numParameters(), 7778);
  });

  it('with depthwiseNorm, normalises and rectifies the depthwise output before the pointwise conv', () => {
    manualSeed(5);
    const plain = new SepGapNet({ stem: [4, 6], widths: [5, 5] });
    manualSeed(5);
    const normed = new SepGapNet({ stem: [4, 6], widths: [5, 5], depthwiseNorm: true });
    // The same draws: BN's init draws nothing, so every shared weight starts equal.
    for (const [key, t] of plain.stateDict()) assert.deepEqual(normed.stateDict().get(key)!.data, t.data, key);
    normed.train();
    noGrad(() => normed.call(images(4)));
    // Training mode updates the new BN's running mean from the depthwise output (momentum 0.1), so it moved off 0.
    assert.ok(normed.stateDict().get('blocks.0.depthwiseBn.running_mean')!.data.some((v) => v !== 0));
    const a = noGrad(() => plain.eval().call(images(2))).data;
    const b = noGrad(() => normed.eval().call(images(2))).data;
    assert.notDeepEqual([...a], [...b]);
  });

  it('gives [N, 10] log-probs for 1 to 5 blocks', () => {
    manualSeed(3);
    for (let blocks = 1; blocks <= 5; blocks++) {
      const model = new SepGapNet({ stem: [4, 6], widths: Array.from({ length: blocks }, (_, i) => 5 + i) }).eval();
      const out = noGrad(() => model.call(images(3)));
      assert.deepEqual(out.shape, [3, 10], `${blocks} blocks`);
      for (let r = 0; r < 3; r++) {
        let total = 0;
        for (let c = 0; c < 10; c++) total += Math.exp(out.data[r * 10 + c]!);
        assert.ok(Math.abs(total - 1) < 1e-5, `${blocks} blocks, row ${r}: probabilities sum to ${total}`);
      }
    }
  });

  it('puts an optional 1x1 transition between the stem and the pool, keyed `transition`', () => {
    const model = new SepGapNet({ stem: [10, 16], widths: [45, 45, 45], transition: 10 });
    // The transition narrows the first depthwise conv to 10 channels: 16·10 weights added, 6·9 + 6·45 saved.
    assert.equal(model.numParameters(), 7862);
    const keys = [...model.stateDict().keys()];
    assert.equal(keys.indexOf('transition.weight'), keys.indexOf('bn2.num_batches_tracked') + 1);
    assert.deepEqual(model.stateDict().get('blocks.0.depthwise.weight')!.shape, [10, 1, 3, 3]);
    assert.deepEqual(noGrad(() => model.eval().call(images(2))).shape, [2, 10]);
    assert.equal(new SepGapNet({ stem: [10, 16], widths: [45, 45, 45] }).stateDict().has('transition.weight'), false);
  });

  it('refuses 0 and 6 blocks with a message that says what fits', () => {
    assert.throws(() => new SepGapNet({ stem: [10, 16], widths: [] }), /1 to 5 separable blocks fit the 12x12 map after the pool, got 0/);
    assert.throws(() => new SepGapNet({ stem: [10, 16], widths: [8, 8, 8, 8, 8, 8] }), /1 to 5 separable blocks fit the 12x12 map after the pool, got 6/);
  });

  it("draws conv weights from PyTorch's default U(±1/sqrt(fan_in)), with a depthwise fan_in of 9", () => {
    // The PyTorch fixture test loads its weights, so only this sees the init; a depthwise conv that
    // counted all cin input channels in fan_in would start 1/sqrt(cin) too small.
    manualSeed(0);
    const model = new SepGapNet({ stem: [10, 16], widths: [36, 36, 36, 36] });
    for (const [name, t] of model.stateDict()) {
      if (!name.endsWith('weight') || name.includes('bn')) continue;
      const [, inPerGroup, kh, kw] = t.shape as [number, number, number, number];
      const bound = 1 / Math.sqrt(inPerGroup * kh * kw);
      let max = 0;
      for (const v of t.data) max = Math.max(max, Math.abs(v));
      assert.ok(max <= bound && max > 0.9 * bound, `${name}: max |w| ${max}, bound ${bound}`);
    }
  });

  it('round-trips its state dict through a safetensors file, BN counters as int64', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-sepnet-'));
    try {
      manualSeed(5);
      const config = { stem: [6, 8], widths: [12, 12, 12] } as const;
      const source = new SepGapNet(config).train();
      // One training forward moves the running stats and counters off their initial values, so the
      // round trip is checked on buffers that a fresh model would not already hold.
      noGrad(() => source.call(images(4)));
      const path = join(dir, 'sepnet.safetensors');
      saveWeights(path, source, 'sep-gap-net');

      const file = readSafetensorsFileSync(path);
      assert.deepEqual([...file.tensors.keys()].sort(), [...source.stateDict().keys()].sort());
      assert.equal(file.tensors.get('blocks.2.bn.num_batches_tracked')!.dtype, 'I64');
      assert.equal(file.tensors.get('blocks.0.depthwise.weight')!.dtype, 'F32');
      assert.deepEqual(file.tensors.get('blocks.0.depthwise.weight')!.shape, [8, 1, 3, 3]);

      manualSeed(6);
      const copy = new SepGapNet(config);
      copy.loadStateDict(readWeights(path));
      for (const [name, t] of source.stateDict()) assert.deepEqual(copy.stateDict().get(name)!.data, t.data, name);
      assert.equal(copy.bn1.num_batches_tracked!.data[0], 1);

      source.eval();
      copy.eval();
      const x = images(2);
      assert.deepEqual(noGrad(() => copy.call(x)).data, noGrad(() => source.call(x)).data);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
