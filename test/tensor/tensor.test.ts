/** Tensor.backward's graph lifetime, as PyTorch's: freed after use, refused a second time, kept by retainGraph. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FreedGraphError, Tensor } from '../../src/tensor/tensor.js';

/** x -> exp(x) -> sum: exp saves its output, so PyTorch too refuses a second backward through it. */
function graph(): { x: Tensor; y: Tensor; loss: Tensor } {
  const x = Tensor.from([0.5, -1, 2]).requiresGrad_();
  const y = x.exp();
  return { x, y, loss: y.sum() };
}

describe('Tensor.backward and the graph it frees', () => {
  it('a second backward through a freed graph throws, naming retainGraph, and changes no gradient', () => {
    const { x, y, loss } = graph();
    loss.backward();
    const first = x.grad!.toArray();
    assert.deepEqual(first, y.toArray(), 'd sum(exp x) / dx = exp x');
    assert.throws(() => loss.backward(), (e: unknown) => {
      assert.ok(e instanceof FreedGraphError, `expected a FreedGraphError, got ${String(e)}`);
      assert.match(e.message, /backward through the graph a second time/);
      assert.match(e.message, /retainGraph: true/);
      assert.doesNotMatch(e.message, /\n/, 'the message is one line');
      return true;
    });
    assert.deepEqual(x.grad!.toArray(), first, 'the refused pass must not add anything to x.grad');
  });

  it('a new graph that reuses a freed intermediate is refused too', () => {
    const { x, y, loss } = graph();
    loss.backward();
    assert.equal(y.isLeaf, false, 'an op output stays a non-leaf after backward, as in PyTorch');
    const again = y.mul(3).sum();
    assert.throws(() => again.backward(), FreedGraphError);
    // A graph built afresh from the leaf is independent of the freed one.
    x.grad = null;
    x.exp().sum().backward();
    assert.deepEqual(x.grad!.toArray(), y.toArray());
  });

  it('retainGraph keeps the graph: gradients accumulate, and the graph is freed by the next plain backward', () => {
    const { x, loss } = graph();
    loss.backward({ retainGraph: true });
    const once = x.grad!.toArray();
    loss.backward(undefined, { retainGraph: true });
    loss.backward();
    assert.deepEqual(x.grad!.toArray(), once.map((v) => Math.fround(Math.fround(v + v) + v)));
    assert.throws(() => loss.backward(), FreedGraphError);
  });

  it('retainGraph with an explicit output gradient', () => {
    const x = Tensor.from([1, 2]).requiresGrad_();
    const y = x.mul(x);
    const g = Tensor.from([1, 10]);
    y.backward(g, { retainGraph: true });
    y.backward(g);
    assert.deepEqual(x.grad!.toArray(), [4, 80]);
    assert.throws(() => y.backward(g), FreedGraphError);
  });

  it('a leaf that requires grad can be backpropagated from repeatedly (it has no graph)', () => {
    const x = Tensor.from([3]).requiresGrad_();
    x.backward();
    x.backward();
    assert.deepEqual(x.grad!.toArray(), [2]);
  });
});
