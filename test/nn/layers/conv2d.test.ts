/** Conv2d's options: PyTorch's padding_mode is accepted only as 'zeros', and anything else is refused in one line. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Conv2d, type Conv2dConfig } from '../../../src/nn/layers/conv2d.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { noGrad } from '../../../src/tensor/grad-mode.js';

describe('Conv2d paddingMode', () => {
  it("accepts 'zeros', explicitly or by default, and pads with zeros", () => {
    const explicit = new Conv2d(1, 1, 3, { padding: 1, paddingMode: 'zeros', bias: false });
    assert.equal(explicit.paddingMode, 'zeros');
    assert.equal(new Conv2d(1, 1, 3).paddingMode, 'zeros');
    explicit.weight.data.fill(1);
    // A 3x3 box sum over a 2x2 map of ones, zero-padded: every output sees all four ones.
    const y = noGrad(() => explicit.call(Tensor.ones([1, 1, 2, 2])));
    assert.deepEqual(y.toArray(), [4, 4, 4, 4]);
  });

  for (const mode of ['reflect', 'replicate', 'circular'] as const) {
    it(`refuses '${mode}' in one line that says what to do`, () => {
      assert.throws(() => new Conv2d(1, 2, 3, { padding: 1, paddingMode: mode }), (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.equal(e.message, `Conv2d: padding_mode '${mode}' is not supported; only 'zeros' (PyTorch's default) is: drop paddingMode or pass 'zeros'`);
        return true;
      });
    });
  }

  it('refuses a value that is not a PyTorch padding mode (from untyped code)', () => {
    const config = { padding: 1, paddingMode: 'zero' } as unknown as Conv2dConfig;
    assert.throws(() => new Conv2d(1, 2, 3, config), /^Error: Conv2d: padding_mode "zero" is not one of PyTorch's \('zeros', 'reflect', 'replicate', 'circular'\); only 'zeros' is supported$/);
  });
});
