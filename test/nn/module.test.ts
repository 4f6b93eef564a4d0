/**
 * nn.Module's registration, as PyTorch's: members assigned to properties and members registered by
 * name (registerParameter / registerBuffer / registerModule) share one registration order, and
 * state_dict lists own parameters, own buffers, then children, each in that order.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Module } from '../../src/nn/module.js';
import { Buffer, Parameter } from '../../src/nn/parameter.js';
import { Conv2d } from '../../src/nn/layers/conv2d.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { BatchNorm2d } from '../../src/nn/layers/batch-norm.js';
import { Sequential } from '../../src/nn/layers/sequential.js';
import { ReLU } from '../../src/nn/layers/activations.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** PyTorch equivalent, in __init__ order: a = Linear(2, 2); register_buffer('steps'); gen0 = Linear; scale = Parameter; gen1 = Linear; tail = Linear. */
class Mixed extends Module {
  readonly a: Linear;
  readonly scale: Parameter;
  readonly tail: Linear;
  readonly #generated: Linear[] = [];

  constructor() {
    super();
    this.a = new Linear(2, 2);
    this.registerBuffer('steps', new Buffer([1]));
    this.#generated.push(new Linear(2, 2));
    this.registerModule('gen0', this.#generated[0]!);
    // `scale` is a declared field, but assigned here: it counts as registered at the next registerX call.
    this.scale = new Parameter([2]);
    this.#generated.push(new Linear(2, 2));
    this.registerModule('gen1', this.#generated[1]!);
    this.tail = new Linear(2, 2);
  }

  forward(x: Tensor): Tensor {
    return x;
  }
}

describe('nn.Module registration order', () => {
  it('properties and registerX calls interleave in the order the constructor made them', () => {
    const m = new Mixed();
    assert.deepEqual(m.namedChildren().map(([k]) => k), ['a', 'gen0', 'gen1', 'tail']);
    assert.deepEqual([...m.stateDict().keys()], [
      // own parameters, then own buffers, then children
      'scale', 'steps',
      'a.weight', 'a.bias', 'gen0.weight', 'gen0.bias', 'gen1.weight', 'gen1.bias', 'tail.weight', 'tail.bias',
    ]);
    assert.deepEqual(m.namedBuffers().map(([k]) => k), ['steps']);
    assert.deepEqual(m.parameters(false), [m.scale]);
    assert.equal(m.parameters().length, 9);
  });

  it('registered members load from a state dict and count as parameters', () => {
    const m = new Mixed();
    const source = new Map([...m.stateDict()].map(([k, t]) => [k, { shape: [...t.shape], data: new Float32Array(t.size).fill(k.length) }]));
    m.loadStateDict(source);
    const gen1 = new Map(m.namedModules()).get('gen1')!;
    assert.deepEqual(Array.from((gen1 as Linear).weight.data), [11, 11, 11, 11]);
    assert.equal(m.numParameters(), 2 + 4 * 6);
  });

  it('re-registering a name replaces the member in place; null leaves an empty slot with no key', () => {
    class Slots extends Module {
      constructor() {
        super();
        this.registerParameter('w', new Parameter([2]));
        this.registerParameter('b', new Parameter([2]));
        this.registerBuffer('count', new Buffer([], 'int64'));
      }
      forward(x: Tensor): Tensor { return x; }
    }
    const m = new Slots();
    const w2 = new Parameter([3]);
    m.registerParameter('w', w2);
    m.registerParameter('b', null);
    assert.deepEqual([...m.stateDict().keys()], ['w', 'count']);
    assert.equal(m.stateDict().get('w'), w2);
    m.registerParameter('b', new Parameter([1]));
    assert.deepEqual([...m.stateDict().keys()], ['w', 'b', 'count'], 'b keeps the place it was first registered at');
  });

  it('refuses bad names and members of the wrong kind, saying what is wrong', () => {
    const m = new Mixed();
    assert.throws(() => m.registerModule('a.b', new ReLU()), /registerModule: the name 'a\.b' must be non-empty and contain no '\.'/);
    assert.throws(() => m.registerModule('', new ReLU()), /must be non-empty/);
    assert.throws(() => m.registerModule('tail', new ReLU()), /'tail' is already a property of Mixed/);
    assert.throws(() => m.registerModule('forward', new ReLU()), /'forward' is already a property/);
    assert.throws(() => m.registerBuffer('gen0', new Buffer([1])), /'gen0' is already registered as a Module/);
    assert.throws(() => m.registerBuffer('x', Tensor.zeros([2]) as Buffer), /must be a Buffer or null, got a plain Tensor/);
    assert.throws(() => m.registerParameter('x', new Buffer([2]) as unknown as Parameter), /must be a Parameter or null, got a Buffer/);
  });

  it('Sequential registers its layers as 0, 1, ..., 10 in order, as PyTorch names them', () => {
    const layers = Array.from({ length: 11 }, () => new Conv2d(1, 1, 1));
    const seq = new Sequential(...layers, new BatchNorm2d(1));
    const keys = [...seq.stateDict().keys()];
    assert.deepEqual(keys.slice(0, 4), ['0.weight', '0.bias', '1.weight', '1.bias']);
    assert.deepEqual(keys.slice(18, 24), ['9.weight', '9.bias', '10.weight', '10.bias', '11.weight', '11.bias']);
    assert.deepEqual(keys.slice(24), ['11.running_mean', '11.running_var', '11.num_batches_tracked']);
    assert.equal(seq.at(-1) instanceof BatchNorm2d, true);
  });
});
