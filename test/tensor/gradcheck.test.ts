/** Every op's backward against central finite differences, over several shapes each. */
import { describe, it } from 'node:test';
import { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck, randomTensor } from '../helpers/gradcheck.js';
import { Rng } from '../../src/util/rng.js';
import { F } from '../../src/nn/index.js';
import { manualSeed } from '../../src/tensor/random.js';

const rng = new Rng(7);
const r = (shape: number[], scale = 1): Tensor => randomTensor(shape, rng, scale);

describe('gradcheck: elementwise with broadcasting', () => {
  for (const [a, b] of [
    [[3, 4], [3, 4]],
    [[2, 3, 1], [3, 4]],
    [[1], [2, 5]],
    [[4, 1, 3], [1, 2, 1]],
  ] as [number[], number[]][]) {
    it(`add/sub/mul/div ${JSON.stringify(a)} with ${JSON.stringify(b)}`, () => {
      gradcheck('add', ([x, y]) => x!.add(y!), [r(a), r(b)]);
      gradcheck('sub', ([x, y]) => x!.sub(y!), [r(a), r(b)]);
      gradcheck('mul', ([x, y]) => x!.mul(y!), [r(a), r(b)]);
      const denom = r(b);
      for (let i = 0; i < denom.size; i++) denom.data[i] = 1.5 + Math.abs(denom.data[i]!);
      gradcheck('div', ([x, y]) => x!.div(y!), [r(a), denom]);
    });
  }
  it('scalar operands', () => {
    gradcheck('add scalar', ([x]) => x!.add(2).mul(3).sub(1).div(4), [r([5, 2])]);
  });
});

describe('gradcheck: shape, reduction, matmul', () => {
  it('reshape, view and flatten', () => {
    gradcheck('reshape', ([x]) => x!.reshape([3, -1]).mul(x!.view([3, 4])), [r([2, 6])]);
    gradcheck('flatten', ([x]) => x!.flatten(1).mul(2), [r([2, 3, 2, 2])]);
  });
  it('sum and mean over dims, with keepdim', () => {
    for (const dim of [undefined, 0, 1, -1, [0, 2]] as (number | number[] | undefined)[]) {
      gradcheck(`sum ${String(dim)}`, ([x]) => x!.sum(dim), [r([2, 3, 4])]);
      gradcheck(`mean ${String(dim)}`, ([x]) => x!.mean(dim, true), [r([2, 3, 4])]);
    }
  });
  it('matmul, including odd sizes and a single row', () => {
    gradcheck('matmul', ([a, b]) => a!.matmul(b!), [r([3, 5]), r([5, 2])]);
    gradcheck('matmul 1-row', ([a, b]) => a!.matmul(b!), [r([1, 7]), r([7, 3])]);
  });
});

describe('gradcheck: activations and softmax', () => {
  const shapes = [[4, 5], [2, 3, 2, 2], [1, 3]];
  for (const s of shapes) {
    it(`activations on ${JSON.stringify(s)}`, () => {
      // Keep values away from relu's kink, where finite differences are meaningless.
      const away = r(s);
      for (let i = 0; i < away.size; i++) away.data[i] = (away.data[i]! >= 0 ? 0.1 : -0.1) + away.data[i]!;
      gradcheck('relu', ([x]) => F.relu(x!), [away]);
      gradcheck('leakyRelu', ([x]) => F.leakyRelu(x!, 0.2), [away]);
      gradcheck('gelu', ([x]) => F.gelu(x!), [r(s)]);
      gradcheck('sigmoid', ([x]) => F.sigmoid(x!), [r(s)]);
      gradcheck('tanh', ([x]) => F.tanh(x!), [r(s)]);
      gradcheck('softmax', ([x]) => F.softmax(x!, 1), [r(s)]);
      gradcheck('logSoftmax', ([x]) => F.logSoftmax(x!, 1), [r(s)]);
      gradcheck('logSoftmax last', ([x]) => F.logSoftmax(x!, -1), [r(s)]);
    });
  }
});

describe('gradcheck: conv2d', () => {
  const cases: { name: string; x: number[]; w: number[]; stride?: number; padding?: number; dilation?: number; groups?: number; bias?: boolean }[] = [
    { name: 'plain 3x3', x: [2, 2, 6, 6], w: [3, 2, 3, 3] },
    { name: 'stride 2 + padding 1', x: [2, 3, 7, 7], w: [4, 3, 3, 3], stride: 2, padding: 1, bias: true },
    { name: 'dilation 2', x: [1, 2, 8, 7], w: [2, 2, 3, 3], dilation: 2 },
    { name: 'groups 2', x: [2, 4, 5, 5], w: [6, 2, 3, 3], groups: 2, bias: true },
    { name: 'depthwise', x: [2, 3, 5, 6], w: [3, 1, 3, 3], groups: 3, padding: 1 },
    { name: '1x1 odd sizes, batch 1', x: [1, 5, 3, 5], w: [2, 5, 1, 1], bias: true },
    { name: 'rectangular kernel stride 2 padding 2', x: [1, 2, 9, 6], w: [2, 2, 2, 3], stride: 2, padding: 2 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const inputs = [r(c.x), r(c.w, 0.5), ...(c.bias ? [r([c.w[0]!])] : [])];
      gradcheck(c.name, ([x, w, b]) => F.conv2d(x!, w!, b ?? null, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups }), inputs, { maxChecks: 60 });
    });
  }
});

describe('gradcheck: pooling', () => {
  it('max_pool2d kernel 2, and kernel 3 stride 2 padding 1 (batch 1, odd size)', () => {
    // Distinct values so no window has a tie, where max is not differentiable.
    const distinct = (shape: number[]): Tensor => {
      const t = r(shape);
      const order = Array.from({ length: t.size }, (_, i) => i);
      rng.shuffle(order);
      order.forEach((v, i) => (t.data[i] = v * 0.1));
      return t;
    };
    gradcheck('maxpool2', ([x]) => F.maxPool2d(x!, 2), [distinct([2, 2, 4, 6])], { eps: 1e-2 });
    gradcheck('maxpool3s2p1', ([x]) => F.maxPool2d(x!, 3, { stride: 2, padding: 1 }), [distinct([1, 2, 7, 5])], { eps: 1e-2 });
  });
  it('avg_pool2d with and without count_include_pad, and kernel 6', () => {
    gradcheck('avgpool6', ([x]) => F.avgPool2d(x!, 6), [r([2, 3, 6, 6])]);
    gradcheck('avgpool pad incl', ([x]) => F.avgPool2d(x!, 3, { stride: 2, padding: 1 }), [r([1, 2, 7, 7])]);
    gradcheck('avgpool pad excl', ([x]) => F.avgPool2d(x!, 3, { stride: 2, padding: 1, countIncludePad: false }), [r([1, 2, 5, 8])]);
  });
  it('adaptive_avg_pool2d with non-dividing sizes', () => {
    gradcheck('adaptive 3', ([x]) => F.adaptiveAvgPool2d(x!, 3), [r([2, 2, 7, 7])]);
    gradcheck('adaptive 2x1', ([x]) => F.adaptiveAvgPool2d(x!, [2, 1]), [r([1, 3, 5, 4])]);
  });
});

describe('gradcheck: batch_norm, dropout, linear, losses', () => {
  it('batch_norm training (2d and 1d) and eval', () => {
    const w = r([3]);
    const b = r([3]);
    gradcheck('bn2d train', ([x, g, be]) => F.batchNorm(x!, null, null, g!, be!, { training: true }), [r([3, 3, 2, 3]), w, b], { maxChecks: 40 });
    gradcheck('bn1d train', ([x, g, be]) => F.batchNorm(x!, null, null, g!, be!, { training: true }), [r([5, 3]), w, b]);
    const rm = Tensor.from([0.1, -0.2, 0.3]);
    const rv = Tensor.from([1.5, 0.7, 2.0]);
    gradcheck('bn2d eval', ([x, g, be]) => F.batchNorm(x!, rm, rv, g!, be!, { training: false }), [r([2, 3, 2, 2]), w, b]);
  });
  it('dropout and dropout2d (fixed mask per call seed)', () => {
    for (const [name, op] of [['dropout', F.dropout], ['dropout2d', F.dropout2d]] as const) {
      gradcheck(name, ([x]) => {
        manualSeed(5); // the same mask on every evaluation, so finite differences see a fixed function
        return op(x!, 0.3, true);
      }, [r([2, 3, 3, 2])]);
    }
  });
  it('linear with and without bias, batch 1', () => {
    gradcheck('linear', ([x, w, b]) => F.linear(x!, w!, b!), [r([4, 5]), r([3, 5]), r([3])]);
    gradcheck('linear nobias b1', ([x, w]) => F.linear(x!, w!), [r([1, 6]), r([2, 6])]);
  });
  it('nll_loss and cross_entropy with label smoothing and each reduction', () => {
    const target = [2, 0, 1, 2];
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck(`nll ${reduction}`, ([x]) => F.nllLoss(F.logSoftmax(x!, 1), target, { reduction }), [r([4, 3])]);
      gradcheck(`ce ls ${reduction}`, ([x]) => F.crossEntropy(x!, target, { reduction, labelSmoothing: 0.1 }), [r([4, 3])]);
    }
  });
});
